import ArgumentParser
import Foundation
import ThreatDocKit

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check threat models and report every problem in one run.",
        discussion: """
            Prints compiler-style diagnostics (path:line:column: severity[CODE]: message, the source line \
            with a caret, and a help line), then a summary.

            Examples:
              threatdoc validate                      # every model under models/
              threatdoc validate models/docker.yaml
              threatdoc validate --format json > diagnostics.json
              threatdoc validate --strict             # warnings fail the run too
              threatdoc validate --scan docker-bench.json --scan kube-bench.json
            """)

    @OptionGroup var input: PipelineOptions

    @Option(help: "Output format: text, json, sarif (SARIF 2.1.0 for code scanning) or github (workflow commands).")
    var format: OutputFormat = .text

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    @OptionGroup var shown: ShownDiagnostics

    @Option(help: "When to use colour in text output: auto, always or never. NO_COLOR disables auto.")
    var color: ColorMode = .auto

    func run() throws {
        let outcome = input.run()
        ProcessLifetime.keep(outcome)
        let formatter = DiagnosticFormatter(useColor: color.enabled(for: .standardOutput), sources: outcome.sources)
        FileHandle.standardOutput.write(Data(format.render(outcome, formatter: formatter, minSeverity: shown.minSeverity).utf8))
        if format == .github { GitHubSummary.write(outcome, gates: nil, stale: []) }
        throw ExitCode(ExitStatus.for(outcome, strict: strict))
    }
}

extension Severity: ExpressibleByArgument {}

/// Which diagnostics `validate` and `check` print; the summary always counts them all.
struct ShownDiagnostics: ParsableArguments {
    @Option(help: ArgumentHelp("The least severe diagnostics to print: error, warning or note (default: note; warning for sarif). The summary counts everything.", valueName: "severity"))
    var minSeverity: Severity?
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github

    /// The least severe diagnostics shown by default: notes in text, JSON and GitHub annotations;
    /// SARIF holds errors and warnings, so notes never become code-scanning alerts unless asked for.
    var defaultMinSeverity: Severity { self == .sarif ? .warning : .note }

    /// The diagnostics at `minSeverity` or above (the format's default when nil); the summary always
    /// counts every diagnostic.
    func render(_ outcome: Pipeline.Outcome, formatter: DiagnosticFormatter, minSeverity: Severity? = nil) -> String {
        let shown = Self.shown(outcome.diagnostics, minSeverity ?? defaultMinSeverity)
        switch self {
        case .text: return formatter.text(shown, summary: outcome.summary)
        case .json: return formatter.json(shown, summary: outcome.summary)
        case .sarif: return SARIFFormatter.sarif(shown, sources: outcome.sources)
        case .github: return GitHubFormatter.commands(shown) + outcome.summary.line + "\n"
        }
    }

    static func shown(_ diagnostics: [Diagnostic], _ minSeverity: Severity) -> [Diagnostic] {
        diagnostics.filter { $0.severity <= minSeverity }
    }
}

/// Appends the Markdown summary to `$GITHUB_STEP_SUMMARY` when GitHub Actions sets it.
enum GitHubSummary {
    static func write(_ outcome: Pipeline.Outcome, gates: [GateFailure]?, stale: [String]) {
        guard let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
        let text = GitHubFormatter.stepSummary(outcome.diagnostics, summary: outcome.summary, gates: gates, stale: stale)
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try? handle.close()
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        }
    }
}

enum ColorMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    func enabled(for handle: FileHandle) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            let environment = ProcessInfo.processInfo.environment
            if environment["NO_COLOR"].map({ !$0.isEmpty }) == true { return false }
            if environment["TERM"] == "dumb" { return false }
            return isatty(handle.fileDescriptor) == 1
        }
    }
}

