import ArgumentParser
import Foundation
import ThreatDocKit

extension Scaffold.Template: ExpressibleByArgument {}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a threatdoc project: a project file, a starter model, the schema, a CI workflow.",
        discussion: """
            Writes, in DIR (default: the current folder): .threatdoc.yaml; models/ID.yaml, a starter model \
            that validates and shows every part of the format, with comments that teach it; \
            models/threatdoc.schema.json for the editor; .github/workflows/threatdoc.yml, the workflow the \
            README documents; and the cache's line in .gitignore. A file that exists is reported and kept; \
            --force replaces it. Running init again changes nothing, and says so.

            Templates: web-app (default), kubernetes, docker, empty.

            Exit codes: 0; 2 usage or I/O failure.

            Examples:
              threatdoc init
              threatdoc init my-project --template kubernetes
            """)

    @Argument(help: "The project folder (default: the current folder).")
    var directory: String = "."

    @Option(help: "The starter model: web-app, kubernetes, docker or empty.")
    var template: Scaffold.Template = .webApp

    @Option(help: "The starter model's ID (default: the template's name).")
    var id: String?

    @Flag(help: "Replace files that exist.")
    var force = false

    func validate() throws {
        if let id { try Scaffolding.checkID(id, option: "--id ") }
    }

    func run() throws {
        let files = Scaffold.project(template, id: id, modelsFolder: Scaffold.modelsFolder(in: directory), today: CalendarDate.today())
        try Scaffolding.check(files[1].contents, path: files[1].path)
        try Scaffolding.write(files, into: directory, force: force, nextSteps: [
            "threatdoc validate", "threatdoc render", "threatdoc check",
        ])
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add to a project: `threatdoc new model ID` writes a starter model.",
        subcommands: [NewModel.self])
}

struct NewModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Write a starter model, models/ID.yaml, that validates.",
        discussion: """
            The model is written into the first folder the project file names under `models:` (models/ by \
            default), and never over a file that exists unless --force. It is validated first: an ID that \
            format 1 reserves (index, README) is refused.

            Examples:
              threatdoc new model payments
              threatdoc new model cluster --template kubernetes --title Production
            """)

    @Argument(help: "The new model's ID.")
    var id: String

    @Option(help: "The starter model: web-app, kubernetes, docker or empty.")
    var template: Scaffold.Template = .empty

    @Option(help: "The model's title (default: the template's).")
    var title: String?

    @Flag(help: "Replace the file if it exists.")
    var force = false

    func validate() throws {
        try Scaffolding.checkID(id)
    }

    func run() throws {
        let text = Scaffold.starterModel(template, id: id, title: title.map(Self.yamlTitle) ?? template.defaultTitle, today: CalendarDate.today())
        let path = "\(Scaffold.modelsFolder(in: "."))/\(id).yaml"
        try Scaffolding.check(text, path: path)
        try Scaffolding.write([Scaffold.File(path: path, contents: text)], into: ".", force: force,
                              nextSteps: ["threatdoc validate \(path)"])
    }

    /// A title as a YAML scalar: double-quoted, so that any text reads back as written.
    static func yamlTitle(_ title: String) -> String {
        let escaped = title.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            default: return scalar.value < 0x20 || scalar.value == 0x7F ? String(format: "\\x%02X", scalar.value) : String(scalar)
            }
        }.joined()
        return "\"\(escaped)\""
    }
}

/// Writes scaffold files and reports each, as `git` and `mkdocs new` do.
enum Scaffolding {
    static func checkID(_ id: String, option: String = "") throws {
        guard ModelImporter.isValidID(id) else {
            throw ValidationError("\(option)'\(id)' is not an ID: a letter, then letters, digits, '.', '_' or '-', at most 64")
        }
    }

    /// The starter model is checked as it will be written: a reserved ID (`index`, `README`, `con`) is
    /// refused before anything is written.
    static func check(_ text: String, path: String) throws {
        var inputs = Inputs()
        inputs.noProject = true
        let outcome = inputs.plan().pipeline.run(text: text, path: path)
        let errors = outcome.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            let formatter = DiagnosticFormatter(useColor: false, sources: outcome.sources)
            for error in errors { FileHandle.standardError.write(Data((formatter.text(error) + "\n").utf8)) }
            Console.error("threatdoc: nothing written")
            throw ExitCode(ExitStatus.failure)
        }
    }

    static func write(_ files: [Scaffold.File], into directory: String, force: Bool, nextSteps: [String]) throws {
        let outcome: Scaffold.Outcome
        do {
            outcome = try Scaffold.write(files, into: directory, force: force)
        } catch {
            Console.error("threatdoc: error[TD510]: \(error.message)")
            throw ExitCode(ExitStatus.failure)
        }
        let prefix = directory == "." ? "" : "\(Console.folderName(directory))/"
        for path in outcome.created { Console.error("  created   \(prefix)\(path)") }
        for path in outcome.extended { Console.error("  extended  \(prefix)\(path)") }
        for path in outcome.replaced { Console.error("  replaced  \(prefix)\(path)") }
        for path in outcome.skipped { Console.error("  exists    \(prefix)\(path) (kept; --force replaces it, unless it is a link)") }
        for path in outcome.unchanged { Console.error("  exists    \(prefix)\(path) (already has threatdoc's lines)") }
        if outcome.created.isEmpty, outcome.extended.isEmpty, outcome.replaced.isEmpty {
            Console.error("threatdoc: nothing to do: every file exists")
            return
        }
        let cd = directory == "." ? "" : "cd \(Console.folderName(directory)) && "
        Console.error("threatdoc: next: \(cd)\(nextSteps.joined(separator: " && "))")
    }
}
