import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocReport
import Foundation

/// `threatdoc import`: reads another tool's file, detects its format, maps it to format 1, writes the
/// model as YAML and validates that text before anything reaches the disk.
public enum ModelImporter {
    public struct Imported: Sendable {
        public var result: ImportResult
        /// Whether the format was detected (not named with --format).
        public var detected: Bool
        public var yaml: String
        /// The diagnostics of validating `yaml` as the file it will be written to.
        public var diagnostics: [Diagnostic]
        public var sources: [SourceFile]
        public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
    }

    /// `output` names the file in the validation's diagnostics; nil means `models/ID.yaml`.
    public static func read(_ path: String, format: InteropFormat?, modelID: String?, writingTo output: String?,
                            maxModelBytes: Int = LoadLimits.default.maxFileBytes,
                            today: CalendarDate = CalendarDate.today()) throws(ImportFailure) -> Imported {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let bytes: [UInt8]
        do {
            guard let read = try FileReading.readRegularFile(path, limit: SourceDocument.limits.maxFileBytes) else {
                throw ImportFailure(.fileTooLarge, "the file is larger than \(SourceDocument.limits.maxFileBytes >> 20) MiB", at: start)
            }
            bytes = read
        } catch let failure as FileReading.Failure {
            throw ImportFailure(.ioError, "cannot read file: \(failure.message)", at: start)
        } catch let failure as ImportFailure {
            throw failure
        } catch {
            throw ImportFailure(.ioError, "cannot read file", at: start)
        }
        let file: SourceFile
        do { file = try SourceFile(path: path, bytes: bytes) } catch {
            throw ImportFailure(.invalidUTF8, "the file is not UTF-8 text", at: start)
        }
        let root = try SourceDocument.read(file)
        let chosen: InteropFormat
        if let format { chosen = format } else {
            guard let found = detect(root) else {
                throw ImportFailure(.importFormatUnknown,
                                    "cannot tell the format: expected Threat Dragon's 'summary' and 'detail', OTM's 'otmVersion', or the Threat Model Library's 'scope' at $",
                                    at: root.location)
            }
            chosen = found
        }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var result: ImportResult = switch chosen {
        case .threatDragon: try ThreatDragonImport.read(root, modelID: modelID, fileStem: stem)
        case .otm: try OTMImport.read(root, modelID: modelID, fileStem: stem)
        case .tmLibrary: try TMLibraryImport.read(root, modelID: modelID, fileStem: stem)
        }
        breakBoundaryCycles(&result)
        let yaml = ModelYAMLWriter.write(result, sourceName: URL(fileURLWithPath: path).lastPathComponent)
        var inputs = Inputs()
        inputs.noProject = true
        let target = output ?? "models/\(result.model.id).yaml"
        inputs.limits.maxFileBytes = maxModelBytes
        let outcome = inputs.plan(today: today).pipeline.run(text: yaml, path: target == "-" ? "(standard output)" : target)
        var diagnostics = outcome.diagnostics
        // The model must also be one that `validate` reads: within the model size cap.
        if yaml.utf8.count > maxModelBytes {
            diagnostics.append(Diagnostic(.fileTooLarge,
                "the imported model would be \(yaml.utf8.count) bytes, over the \(maxModelBytes)-byte limit that validate reads",
                at: SourceLocation(file: path, line: 1, column: 1),
                help: "split the source into several models, or pass the same --max-file-size to import, validate and render"))
        }
        // The model joins the others in its folder: its ID must be free there too.
        if let clash = modelIDInUse(result.model.id, besides: target) {
            diagnostics.append(Diagnostic(.duplicateModelID, "model ID '\(result.model.id)' is already used by \(clash)",
                                          at: SourceLocation(file: target, line: 1, column: 1),
                                          help: "choose another ID with --id"))
        }
        return Imported(result: result, detected: format == nil, yaml: yaml, diagnostics: diagnostics, sources: outcome.sources)
    }

    /// The model file in `target`'s folder (other than `target`) whose ID is `id`, ignoring case.
    static func modelIDInUse(_ id: String, besides target: String) -> String? {
        let folder = PathNames.folder(of: target)
        guard target != "-", FileStatus.isFolder(folder.isEmpty ? "." : folder) else { return nil }
        var diagnostics = DiagnosticBag()
        let files = ModelLoader.discover(folder.isEmpty ? "." : folder, diagnostics: &diagnostics)
            .filter { !FileStatus.sameFile($0, target) && $0 != target }
        let loaded = ModelLoader().load(paths: files)
        return loaded.models.first { $0.id?.value.lowercased() == id.lowercased() }?.file.path
    }

    /// A source may nest trust zones in a circle (OTM parents are free references); format 1 forbids it, so
    /// the parent link that closes a circle is dropped and listed as not mapped.
    static func breakBoundaryCycles(_ result: inout ImportResult) {
        var index = Dictionary(result.model.boundaries.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for start in result.model.boundaries.indices {
            var seen: Set<String> = [result.model.boundaries[start].id]
            var current = start
            while let parent = result.model.boundaries[current].parent, let next = index[parent] {
                if !seen.insert(parent).inserted {
                    result.unmapped.append(.init(what: "trust zone parent that closes a circle of parents",
                                                 paths: [result.model.boundaries[current].source?.id ?? result.model.boundaries[current].id]))
                    result.model.boundaries[current].parent = nil
                    break
                }
                current = next
            }
        }
        index.removeAll()
    }

    /// The format a document is in, by the keys its root holds.
    static func detect(_ root: SourceValue) -> InteropFormat? {
        guard let object = try? root.object() else { return nil }
        let keys = Set(object.keys)
        if keys.contains("otmVersion") { return .otm }
        if keys.contains("summary"), keys.contains("detail") { return .threatDragon }
        if keys.contains("scope"), keys.contains("trust_zones") || keys.contains("version") { return .tmLibrary }
        return nil
    }

    /// The model's ID from `--id`, checked as format 1 checks IDs.
    public static func isValidID(_ id: String) -> Bool {
        id.range(of: TextKind.id.pattern!, options: .regularExpression) != nil
    }
}
