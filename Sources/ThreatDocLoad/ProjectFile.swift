import ThreatDocSupport
import ThreatDocModel
import Foundation

/// The project file, `.threatdoc.yaml` at the repository root: where the models are and which scan
/// belongs to which model, so that CI needs no flags.
///
/// ```yaml
/// models: [models]
/// scans:
///   - { file: models/scans/docker-host-a.json, host: docker-host-a, models: [docker] }
/// ```
public struct ProjectFile: Sendable {
    public static let defaultPath = ".threatdoc.yaml"

    public struct Scan: Sendable {
        public var file: Located<String>
        /// The host or node it ran on; defaults to the file name.
        public var host: String?
        /// IDs of the models it gives evidence for; empty means every model that uses the scan's tool.
        public var models: [Located<String>]
    }

    public var path: String
    public var models: [String]
    public var scans: [Scan]
    /// Gates `threatdoc check` applies (`error`, `warning`, `unaddressed:high`, `contradicted`, `uncovered`).
    public var gates: [Located<String>] = []
    /// Folders of the project's own threat rules (`rules: { folders: […] }`), relative to the project file.
    public var ruleFolders: [Located<String>] = []
    /// Built-in (or project) rule IDs that `threatdoc suggest` leaves out (`rules: { disable: […] }`).
    public var disabledRules: [Located<String>] = []

    static let fields = ["models", "scans", "gates", "rules"]
    static let ruleFields = ["folders", "disable"]
    static let scanFields = ["file", "host", "models"]

    /// Reads the project file; nil with diagnostics when it is broken. Scan paths are relative to the
    /// project file's folder.
    public static func load(path: String, limits: LoadLimits = .default, into diagnostics: inout DiagnosticBag) -> ProjectFile? {
        var result = ModelLoader.Result()
        guard let bytes = try? FileReading.readRegularFile(path, limit: limits.maxFileBytes),
              let file = try? SourceFile(path: path, bytes: bytes) else {
            diagnostics.report(.ioError, "cannot read the project file \(path)", at: nil)
            return nil
        }
        result.sources.append(file)
        guard let root = SafeYAMLReader.read(file, limits: limits, into: &diagnostics) else { return nil }
        guard case .mapping(let pairs, _) = root else {
            diagnostics.report(.wrongType, "the project file should be a mapping", at: root.location)
            return nil
        }
        let base = PathNames.folder(of: path)
        func resolve(_ relative: String) -> String {
            relative.hasPrefix("/") || base.isEmpty ? relative : base + "/" + relative
        }
        var project = ProjectFile(path: path, models: [], scans: [])
        for pair in pairs {
            switch pair.key.value {
            case "models":
                project.models = strings(pair.value, field: "models", into: &diagnostics).map { resolve($0.value) }
            case "scans":
                guard case .sequence(let items, _) = pair.value else {
                    diagnostics.report(.wrongType, "`scans` should be a list", at: pair.value.location)
                    continue
                }
                for item in items {
                    if let scan = self.scan(item, resolve: resolve, into: &diagnostics) { project.scans.append(scan) }
                }
            case "gates":
                project.gates = strings(pair.value, field: "gates", into: &diagnostics)
                for gate in project.gates where Gate.parse(gate.value) == nil {
                    diagnostics.report(.invalidValue, "\(gate.value.debugSnippet) is not a gate", at: gate.location,
                                       help: "gates: \(Gate.names)")
                }
            case "rules":
                guard case .mapping(let entries, _) = pair.value else {
                    diagnostics.report(.wrongType, "`rules` should be a mapping with `folders` and `disable`", at: pair.value.location,
                                       help: "for example `rules: { folders: [threat-rules], disable: [WEB-S-001] }`")
                    continue
                }
                for entry in entries {
                    switch entry.key.value {
                    case "folders":
                        project.ruleFolders = strings(entry.value, field: "folders", into: &diagnostics)
                            .map { Located(resolve($0.value), at: $0.location) }
                    case "disable":
                        project.disabledRules = strings(entry.value, field: "disable", into: &diagnostics)
                    default:
                        diagnostics.report(.unknownKey, "unknown key \(entry.key.value.debugSnippet) under `rules`", at: entry.key.location,
                                           help: Suggestions.didYouMean(entry.key.value, in: ruleFields) ?? "allowed keys: folders, disable")
                    }
                }
            default:
                diagnostics.report(.unknownKey, "unknown key \(pair.key.value.debugSnippet) in the project file",
                                   at: pair.key.location,
                                   help: Suggestions.didYouMean(pair.key.value, in: fields) ?? "allowed keys: models, scans, gates, rules")
            }
        }
        return project
    }

    private static func scan(_ node: YAMLNode, resolve: (String) -> String, into diagnostics: inout DiagnosticBag) -> Scan? {
        guard case .mapping(let pairs, let location) = node else {
            diagnostics.report(.wrongType, "a scan entry should be a mapping with `file:`", at: node.location)
            return nil
        }
        var file: Located<String>?, host: String?, models: [Located<String>] = []
        for pair in pairs {
            switch pair.key.value {
            case "file":
                if case .scalar(let scalar) = pair.value { file = Located(resolve(scalar.value), at: scalar.location) }
            case "host":
                if case .scalar(let scalar) = pair.value { host = scalar.value }
            case "models":
                models = strings(pair.value, field: "models", into: &diagnostics)
            default:
                diagnostics.report(.unknownKey, "unknown key \(pair.key.value.debugSnippet) in a scan entry",
                                   at: pair.key.location,
                                   help: Suggestions.didYouMean(pair.key.value, in: scanFields) ?? "allowed keys: file, host, models")
            }
        }
        guard let file else {
            diagnostics.report(.missingField, "a scan entry is missing the required field `file`", at: location)
            return nil
        }
        return Scan(file: file, host: host, models: models)
    }

    private static func strings(_ node: YAMLNode, field: String, into diagnostics: inout DiagnosticBag) -> [Located<String>] {
        switch node {
        case .scalar(let scalar): return [Located(scalar.value, at: scalar.location)]
        case .sequence(let items, _):
            return items.compactMap {
                if case .scalar(let scalar) = $0 { return Located(scalar.value, at: scalar.location) }
                diagnostics.report(.wrongType, "`\(field)` entries should be strings", at: $0.location)
                return nil
            }
        case .mapping:
            diagnostics.report(.wrongType, "`\(field)` should be a list of strings", at: node.location)
            return []
        }
    }
}
