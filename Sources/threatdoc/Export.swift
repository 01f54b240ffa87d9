import ArgumentParser
import Foundation
import ThreatDocKit

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model in another form: threatdoc's own JSON of the resolved model.",
        discussion: """
            --format json writes the resolved model as threatdoc sees it after validation and linking: \
            every element, flow, threat (with its computed risk), mitigation (with its evidence state and \
            each check's results per host), coverage entry, acknowledged gap and scan, so that other tools \
            can read a model without parsing YAML. The document is {"format": "threatdoc-model", \
            "version": 1, "model": {…}}, with keys sorted, byte-identical for the same input. The project \
            file's scans are read as `validate` reads them.

            OTM, the OWASP Threat Model Library format and Threat Dragon are not written yet.

            Exit codes: 0; 1 the model has errors (nothing is written); 2 usage or I/O failure.

            Examples:
              threatdoc export models/docker.yaml --format json
              threatdoc export models/kubernetes.yaml --format json -o kubernetes.json
            """)

    @Argument(help: "The model file.")
    var model: String

    @Option(help: "Output format: json.")
    var format: ExportFormat = .json

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The file to write (default: standard output).", valueName: "file"))
    var output: String?

    @OptionGroup var read: ReadOptions

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case json
    }

    func run() throws {
        let outcome = read.inputs(paths: [model]).plan().run()
        let errors = outcome.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let resolved = outcome.models, resolved.count == 1 else {
            let formatter = DiagnosticFormatter(useColor: false, sources: outcome.sources)
            FileHandle.standardError.write(Data((errors.map(formatter.text).joined(separator: "\n") + "\n").utf8))
            if errors.isEmpty { Console.error("threatdoc: \(TerminalText.escape(model)) holds no model") }
            throw ExitCode(errors.contains { $0.code == .ioError } ? ExitStatus.failure : ExitStatus.findings)
        }
        let text = ModelExport.json(resolved[0]) + "\n"
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try FileWriting.replace(output, with: Data(text.utf8))
        } catch {
            Console.error("threatdoc: error[TD510]: cannot write \(TerminalText.escape(output))")
            throw ExitCode(ExitStatus.failure)
        }
    }
}
