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
            """)

    @Argument(help: "Model files or folders to check (searched recursively).")
    var paths: [String] = ["models"]

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    @Option(help: "When to use colour in text output: auto, always or never. NO_COLOR disables auto.")
    var color: ColorMode = .auto

    @Option(help: "Largest model file to read, in bytes (suffixes K and M allowed).")
    var maxFileSize: ByteCount = ByteCount(LoadLimits.default.maxFileBytes)

    @Option(help: "Warn when a model's last review is older than this many days.")
    var maxReviewAge: Int = 365

    func validate() throws {
        guard maxReviewAge >= 0 else { throw ValidationError("--max-review-age must not be negative") }
    }

    func run() throws {
        var limits = LoadLimits.default
        limits.maxFileBytes = maxFileSize.bytes
        let pipeline = Pipeline(
            limits: limits,
            options: ValidationOptions(today: CalendarDate.today(), maxReviewAgeDays: maxReviewAge))
        let outcome = pipeline.run(paths: paths)
        let formatter = DiagnosticFormatter(useColor: color.enabled(for: .standardOutput), sources: outcome.sources)
        let output = switch format {
        case .text: formatter.text(outcome.diagnostics, summary: outcome.summary)
        case .json: formatter.json(outcome.diagnostics, summary: outcome.summary)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        throw ExitCode(ExitStatus.for(outcome, strict: strict))
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
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

/// A size in bytes, written as 1048576, 1024K or 1M.
struct ByteCount: ExpressibleByArgument {
    var bytes: Int

    init(_ bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let text = argument.uppercased()
        let multiplier = text.hasSuffix("M") ? 1 << 20 : text.hasSuffix("K") ? 1 << 10 : 1
        let digits = multiplier == 1 ? Substring(text) : text.dropLast()
        guard let value = Int(digits), value > 0, value <= (1 << 30) / multiplier else { return nil }
        bytes = value * multiplier
    }

    var defaultValueDescription: String { "\(bytes)" }
}
