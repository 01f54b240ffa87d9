import ArgumentParser
import Foundation
import ThreatDocKit

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn a Threat Dragon, OTM or OWASP Threat Model Library file into a model.",
        discussion: """
            Reads the file, maps everything that has a place in format 1 (elements, boundaries with their \
            nesting, flows, threats with their STRIDE categories, mitigations, assets) and writes a commented \
            model. What has no place in format 1 is listed at the top of the written file and on standard \
            error, with the JSON path of each; values the source did not give (a likelihood, say) are listed \
            as assumed. Each object keeps its ID in the source under `source:`, for round trips.

            The format is detected from the file unless --format names it. The model is validated before it \
            is written, and an existing file is never replaced without --force.

            Exit codes: 0 written; 1 the file cannot be imported, or the result does not validate (nothing is \
            written); 2 usage or I/O failure, or the output file exists.

            Examples:
              threatdoc import threat-dragon-model.json
              threatdoc import diagram.otm.json --format otm --id payments
              threatdoc import huskyai.json -o models/husky.yaml
              threatdoc import huskyai.json -o -
            """)

    @Argument(help: "The file to import (JSON, or YAML for OTM).")
    var file: String

    @Option(help: "The file's format: threat-dragon, otm or tm-library (default: detected).")
    var format: InteropFormat?

    @Option(help: "The model's ID (default: made from the model's title).")
    var id: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp(
        "The model file to write; - writes to standard output (default: models/ID.yaml).", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    @Option(help: "Largest model to write, in bytes (suffixes K and M allowed); validate reads no larger.")
    var maxFileSize: ByteCount = ByteCount(LoadLimits.default.maxFileBytes)

    func validate() throws {
        if let id { try Scaffolding.checkID(id, option: "--id ") }
    }

    func run() throws {
        let imported: ModelImporter.Imported
        do {
            imported = try ModelImporter.read(file, format: format, modelID: id, writingTo: output, maxModelBytes: maxFileSize.bytes)
        } catch {
            print(diagnostics: [error.diagnostic], sources: [])
            throw ExitCode(error.diagnostic.code == .ioError ? ExitStatus.failure : ExitStatus.findings)
        }
        let result = imported.result
        let path = output ?? "models/\(result.model.id).yaml"
        Console.error("threatdoc: read \(file) as \(result.format.title)\(imported.detected ? " (detected)" : "")")
        Console.error("  source: \(result.sourceCounts)")
        Console.error("  model:  \(result.resultCounts)")
        if !result.unmapped.isEmpty {
            Console.error("  not mapped: \(result.unmappedCount) (listed at the top of the model, with their JSON paths)")
            for item in result.unmapped { Console.error("    - \(item.what.singleLineForTerminal) (\(item.paths.count))") }
        }
        if !result.assumptions.isEmpty {
            let count = result.assumptions.reduce(0) { $0 + $1.paths.count }
            Console.error("  assumed: \(count) mapping\(count == 1 ? "" : "s") to review (listed at the top of the model)")
            for item in result.assumptions { Console.error("    - \(item.what.singleLineForTerminal) (\(item.paths.count))") }
        }
        guard imported.isValid else {
            print(diagnostics: imported.diagnostics.filter { $0.severity == .error }, sources: imported.sources)
            Console.error("threatdoc: error[TD706]: the imported model does not validate; nothing was written")
            throw ExitCode(ExitStatus.findings)
        }
        let warnings = imported.diagnostics.filter { $0.severity == .warning }.count
        if path == "-" {
            FileHandle.standardOutput.write(Data(imported.yaml.utf8))
            return
        }
        if FileStatus.isFolder(path) || path.hasSuffix("/") {
            Console.error("threatdoc: error[TD510]: \(path) is a folder; name the model file, such as \(Console.folderName(path))/\(result.model.id).yaml")
            throw ExitCode(ExitStatus.failure)
        }
        let folder = PathNames.folder(of: path)
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                Console.error("threatdoc: error[TD510]: cannot create the folder \(folder): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.failure)
            }
        }
        do {
            if force { try FileWriting.replace(path, with: Data(imported.yaml.utf8)) } else { try FileWriting.create(path, with: Data(imported.yaml.utf8)) }
        } catch {
            if error.description == "exists" {
                Console.error("threatdoc: error[TD705]: \(path) exists; choose another file with -o, or replace it with --force")
            } else {
                Console.error("threatdoc: error[TD510]: cannot write \(path): \(error.description)")
            }
            throw ExitCode(ExitStatus.failure)
        }
        let notes = warnings == 0 ? "0 errors and 0 warnings" : "0 errors, \(warnings) warning\(warnings == 1 ? "" : "s"); `threatdoc validate \(path)` shows them"
        Console.error("threatdoc: wrote \(path) (it validates with \(notes))")
    }

    private func print(diagnostics: [Diagnostic], sources: [SourceFile]) {
        let formatter = DiagnosticFormatter(useColor: false, sources: sources)
        for diagnostic in diagnostics { FileHandle.standardError.write(Data((formatter.text(diagnostic) + "\n").utf8)) }
    }
}

extension InteropFormat: ExpressibleByArgument {}

private extension String {
    var singleLineForTerminal: String { split(whereSeparator: \.isNewline).joined(separator: " ") }
}
