import ArgumentParser
import Foundation
import ThreatDocKit

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changed in meaning between two versions of the threat models.",
        discussion: """
            Each side is a path (a model file or folder) or git:REF, the repository as it was at REF (its \
            project file, models and scans). Reports, per model, threats, mitigations, elements and flows \
            added, removed and changed; changes of status, response, risk and evidence; and coverage gaps \
            opened or closed. IDs are the identity: a rename is a removal plus an addition.

            Exit codes: 0; 1 with --fail-on-risk-increase when a threat was added or a threat's risk rose; \
            2 when a side cannot be read or has errors.

            Examples:
              threatdoc diff git:origin/main git:HEAD                  # a pull request's changes
              threatdoc diff git:HEAD~3 models --format json
              threatdoc diff git:main git:HEAD --fail-on-risk-increase > comment.md
            """)

    @Argument(help: "The old side: a path, or git:REF.")
    var base: String

    @Argument(help: "The new side: a path, or git:REF.")
    var head: String

    @Option(help: "Output format: markdown or json.")
    var format: DiffFormat = .markdown

    @Flag(help: "Exit 1 when risk went up (a threat added, or a threat's risk level raised).")
    var failOnRiskIncrease = false

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable {
        case markdown, json
    }

    func run() throws {
        let old = try load(base)
        let new = try load(head)
        let diff = ModelDiff.compare(base: old, head: new, baseName: base, headName: head)
        let text = format == .json ? diff.json() : diff.markdown()
        FileHandle.standardOutput.write(Data(text.utf8))
        if failOnRiskIncrease, diff.riskIncreased { throw ExitCode(ExitStatus.findings) }
    }

    /// The resolved models of one side; a side with errors cannot be compared.
    func load(_ side: String) throws -> [ResolvedModel] {
        var folder: URL?
        var paths: [String]
        var scans: [Pipeline.ScanInput] = []
        var confinement: String?
        if side.hasPrefix("git:") {
            do {
                folder = try RevisionReader.checkout(String(side.dropFirst(4)))
            } catch {
                Console.error("threatdoc: \(error.description)")
                throw ExitCode(ExitStatus.failure)
            }
            let root = folder!.path
            var diagnostics = DiagnosticBag()
            let projectPath = root + "/" + ProjectFile.defaultPath
            // The revision's files are a pull request's: nothing they name may lie outside the revision.
            confinement = root
            if ModelLoader.leaves(projectPath, folder: root) {
                Console.error("threatdoc: \(side): the project file is a symbolic link to a file outside the repository; not read")
                throw ExitCode(ExitStatus.failure)
            }
            if FileManager.default.fileExists(atPath: projectPath),
               let project = ProjectFile.load(path: projectPath, into: &diagnostics) {
                paths = project.models.isEmpty ? [root + "/models"] : project.models
                scans = project.scans.map { .init(path: $0.file.value, host: $0.host, models: $0.models.map(\.value)) }
            } else {
                paths = [root + "/models"]
            }
        } else {
            paths = [side]
        }
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        var pipeline = Pipeline(options: ValidationOptions(today: CalendarDate.today()), scans: scans)
        pipeline.confinement = confinement
        let outcome = pipeline.run(paths: paths)
        guard let models = outcome.models else {
            let errors = outcome.diagnostics.filter { $0.severity == .error }
            Console.error("threatdoc: \(side) has \(errors.count) errors and cannot be compared; the first: \(errors.first?.message ?? "")")
            throw ExitCode(ExitStatus.failure)
        }
        return models
    }
}
