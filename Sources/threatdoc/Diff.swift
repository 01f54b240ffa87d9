import ArgumentParser
import Foundation
import ThreatDocKit

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changed in meaning between two versions of the threat models.",
        discussion: """
            Each side is a path (a model file or folder) or git:REF, the repository as it was at REF (its \
            project file, models and scans). Both sides are read as `validate` reads them: the project \
            file (--project, --no-project) and its scans, plus every --scan. A git:REF side reads the other \
            side's path in that revision. A side that is one model file compares that model only. Reports, \
            per model, threats, mitigations, elements and flows added, removed and changed (risk, response, \
            justification, status, evidence, technology and the other fields the README lists); and \
            coverage gaps opened or closed. IDs are the identity: a rename is a removal plus an addition.

            Exit codes: 0; 1 with --fail-on-risk-increase when a threat was added or a threat's risk rose; \
            2 when a side cannot be read or has errors.

            Examples:
              threatdoc diff git:origin/main git:HEAD                  # a pull request's changes
              threatdoc diff git:HEAD~3 models --format json
              threatdoc diff git:HEAD models/docker.yaml                # one model against the last commit
              threatdoc diff git:HEAD models --format text              # in a terminal
              threatdoc diff git:main git:HEAD --fail-on-risk-increase > comment.md
            """)

    @Argument(help: "The old side: a path, or git:REF.")
    var base: String

    @Argument(help: "The new side: a path, or git:REF.")
    var head: String

    @OptionGroup var read: ReadOptions

    @Option(help: "Output format: markdown (a pull-request comment), text (a terminal) or json.")
    var format: DiffFormat = .markdown

    @Flag(help: "Exit 1 when risk went up (a threat added, or a threat's risk level raised).")
    var failOnRiskIncrease = false

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable {
        case markdown, text, json
    }

    func run() throws {
        var old = try load(base, other: head)
        var new = try load(head, other: base)
        // A side that is one model file compares that model only, not the other side's whole project.
        if let only = new.singleFile { old.models = old.models.filter { only.contains($0.id) } }
        if let only = old.singleFile { new.models = new.models.filter { only.contains($0.id) } }
        let diff = ModelDiff.compare(base: old.models, head: new.models, baseName: base, headName: head)
        let text = switch format {
        case .markdown: diff.markdown()
        case .text: diff.text()
        case .json: diff.json()
        }
        FileHandle.standardOutput.write(Data(text.utf8))
        if failOnRiskIncrease, diff.riskIncreased { throw ExitCode(ExitStatus.findings) }
    }

    /// The resolved models of one side, read exactly as `validate` reads them (the project file, its
    /// scans and `--scan`), and for a side that is one file the IDs of its models. A side with errors
    /// cannot be compared. A `git:REF` side reads the other side's path as it is in that revision (the
    /// project's models when both sides are revisions); a path the revision does not have is a side
    /// without models, so that a pull request that adds the first model shows it as added.
    func load(_ side: String, other: String) throws -> (models: [ResolvedModel], singleFile: Set<String>?) {
        var inputs = read.inputs(paths: [])
        var checkout: URL?
        if side.hasPrefix("git:") {
            if !other.hasPrefix("git:") {
                guard PathContainment.isInside(other, folder: ".") else {
                    Console.error("threatdoc: \(other) is outside this folder, so it cannot be read from \(side); give a path inside it")
                    throw ExitCode(ExitStatus.failure)
                }
                // As the repository names it: relative to this folder, which is the checkout's root.
                let relative = PathContainment.standardized(other).dropFirst(PathContainment.standardized(".").count).drop { $0 == "/" }
                inputs.paths = [relative.isEmpty ? "." : String(relative)]
            }
            do {
                checkout = try RevisionReader.checkout(String(side.dropFirst(4)))
            } catch {
                Console.error("threatdoc: \(error.description)")
                throw ExitCode(ExitStatus.failure)
            }
            // The revision's files are a pull request's: nothing they name may lie outside the revision.
            inputs.root = checkout!.path
            inputs.confinedToRoot = true
            inputs.paths = inputs.paths.map { checkout!.path + "/" + $0 }
            if let path = inputs.paths.first, !FileManager.default.fileExists(atPath: path) {
                Console.error("threatdoc: note: \(side) has no \(other); every model of the other side counts as added or removed")
                try? FileManager.default.removeItem(at: checkout!)
                return ([], nil)
            }
        } else {
            inputs.paths = [side]
        }
        defer { if let checkout { try? FileManager.default.removeItem(at: checkout) } }
        let outcome = inputs.plan().run()
        guard let models = outcome.models else {
            let errors = outcome.diagnostics.filter { $0.severity == .error }
            let first = errors.first.map { error in
                let location = error.location.map { "\(Self.display($0.file, checkout: checkout)):\($0.line):\($0.column): " } ?? ""
                // A revision's files are named as the repository names them, not by the temporary checkout.
                let message = checkout.map { error.message.replacingOccurrences(of: $0.path + "/", with: "") } ?? error.message
                return location + message
            } ?? ""
            Console.error("threatdoc: \(side) has \(errors.count) error\(errors.count == 1 ? "" : "s") and cannot be compared; the first: \(first)")
            throw ExitCode(ExitStatus.failure)
        }
        var isFolder: ObjCBool = false
        let single = !side.hasPrefix("git:") && FileManager.default.fileExists(atPath: side, isDirectory: &isFolder) && !isFolder.boolValue
        return (models, single ? Set(models.map(\.id)) : nil)
    }

    /// A path in a revision's checkout, as the repository names it.
    static func display(_ path: String, checkout: URL?) -> String {
        guard let root = checkout?.path, path.hasPrefix(root + "/") else { return path }
        return String(path.dropFirst(root.count + 1))
    }
}
