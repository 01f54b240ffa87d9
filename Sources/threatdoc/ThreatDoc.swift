import ArgumentParser
import Foundation
import ThreatDocKit

@main
struct ThreatDoc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threatdoc",
        abstract: "Validate threat models written as code, and turn them into documentation.",
        discussion: """
            Threat models are YAML files (format version 1) under models/. Exit codes: 0 no errors; \
            1 errors found (or warnings, with --strict); 2 usage or I/O failure.

            Examples:
              threatdoc validate
              threatdoc validate models/docker.yaml --format json
              threatdoc schema > models/threatdoc.schema.json
            """,
        version: ThreatDocKit.versionLine,
        subcommands: [Init.self, New.self, Validate.self, Render.self, Serve.self, Check.self, Diff.self, Suggest.self, Import.self, Export.self, Bench.self, Schema.self],
        defaultSubcommand: nil)

    /// Runs the command and maps every outcome onto the documented exit codes.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            // Usage text has line breaks of its own; each line is escaped, so ESC and bidi controls in an
            // argument are shown, not obeyed.
            let message = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
                .map { TerminalText.escape(String($0), keepingTabs: true) }.joined(separator: "\n")
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// Values kept until the process exits instead of being freed one by one: the process ends right
/// after the command, and tearing down every model, diagnostic and page of 200 models took tens of
/// milliseconds (compilers skip it for the same reason).
enum ProcessLifetime {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ value: Any) { kept.append(value) }
}
