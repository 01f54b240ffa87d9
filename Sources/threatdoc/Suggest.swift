import ArgumentParser
import Foundation
import ThreatDocKit

struct Suggest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Propose threats from the threat rule library for what a model leaves open.",
        discussion: """
            Evaluates the threat rules (the built-in library, plus the project file's `rules: folders:`, \
            less `rules: disable:`) against each model's elements and flows, and lists the threats they \
            propose for STRIDE categories the model leaves open, highest risk first. A suggestion that a \
            threat already records (`rule:`) is not proposed again. Suggestions never enter a model by \
            themselves: paste them, or add chosen ones with --apply.

            Exit codes: 0; 1 a model or rule file has errors, or --apply has nothing to add (nothing is \
            written); 2 usage (an unknown --rule ID) or I/O failure.

            Examples:
              threatdoc suggest                                 # every model, grouped by element
              threatdoc suggest models/docker.yaml --all        # also rules whose categories are covered
              threatdoc suggest models/docker.yaml --format yaml
              threatdoc suggest --apply models/docker.yaml --rule DOCKER-E-002
              threatdoc suggest --list-rules --stats
            """)

    @OptionGroup var input: PipelineOptions

    @Option(help: "Output format: text (grouped by element), yaml (items to paste into the model) or json.")
    var format: SuggestFormat = .text

    @Flag(help: "Also list rules whose categories the model already covers, with the threat that covers them.")
    var all = false

    @Option(name: .customLong("rule"), parsing: .upToNextOption, help: ArgumentHelp("Only these rule IDs.", valueName: "id"))
    var rules: [String] = []

    @Option(help: ArgumentHelp("Add the suggestions of the --rule IDs to this model file, keeping its text as written.", valueName: "model"))
    var apply: String?

    @Flag(help: "List the rules instead of evaluating them.")
    var listRules = false

    @Flag(help: "With --list-rules: count the rules per element type and STRIDE category.")
    var stats = false

    enum SuggestFormat: String, ExpressibleByArgument, CaseIterable {
        case text, yaml, json
    }

    func validate() throws {
        if apply != nil, rules.isEmpty { throw ValidationError("--apply needs the rules to add: --rule ID…") }
        if apply != nil, !input.paths.isEmpty { throw ValidationError("--apply names its model; give no other paths") }
        if stats, !listRules { throw ValidationError("--stats goes with --list-rules") }
    }

    func run() throws {
        var inputs = input.inputs
        if let apply { inputs.paths = [apply] }
        let plan = inputs.plan()
        let library = plan.pipeline.rules
        if listRules {
            // The rules that loaded are listed even when others have problems; the problems come after.
            if format == .json, !stats {
                FileHandle.standardOutput.write(Data((Self.encoded(library.rules) + "\n").utf8))
            } else {
                Self.lines(stats ? Self.stats(library) : Self.list(library))
            }
            try reportProblems(plan.diagnostics)
            return
        }
        // Rule IDs must exist: a misspelt one would otherwise select nothing, silently.
        let known = Set(library.rules.map(\.id))
        for rule in rules where !known.contains(rule) {
            let hint = known.first { $0.lowercased() == rule.lowercased() } ?? Suggestions.closest(to: rule, in: known.sorted())
            throw ValidationError("no rule has the ID '\(rule)'" + (hint.map { "; did you mean '\($0)'?" } ?? "; `threatdoc suggest --list-rules` lists them"))
        }
        let outcome = plan.run()
        let errors = outcome.diagnostics.filter { $0.severity == .error }
        // Problems in the project's rule files are shown here too (their errors are the run's).
        let folders = plan.project?.ruleFolders.map(\.value) ?? []
        let ruleProblems = plan.diagnostics.filter { diagnostic in
            diagnostic.code.id.hasPrefix("TD6") || folders.contains { folder in diagnostic.location?.file.hasPrefix(folder) ?? false }
        }
        if !ruleProblems.isEmpty, !ruleProblems.contains(where: { $0.severity == .error }) { try? reportProblems(ruleProblems) }
        // A model with errors is never edited; its suggestions are still listed (from the model as
        // written), after the errors, and the run exits 1.
        if apply != nil { try reportProblems(errors, sources: outcome.sources) }
        if let apply { return try self.apply(to: apply, outcome: outcome, library: library, pipeline: plan.pipeline) }
        defer { if !errors.isEmpty { try? reportProblems(errors, sources: outcome.sources) } }
        let wanted = Set(rules)
        let byModel = outcome.contexts.map { context in
            (context, Suggester.suggest(context, library: library, includeCovered: all).filter { wanted.isEmpty || wanted.contains($0.rule) })
        }
        switch format {
        case .text: Self.lines(Self.text(byModel, all: all))
        // YAML and JSON are data: their strings are escaped by their own rules, and they go out as they are.
        case .yaml:
            // What is open and not yet recorded: with --all, covered suggestions are listed but not written.
            let documents = byModel.map { SuggestionPlan($0.1.filter { !$0.open.isEmpty && !$0.recorded }, context: $0.0).yaml(for: $0.0.model.file.path) }
            FileHandle.standardOutput.write(Data(documents.joined(separator: "\n").utf8))
        case .json: FileHandle.standardOutput.write(Data((Self.json(byModel) + "\n").utf8))
        }
        if !errors.isEmpty { throw ExitCode(ExitStatus.findings) }
    }

    /// Text for the terminal, line by line, each escaped (`Console`).
    static func lines(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { Console.output(String(line)) }
    }

    /// Prints diagnostics to standard error and stops with exit 1 when any is an error.
    func reportProblems(_ diagnostics: [Diagnostic], sources: [SourceFile] = []) throws {
        guard !diagnostics.isEmpty else { return }
        let formatter = DiagnosticFormatter(useColor: false, sources: sources)
        FileHandle.standardError.write(Data((diagnostics.map(formatter.text).joined(separator: "\n") + "\n").utf8))
        if diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(ExitStatus.findings) }
    }

    // MARK: --apply

    func apply(to path: String, outcome: Pipeline.Outcome, library: RuleLibrary, pipeline: Pipeline) throws {
        guard let context = outcome.contexts.first(where: { $0.model.file.path == path }) ?? outcome.contexts.first,
              outcome.contexts.count == 1 else {
            Console.error("threatdoc: \(TerminalText.escape(path)) holds no model to add to")
            throw ExitCode(ExitStatus.failure)
        }
        // Links are not followed: the file named is the file changed.
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            Console.error("threatdoc: \(TerminalText.escape(path)) is not a regular file (a symbolic link is not followed); name the model file itself")
            throw ExitCode(ExitStatus.failure)
        }
        // A rule the author names is added where it applies and no threat records it yet, even where
        // another threat already covers its category.
        let applying = Suggester.suggest(context, library: library, includeCovered: true).filter { rules.contains($0.rule) }
        let chosen = applying.filter { !$0.recorded }
        var refused = false
        for rule in rules where !chosen.contains(where: { $0.rule == rule }) {
            refused = true
            let reason = applying.contains { $0.rule == rule }
                ? "every element or flow it applies to records it already (`rule: \(rule)`)"
                : "it applies to no element or flow of this model"
            Console.error("threatdoc: rule \(TerminalText.escape(rule)) proposes nothing for \(TerminalText.escape(path)): \(reason)")
        }
        guard !refused else { throw ExitCode(ExitStatus.findings) }
        let plan = SuggestionPlan(chosen, context: context)
        let text = context.model.file.text
        // The top-level keys where the YAML parser found them, not where a text scan would guess.
        var parsed = DiagnosticBag()
        guard case .mapping(let pairs, _)? = SafeYAMLReader.read(context.model.file, limits: pipeline.limits, into: &parsed) else {
            Console.error("threatdoc: \(TerminalText.escape(path)) is not a mapping")
            throw ExitCode(ExitStatus.findings)
        }
        let keys = pairs.map { (name: $0.key.value, line: $0.key.location.line) }
        let edited: String
        do {
            edited = try ModelEditor.insert(plan, into: text, keys: keys)
        } catch {
            Console.error("threatdoc: \(error.description)")
            throw ExitCode(ExitStatus.findings)
        }
        // The edited model must be as valid as it was, within the same size limit: nothing is written otherwise.
        guard edited.utf8.count + context.model.file.bomLength <= pipeline.limits.maxFileBytes else {
            Console.error("threatdoc: not written: the model would be larger than the limit of \(pipeline.limits.maxFileBytes) bytes (--max-file-size)")
            throw ExitCode(ExitStatus.findings)
        }
        let before = Set(outcome.diagnostics.filter { $0.severity == .error }.map(\.message))
        let check = pipeline.run(text: edited, path: path)
        let new = check.diagnostics.filter { $0.severity == .error && !before.contains($0.message) }
        if !new.isEmpty {
            Console.error("threatdoc: not written: the model would have errors")
            try reportProblems(new, sources: check.sources)
        }
        do {
            try FileWriting.replace(path, with: Data((context.model.file.bomLength > 0 ? "\u{FEFF}" : "").utf8) + Data(edited.utf8),
                                    permissions: Int(status.st_mode & 0o7777))
        } catch {
            Console.error("threatdoc: error[TD510]: cannot write \(TerminalText.escape(path)): \(error)")
            throw ExitCode(ExitStatus.failure)
        }
        Console.error("threatdoc: added \(plan.threats.map(\.id).joined(separator: ", ")) and \(plan.mitigations.count) new mitigation\(plan.mitigations.count == 1 ? "" : "s") to \(TerminalText.escape(path)); decide each `response:`")
    }

    // MARK: Output

    static func text(_ byModel: [(ModelContext, [Suggestion])], all: Bool) -> String {
        var out: [String] = []
        for (context, suggestions) in byModel {
            let open = context.coverage.openCount
            let fresh = suggestions.filter { !$0.open.isEmpty }
            out.append("\(TerminalText.escape(context.model.id?.value ?? "?")) (\(TerminalText.escape(context.model.file.path))): "
                + "\(suggestions.count) suggestion\(suggestions.count == 1 ? "" : "s")"
                + (all ? " (\(fresh.count) for open categories)" : "") + "; \(open) open STRIDE categor\(open == 1 ? "y" : "ies")")
            var seen: [String] = []
            var byTarget: [String: [Suggestion]] = [:]
            for suggestion in suggestions {
                if byTarget[suggestion.target] == nil { seen.append(suggestion.target) }
                byTarget[suggestion.target, default: []].append(suggestion)
            }
            for target in seen {
                let first = byTarget[target]![0]
                out.append("")
                out.append("  \(TerminalText.escape(target)) (\(first.targetKind) \"\(TerminalText.escape(first.targetName))\")")
                for suggestion in byTarget[target]! {
                    let letters = suggestion.categories.map(\.letter).joined(separator: ", ")
                    let status = suggestion.heldBy.map { " · held by \(TerminalText.escape($0))" + (suggestion.recorded ? " (recorded)" : "") } ?? ""
                    let openNote = suggestion.open.isEmpty ? " · covered" : suggestion.open.count < suggestion.categories.count
                        ? " · open: \(suggestion.open.map(\.letter).joined(separator: ", "))" : ""
                    out.append("    \(suggestion.risk.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))\(TerminalText.escape(suggestion.rule))  "
                        + "\(TerminalText.escape(suggestion.title)) [\(letters)]\(openNote)\(status)")
                    let checks = suggestion.mitigations.flatMap(\.checks)
                    out.append("             likelihood \(suggestion.likelihood.rawValue), impact \(suggestion.impact.rawValue)"
                        + (suggestion.mitigations.isEmpty ? "" : "; mitigations: " + suggestion.mitigations.map { TerminalText.escape($0.id) }.joined(separator: ", "))
                        + (checks.isEmpty ? "" : " (checks \(checks.map { TerminalText.escape($0) }.joined(separator: ", ")))"))
                }
            }
            out.append("")
        }
        if byModel.isEmpty { out.append("threatdoc: no models") }
        return out.joined(separator: "\n")
    }

    static func json(_ byModel: [(ModelContext, [Suggestion])]) -> String {
        struct Model: Encodable { var id: String; var file: String; var suggestions: [Suggestion] }
        struct Document: Encodable { var version = 1; var models: [Model] }
        let document = Document(models: byModel.map { Model(id: $0.0.model.id?.value ?? "", file: $0.0.model.file.path, suggestions: $0.1) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self)
    }

    static func encoded<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    static func list(_ library: RuleLibrary) -> String {
        library.rules.map { rule in
            "\(TerminalText.escape(rule.id))\t\(rule.conditions.types.map(\.rawValue).joined(separator: ","))\t"
                + "\(rule.stride.map(\.letter).joined())\t\(rule.risk.rawValue)\t\(TerminalText.escape(rule.title))\t\(TerminalText.escape(rule.source))"
        }.joined(separator: "\n")
    }

    /// Rules per element type and STRIDE category (a rule counts once per category it proposes that
    /// applies to the type); "–" where the category does not apply.
    static func stats(_ library: RuleLibrary) -> String {
        var lines = ["\(library.rules.count) rules", "", "type        S    T    R    I    D    E"]
        for (type, counts) in library.stats {
            var line = type.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            for category in StrideCategory.allCases {
                let cell = type.targetKind.applicableCategories.contains(category) ? String(counts[category] ?? 0) : "–"
                line += String(repeating: " ", count: max(1, 5 - cell.count)) + cell
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
