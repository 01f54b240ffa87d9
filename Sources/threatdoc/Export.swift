import ArgumentParser
import Foundation
import ThreatDocKit

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model as OTM, OWASP Threat Model Library, Threat Dragon v2, or threatdoc's own JSON.",
        discussion: """
            --format json writes the resolved model as threatdoc sees it after validation and linking: \
            every element, flow, threat (with its computed risk), mitigation (with its evidence state and \
            each check's results per host), coverage entry, acknowledged gap and scan, so that other tools \
            can read a model without parsing YAML. The document is {"format": "threatdoc-model", \
            "version": 1, "model": {…}}, with keys sorted, byte-identical for the same input. The project \
            file's scans are read as `validate` reads them.

            --format otm writes Open Threat Model 0.2.0 (IriusRisk, StartLeft); --format tm-library the OWASP \
            Threat Model Library format 1.0.2; --format threat-dragon a Threat Dragon v2 model with one STRIDE \
            diagram, its cells on a grid by boundary and each threat on its cells. Each validates against the \
            format's published JSON Schema. What the format has no place for is listed on standard error \
            (TD707); the README's "Import and export" section lists it per format, and `threatdoc import` reads \
            each format back.

            -o replaces an existing file only when it is an earlier export in the same format, or with \
            --force; never the model being exported (TD705).

            Exit codes: 0; 1 the model has errors (nothing is written); 2 usage or I/O failure, or the \
            output file is refused.

            Examples:
              threatdoc export models/docker.yaml --format json
              threatdoc export models/kubernetes.yaml --format json -o kubernetes.json
              threatdoc export models/docker.yaml --format threat-dragon -o docker.td.json
              threatdoc export models/docker.yaml --format otm
            """)

    @Argument(help: "The model file.")
    var model: String

    @Option(help: "Output format: json, otm, tm-library or threat-dragon.")
    var format: ExportFormat = .json

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The file to write (default: standard output).", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the output file even if it is not an earlier export in this format.")
    var force = false

    @OptionGroup var read: ReadOptions

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case json, otm
        case tmLibrary = "tm-library"
        case threatDragon = "threat-dragon"

        var interop: InteropFormat? { InteropFormat(rawValue: rawValue) }
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
        let text: String
        if let interop = format.interop {
            let exported = ModelExporter.export(resolved[0], to: interop)
            text = exported.text
            for loss in exported.losses { Console.error("threatdoc: note[TD707]: not written to \(interop.title): \(loss)") }
        } else {
            text = ModelExport.json(resolved[0]) + "\n"
        }
        guard let output, output != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        // A file is replaced only when it is an earlier export in this format (so that CI can export again),
        // or with --force; never the model being read.
        if FileStatus.sameFile(output, model) {
            Console.error("threatdoc: error[TD705]: \(output) is the model being exported; choose another file with -o")
            throw ExitCode(ExitStatus.failure)
        }
        if FileManager.default.fileExists(atPath: output), !force, !ExportedFile.isExport(atPath: output, format: format.rawValue) {
            Console.error("threatdoc: error[TD705]: \(output) exists and is not a \(format.rawValue) export; choose another file with -o, or replace it with --force")
            throw ExitCode(ExitStatus.failure)
        }
        do {
            try FileWriting.replace(output, with: Data(text.utf8))
        } catch {
            Console.error("threatdoc: error[TD510]: cannot write \(output): \(error.description)")
            throw ExitCode(ExitStatus.failure)
        }
        Console.error("threatdoc: wrote \(output)")
    }
}
