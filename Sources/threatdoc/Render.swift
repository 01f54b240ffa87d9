import ArgumentParser
import Foundation
import ThreatDocKit
import ThreatDocServe

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render threat models into Markdown reports and a static HTML site.",
        discussion: """
            Writes output/README.md (an index GitHub shows for the folder), one Markdown document per \
            model named after the model's ID, and the site in output/html/ (index.html, a page per \
            model, the stylesheet). The new output is built aside and replaces the old folder only \
            when everything succeeded; files no longer produced disappear. Nothing is written when a \
            model has errors.

            Templates: the defaults are built in; a folder (default: templates/, when it exists) \
            overrides any of them by name, as <folder>/markdown/<name>.mustache or \
            <folder>/html/<name>.mustache.

            Examples:
              threatdoc render                                  # models/ into output/
              threatdoc render models/docker.yaml --output /tmp/report
              threatdoc render --formats html --templates my-templates
              threatdoc render --dump-context docker            # the template context, as JSON
              threatdoc render --watch                          # and again on every change
            """)

    @OptionGroup var input: PipelineOptions

    @Option(help: ArgumentHelp("The folder to write.", valueName: "dir"))
    var output: String = "output"

    var outputFolder: String { Console.folderName(output) }

    @Option(help: ArgumentHelp("Print the template context of the model with this ID as JSON, and write nothing.", valueName: "model-id"))
    var dumpContext: String?

    @OptionGroup var rendering: RenderOptions

    @Flag(help: "Carry files threatdoc did not write (CNAME, a gh-pages checkout's .git) into the new output instead of stopping.")
    var keepForeign = false

    @Option(help: ArgumentHelp("Print the Graphviz DOT of the model with this ID's data-flow diagram, and write nothing.", valueName: "model-id"))
    var dumpDot: String?

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    @Option(help: "When to use colour: auto, always or never. NO_COLOR disables auto.")
    var color: ColorMode = .auto

    func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }

    @Flag(help: "Render again whenever a model, template, the project file or a scan changes (Ctrl-C stops).")
    var watch = false

    func run() throws {
        guard watch else { return try renderOnce() }
        let once = { do { try self.renderOnce() } catch { /* reported; keep watching */ } }
        once()
        // The output folder as the watcher spells paths (relative, without `./`), so that no spelling of it
        // (`./models/out`, an absolute path) makes a render start the next one.
        var target = Console.folderName(output)
        while target.hasPrefix("./") { target.removeFirst(2) }
        let here = FileManager.default.currentDirectoryPath + "/"
        if target.hasPrefix(here) { target.removeFirst(here.count) }
        let skipped = target
        let roots = Preview(paths: input.paths, templates: rendering.templates, output: output).watched
        let changes = DispatchSemaphore(value: 0)
        let watcher = FileWatcher(roots: roots, skip: { path in
            path == skipped || path.hasPrefix(skipped + "/") || path.split(separator: "/").contains { $0.hasPrefix(".") && $0 != "." && $0 != ".." && $0 != ".threatdoc.yaml" }
        }) { changes.signal() }
        Console.error("threatdoc: watching \(roots.joined(separator: ", ")) through \(watcher.mechanism.rawValue); Ctrl-C stops")
        while true {
            changes.wait()
            Console.error("threatdoc: a change: rendering again")
            once()
        }
    }

    func renderOnce() throws {
        defer { StageTimer.shared.report() }
        let cache = try rendering.openCache()
        let (outcome, plan) = StageTimer.shared.measure("pipeline (wall)") { input.runWithPlan(parseCache: cache.map(ParseCache.init)) }
        ProcessLifetime.keep(outcome)
        let formatter = DiagnosticFormatter(useColor: color.enabled(for: .standardError), sources: outcome.sources)
        let shown = outcome.diagnostics.filter { $0.severity != .note }
        func report(_ diagnostics: [Diagnostic]) {
            for diagnostic in diagnostics {
                FileHandle.standardError.write(Data((formatter.text(diagnostic) + "\n").utf8))
            }
        }
        guard let models = outcome.models else {
            report(shown)
            Console.error("threatdoc: nothing rendered; \(outcome.summary.line)")
            throw ExitCode(ExitStatus.for(outcome, strict: strict) == 0 ? 1 : ExitStatus.for(outcome, strict: strict))
        }
        var diagnostics = DiagnosticBag()
        let templateFolder = rendering.templatesFolder

        if let dumpDot {
            guard let model = models.first(where: { $0.id == dumpDot }) else {
                throw ValidationError("no model with the ID '\(dumpDot)'; models: \(models.map(\.id).joined(separator: ", "))")
            }
            FileHandle.standardOutput.write(Data(DataFlowGraph.dot(model).dot.utf8))
            return
        }

        if let dumpContext {
            guard let model = models.first(where: { $0.id == dumpContext }) else {
                throw ValidationError("no model with the ID '\(dumpContext)'; models: \(models.map(\.id).joined(separator: ", "))")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let renderer = MarkdownRenderer(templates: TemplateSet.load(format: "markdown", overrides: templateFolder, into: &diagnostics),
                                            outputDirectory: output)
            FileHandle.standardOutput.write(try encoder.encode(renderer.context(for: model)) + Data("\n".utf8))
            return
        }

        let interactive = isatty(FileHandle.standardError.fileDescriptor) == 1
        if interactive, models.count > 20 {
            FileHandle.standardError.write(Data("rendering \(models.count) models…\r".utf8))
        }
        var builder = rendering.builder(output: output, cache: cache)
        builder.keepForeign = keepForeign
        // Held from reading what the last render wrote to the swap, so two renders never interleave.
        let lock: OutputLock
        do {
            lock = try OutputLock.acquire(for: output) {
                Console.error("threatdoc: waiting for another threatdoc writing \(outputFolder)/…")
            }
        } catch {
            Console.error("threatdoc: error[TD510]: \(error.description)")
            throw ExitCode(ExitStatus.failure)
        }
        cache?.removeAbandonedTemporaries()
        let built = StageTimer.shared.measure("build (wall)") { builder.buildForOutput(outcome, into: &diagnostics) }
        guard let built else {
            report(shown + diagnostics.sorted)
            Console.error(FileManager.default.fileExists(atPath: output) ? "threatdoc: nothing written; \(outputFolder)/ is unchanged" : "threatdoc: nothing written")
            // A templates folder or template that cannot be read is an I/O failure, like any unreadable input.
            throw ExitCode(diagnostics.diagnostics.contains { $0.code == .ioError } ? ExitStatus.failure : ExitStatus.findings)
        }
        ProcessLifetime.keep(built)
        // Rendering some models of a project into its output folder would delete the others' pages.
        let removed = plan.namesPartOfTheProject(input.paths) ? builder.pagesRemoved(by: built) : []
        if !removed.isEmpty {
            report(shown + diagnostics.sorted)
            let named = removed.prefix(3).map { "\(outputFolder)/\($0)" }.joined(separator: ", ")
            Console.error("threatdoc: error: rendering only \(input.paths.joined(separator: ", ")) into \(outputFolder)/ would delete "
                + "\(named)\(removed.count > 3 ? " and \(removed.count - 3) more" : ""), pages of models not given; nothing written. "
                + "Render every model (`threatdoc render`), or write these pages elsewhere (`--output DIR`)")
            throw ExitCode(ExitStatus.failure)
        }
        do {
            let stayed = try StageTimer.shared.measure("write (wall)") { () throws(OutputWriter.Failure) in try builder.write(built, lock: lock) }
            for folder in stayed {
                Console.error("threatdoc: warning: left \(folder) in place: an earlier render was stopped there, and it holds files threatdoc did not write")
            }
        } catch {
            report(shown)
            let state = error.outputReplaced ? "" : "; \(outputFolder)/ is unchanged"
            Console.error("threatdoc: error[TD510]: \(error.description)\(state)")
            throw ExitCode(ExitStatus.failure)
        }
        report(shown + diagnostics.sorted)
        for model in models {
            let written = rendering.formatList.map { $0 == "html" ? "\(outputFolder)/html/\(model.id).html" : "\(outputFolder)/\(model.id).md" }
            Console.output("rendered \(model.id): \(plural(model.threats.count, "threat")), \(plural(model.mitigations.count, "mitigation")) → \(written.joined(separator: ", "))")
        }
        // The summary counts what rendering found too (a diagram that could not be drawn is a warning).
        var everything = outcome
        everything.diagnostics += diagnostics.diagnostics
        Console.output("\(models.count) model\(models.count == 1 ? "" : "s") rendered into \(outputFolder)/ (\(built.files.count + built.kept.count + 1) files); \(everything.summary.line)")
        if strict, (outcome.diagnostics + diagnostics.diagnostics).contains(where: { $0.severity == .warning }) {
            throw ExitCode(ExitStatus.findings)
        }
    }
}
