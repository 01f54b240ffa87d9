import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import Foundation

/// `threatdoc init` and `threatdoc new model`: the files of a new project, written only where nothing is.
public enum Scaffold {
    /// The starter models, each a complete model with comments that teach the format.
    public enum Template: String, CaseIterable, Sendable {
        case webApp = "web-app", kubernetes, docker, empty

        /// The model's ID and title when the user gives none.
        public var defaultID: String { self == .empty ? "system" : rawValue }
        public var defaultTitle: String {
            switch self {
            case .webApp: "Web application"
            case .kubernetes: "Kubernetes cluster"
            case .docker: "Docker host"
            case .empty: "System"
            }
        }

        var source: [UInt8] {
            switch self {
            case .webApp: PackageResources.web_app_yaml
            case .kubernetes: PackageResources.kubernetes_yaml
            case .docker: PackageResources.docker_yaml
            case .empty: PackageResources.empty_yaml
            }
        }
    }

    /// The GitHub Action the workflow uses; the README's workflow names the same.
    public static let actionReference = "threatdoc/threatdoc/.github/actions/threatdoc@v\(version)"

    /// A file the scaffold writes: whole, or (`lines`) lines added to a file that may exist.
    public struct File: Sendable, Equatable {
        public var path: String
        public var contents: String
        /// When true, only the lines missing from an existing file are appended (`.gitignore`).
        public var appendsLines = false

        public init(path: String, contents: String, appendsLines: Bool = false) {
            self.path = path
            self.contents = contents
            self.appendsLines = appendsLines
        }
    }

    public static func starterModel(_ template: Template, id: String, title: String, today: CalendarDate) -> String {
        // One pass, so that a value holding a placeholder's name (`new model REVIEW_DATE`) is not replaced again.
        let values = ["MODEL_ID": id, "MODEL_TITLE": title, "REVIEW_DATE": today.description]
        var text = String(decoding: template.source, as: UTF8.self)[...]
        var out = ""
        while let next = values.keys.compactMap({ key in text.range(of: key).map { (key, $0) } }).min(by: { $0.1.lowerBound < $1.1.lowerBound }) {
            out += text[..<next.1.lowerBound] + values[next.0]!
            text = text[next.1.upperBound...]
        }
        return out + text
    }

    /// The folder new models go in: the first folder the project file in `folder` names under `models:`,
    /// or `models`.
    public static func modelsFolder(in folder: String) -> String {
        let path = folder == "." ? ProjectFile.defaultPath : "\(folder)/\(ProjectFile.defaultPath)"
        guard FileManager.default.fileExists(atPath: path) else { return "models" }
        var diagnostics = DiagnosticBag()
        guard let project = ProjectFile.load(path: path, into: &diagnostics), var first = project.models.first else { return "models" }
        // The loader gives paths from where threatdoc runs; the scaffold wants them inside `folder`.
        if folder != ".", first.hasPrefix(folder + "/") { first = String(first.dropFirst(folder.count + 1)) }
        while first.hasPrefix("./") { first = String(first.dropFirst(2)) }
        guard !first.isEmpty, !first.hasPrefix("/"), !first.split(separator: "/").contains("..") else { return "models" }
        return first.hasSuffix(".yaml") || first.hasSuffix(".yml") || first.hasSuffix(".json") ? PathNames.folder(of: first) : first
    }

    /// Every file of a new project; models go in `modelsFolder`.
    public static func project(_ template: Template, id: String? = nil, modelsFolder: String = "models", today: CalendarDate) -> [File] {
        let modelID = id ?? template.defaultID
        let folder = modelsFolder.isEmpty ? "." : modelsFolder
        return [
            File(path: ProjectFile.defaultPath, contents: projectFile),
            File(path: "\(folder)/\(modelID).yaml", contents: starterModel(template, id: modelID, title: template.defaultTitle, today: today)),
            File(path: "\(folder)/threatdoc.schema.json", contents: ModelSchema.json),
            File(path: ".github/workflows/threatdoc.yml", contents: workflow),
            File(path: ".gitignore", contents: gitignore, appendsLines: true),
        ]
    }

    static let projectFile = """
        # threatdoc project file: where the models are, and which scan gives evidence for which model.
        # Paths are relative to this file; the README's "The project file" section documents every field.
        models: [models]
        # scans:
        #   - { file: scans/docker-bench.json, host: web-1, models: [docker] }
        # What `threatdoc check` (and CI) fails on; without it, errors only.
        gates: [error, contradicted]

        """

    static let gitignore = """
        # threatdoc: the render cache, when CI keeps it in the workspace (--cache-dir .threatdoc-cache)
        .threatdoc-cache/

        """

    /// The GitHub Actions workflow the README documents: check with SARIF, the diff as a pull-request
    /// comment, and the site as an artifact, through threatdoc's action.
    public static let workflow = """
        name: threat models
        on:
          pull_request:
          push:
            branches: [main]
        permissions:
          contents: read
          security-events: write      # upload SARIF to code scanning
          pull-requests: write        # comment the diff
        jobs:
          threatdoc:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
                with: { fetch-depth: 0 }   # the diff reads the base revision
              - uses: \(actionReference)   # gates: the project file's `gates:`

        """

    public struct Outcome: Sendable, Equatable {
        public var created: [String] = []
        public var replaced: [String] = []
        public var extended: [String] = []
        public var skipped: [String] = []
        /// Files that already hold every line the scaffold would add.
        public var unchanged: [String] = []
    }

    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// Writes the files under `folder`: a file that exists is skipped (and reported) unless `force`; lines
    /// are appended only where missing. Each file appears whole or not at all.
    public static func write(_ files: [File], into folder: String, force: Bool) throws(Failure) -> Outcome {
        var outcome = Outcome()
        let project = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        for file in files {
            let path = folder == "." ? file.path : "\(folder)/\(file.path)"
            let parent = PathNames.folder(of: path)
            if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
                do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
                    throw Failure(message: "cannot create \(parent): \(error.localizedDescription)")
                }
            }
            // Nothing is written through a link: not a file that is a link (a .gitignore linked to a secret
            // would be copied into the project), nor a folder that leads out of the project.
            let real = URL(fileURLWithPath: parent.isEmpty ? "." : parent).resolvingSymlinksInPath().path
            guard real == project || real.hasPrefix(project + "/") else {
                throw Failure(message: "\(parent) leads outside the project through a link; nothing more was written")
            }
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
                outcome.skipped.append(file.path)
                continue
            }
            let exists = FileManager.default.fileExists(atPath: path)
            do {
                if file.appendsLines, exists {
                    guard let bytes = try FileReading.readRegularFile(path, limit: 1 << 20) else { outcome.unchanged.append(file.path); continue }
                    let current = String(decoding: bytes, as: UTF8.self)
                    let have = Set(current.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) })
                    let missing = file.contents.split(separator: "\n").filter { !$0.hasPrefix("#") && !have.contains(String($0)) }
                    if missing.isEmpty { outcome.unchanged.append(file.path); continue }
                    let separator = current.isEmpty || current.hasSuffix("\n") ? "" : "\n"
                    try FileWriting.replace(path, with: Data((current + separator + file.contents).utf8))
                    outcome.extended.append(file.path)
                } else if exists {
                    if force {
                        try FileWriting.replace(path, with: Data(file.contents.utf8))
                        outcome.replaced.append(file.path)
                    } else {
                        outcome.skipped.append(file.path)
                    }
                } else {
                    try FileWriting.create(path, with: Data(file.contents.utf8))
                    outcome.created.append(file.path)
                }
            } catch let failure as FileWriting.Failure {
                throw Failure(message: "cannot write \(path): \(failure.description)")
            } catch let failure as FileReading.Failure {
                throw Failure(message: "cannot read \(path): \(failure.message)")
            } catch {
                throw Failure(message: "cannot write \(path)")
            }
        }
        return outcome
    }
}
