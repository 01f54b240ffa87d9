import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import ThreatDocRender
import Foundation

/// Renders every requested format of a set of models into files, in memory: `render` writes them,
/// `check` compares them with what is committed.
public struct SiteBuilder: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case markdown, html
    }

    public var formats: [Format]
    public var outputDirectory: String
    /// A folder overriding the built-in templates (`<folder>/markdown/…`, `<folder>/html/…`).
    public var templatesFolder: String?
    /// Layout and page cache; nil renders everything afresh.
    public var cache: CacheFolder?
    /// Carry files threatdoc did not write into each new output (see `OutputWriter`).
    public var keepForeign = false
    /// CPU seconds all of one model's diagram layouts share (see `ModelDiagrams`).
    public var diagramBudget = GraphvizLayout.defaultCPUSeconds

    public init(formats: [Format], outputDirectory: String, templatesFolder: String?, cache: CacheFolder?) {
        self.formats = formats
        self.outputDirectory = outputDirectory
        self.templatesFolder = templatesFolder
        self.cache = cache
    }

    /// `templates/` in the working directory, when it exists: the repository's overridable templates.
    public static var defaultTemplatesFolder: String? {
        FileManager.default.fileExists(atPath: "templates") ? "templates" : nil
    }

    /// The files of the output folder (paths relative to it, without the marker), or nil when a
    /// template is broken; diagnostics say why.
    public func build(_ outcome: Pipeline.Outcome, into diagnostics: inout DiagnosticBag) -> [String: String]? {
        build(outcome, keeping: false, into: &diagnostics)?.files
    }

    /// A build for writing into `outputDirectory`: pages the folder already holds unchanged (by the
    /// manifest of the last render) are listed in `kept`, without their text.
    /// The model a page belongs to: `ID.md` and `html/ID.html`; nil for the index, the stylesheet
    /// and anything else.
    public static func modelID(ofPage path: String) -> String? {
        let html = path.hasPrefix("html/") && path.hasSuffix(".html"), markdown = !path.contains("/") && path.hasSuffix(".md")
        guard html || markdown, path != "README.md", path != "html/index.html" else { return nil }
        let name = PathNames.name(of: path)
        return String(name.dropLast(html ? 5 : 3))
    }

    /// The pages the output folder holds now, written by threatdoc, that writing `output` would remove.
    public func pagesRemoved(by output: Output) -> [String] {
        guard let owned = OutputWriter.ownedFiles(in: outputDirectory) else { return [] }
        return owned.subtracting(output.files.keys).subtracting(output.kept).filter { Self.modelID(ofPage: $0) != nil }.sorted()
    }

    public struct Output: Sendable {
        public var files: [String: String]
        /// Paths whose file in the output folder is already what this build would write.
        public var kept: Set<String>
        /// Every cached page by path → cache key: the next render's manifest.
        public var pages: [String: String]
        var cache: PageCache

        /// The text of a kept page, from the page cache, for when its old file cannot be linked.
        public func text(ofKept path: String) -> String? {
            pages[path].flatMap { cache.lookup($0) }
        }
    }

    public func buildForOutput(_ outcome: Pipeline.Outcome, into diagnostics: inout DiagnosticBag) -> Output? {
        build(outcome, keeping: true, into: &diagnostics)
    }

    /// Replaces the output folder with `output`, then records its pages for the next render. `lock`
    /// must have been taken before `buildForOutput`, so that what it kept is still there.
    @discardableResult
    public func write(_ output: Output, lock: OutputLock) throws(OutputWriter.Failure) -> [String] {
        let stayed = try OutputWriter(directory: outputDirectory, keepForeign: keepForeign)
            .replace(with: output.files, keeping: output.kept, lock: lock, keptText: output.text(ofKept:))
        if let cache {
            OutputManifest.save(pages: output.pages, cache: cache, outputDirectory: outputDirectory)
            cache.pruneIfDue()
        }
        return stayed
    }

    private func build(_ outcome: Pipeline.Outcome, keeping: Bool, into diagnostics: inout DiagnosticBag) -> Output? {
        guard let models = outcome.models else { return nil }
        let previous = keeping ? cache.flatMap { OutputManifest.load(cache: $0, outputDirectory: outputDirectory) } : nil
        let pageCache = PageCache(folder: cache, inputDigests: cache == nil ? [:] : PageCache.digests(for: outcome), previous: previous)
        var markdownDiagnostics = DiagnosticBag(), htmlDiagnostics = DiagnosticBag()
        // A templates folder that cannot be read, or a template in it, stops the build: rendering with
        // the built-in templates instead would publish what the user did not ask for.
        if let templatesFolder, let problem = TemplateSet.problem(withFolder: templatesFolder) {
            diagnostics.report(.ioError, problem, at: nil,
                               help: "check the --templates path, or leave the option out to use templates/ (when it exists) or the built-in templates")
            return nil
        }
        let markdownSet = TemplateSet.load(format: "markdown", overrides: templatesFolder, into: &markdownDiagnostics)
        let markdownRenderer = MarkdownRenderer(templates: markdownSet, outputDirectory: outputDirectory, cache: pageCache)
        let htmlSet = formats.contains(.html) ? TemplateSet.load(format: "html", overrides: templatesFolder, into: &htmlDiagnostics) : nil
        if markdownDiagnostics.hasErrors || htmlDiagnostics.hasErrors {
            diagnostics.append(contentsOf: markdownDiagnostics)
            diagnostics.append(contentsOf: htmlDiagnostics)
            return nil
        }
        // The formats are independent: render them at the same time.
        let wantsMarkdown = formats.contains(.markdown)
        let (markdownStart, htmlStart, budget) = (markdownDiagnostics, htmlDiagnostics, diagramBudget)
        let rendered: [(files: [String: String]?, diagnostics: DiagnosticBag)] = concurrentMap(2) { index in
            if index == 0 {
                var bag = markdownStart
                return (wantsMarkdown ? markdownRenderer.render(models, into: &bag) : [:], bag)
            }
            guard let htmlSet else { return ([:], htmlStart) }
            var bag = htmlStart
            var site = HTMLRenderer(templates: htmlSet, layout: GraphvizLayout(cache: cache),
                                    outputDirectory: outputDirectory, cache: pageCache.scoped("html/"))
            site.diagramBudget = budget
            let html = site.render(models, into: &bag)
            return (html.map { Dictionary(uniqueKeysWithValues: $0.map { ("html/" + $0.key, $0.value) }) }, bag)
        }
        var files: [String: String] = [:]
        var failed = false
        for result in rendered {
            diagnostics.append(contentsOf: result.diagnostics)
            if let more = result.files { files.merge(more) { a, _ in a } } else { failed = true }
        }
        let pages = pageCache.pages.snapshot
        return failed ? nil : Output(files: files, kept: pages.kept, pages: pages.keys, cache: pageCache)
    }
}

