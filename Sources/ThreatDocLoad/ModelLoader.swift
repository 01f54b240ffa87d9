import ThreatDocSupport
import ThreatDocModel
import Foundation

/// The load stage: finds model files, reads them within limits, and decodes them into `ModelSyntax`.
public struct ModelLoader: Sendable {
    public var limits: LoadLimits
    /// Files never treated as models (scan reports inside a model folder), as standardized paths.
    public var excluded: Set<String> = []
    /// Decoded models from earlier runs; nil parses every file.
    public var parseCache: ParseCache?
    /// A folder every model file must really be in, links resolved: the project's folder, when the
    /// paths come from its project file (which a pull request can edit). Nil for paths a user typed.
    public var confinement: String?

    public init(limits: LoadLimits = .default) {
        self.limits = limits
    }

    public struct Result: Sendable {
        public var models: [ModelSyntax] = []
        /// Every file looked at, in order, as display paths.
        public var files: [String] = []
        /// The text of every file that could be decoded, for quoting in diagnostics.
        public var sources: [SourceFile] = []
        public var diagnostics = DiagnosticBag()

        public init(models: [ModelSyntax] = [], files: [String] = [], sources: [SourceFile] = [], diagnostics: DiagnosticBag = DiagnosticBag()) {
            self.models = models
            self.files = files
            self.sources = sources
            self.diagnostics = diagnostics
        }
    }

    /// File name endings that hold models. `*.schema.json` is the format's JSON Schema, never a model.
    public static let modelExtensions = ["yaml", "yml", "json"]

    public static func isModelFile(_ name: String) -> Bool {
        guard !name.hasPrefix("."), !name.hasSuffix(".schema.json") else { return false }
        let ext = (name as NSString).pathExtension.lowercased()
        return modelExtensions.contains(ext)
    }

    /// Loads every model under `paths` (files or folders, searched recursively in sorted order).
    public func load(paths: [String]) -> Result {
        var result = Result()
        for path in paths {
            for file in Self.discover(path, confinedTo: confinement, diagnostics: &result.diagnostics)
            where !excluded.contains(URL(fileURLWithPath: file).standardizedFileURL.path) {
                result.files.append(file)
            }
        }
        // Files are independent: read and decode them on every core, then keep the sorted order.
        let files = result.files
        let loaded = concurrentMap(files.count) { index in
            var partial = Result()
            let model = load(file: files[index], into: &partial)
            return (model, partial)
        }
        for (model, partial) in loaded {
            result.sources.append(contentsOf: partial.sources)
            result.diagnostics.append(contentsOf: partial.diagnostics)
            if let model { result.models.append(model) }
        }
        return result
    }

    /// Loads one model from text held in memory.
    public func load(text: String, path: String) -> Result {
        var result = Result(files: [path])
        if let model = decode(SourceFile(path: path, text: text), into: &result) {
            result.models.append(model)
        }
        return result
    }

    public func load(file path: String, into result: inout Result) -> ModelSyntax? {
        let bytes: [UInt8]
        do {
            guard let read = try FileReading.readRegularFile(path, limit: limits.maxFileBytes) else {
                result.diagnostics.report(.fileTooLarge,
                    "file is larger than the limit of \(limits.maxFileBytes) bytes",
                    at: SourceLocation(file: path, line: 1, column: 1))
                return nil
            }
            bytes = read
        } catch {
            result.diagnostics.report(.ioError, "cannot read file: \(error.message)", at: SourceLocation(file: path, line: 1, column: 1))
            return nil
        }
        if path.lowercased().hasSuffix(".json"), ScanSniffing.looksLikeReport(bytes) {
            result.diagnostics.report(.scanInModelFolder,
                "skipped: this is a benchmark scan report, not a model", at: SourceLocation(file: path, line: 1, column: 1))
            return nil
        }
        let file: SourceFile
        do {
            file = try SourceFile(path: path, bytes: bytes)
        } catch {
            guard case .invalidUTF8(let offset) = error else { return nil }
            // Decode lossily only to quote the line; the prefix before `offset` is valid, so positions agree.
            let lossy = SourceFile(path: path, text: String(decoding: bytes, as: UTF8.self))
            result.sources.append(lossy)
            let prefix = (try? SourceFile(path: path, bytes: Array(bytes[..<offset]))) ?? SourceFile(path: path, text: "")
            var location = prefix.location(byteOffset: offset)
            location.length = 1
            result.diagnostics.report(.invalidUTF8,
                "invalid UTF-8 at byte offset \(offset) (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)))",
                at: location)
            return nil
        }
        guard let parseCache else { return decode(file, into: &result) }
        let key = parseCache.key(for: file, limits: limits)
        if let cached = parseCache.lookup(key, file: file) {
            result.sources.append(file)
            result.diagnostics.append(contentsOf: DiagnosticBag(cached.diagnostics))
            return cached.model
        }
        // Only this file's diagnostics go with it into the cache.
        var own = Result()
        let model = decode(file, into: &own)
        if let model { parseCache.store(key, model: model, diagnostics: own.diagnostics.diagnostics) }
        result.sources.append(contentsOf: own.sources)
        result.diagnostics.append(contentsOf: own.diagnostics)
        return model
    }

    public func decode(_ file: SourceFile, into result: inout Result) -> ModelSyntax? {
        result.sources.append(file)
        guard let root = SafeYAMLReader.read(file, limits: limits, into: &result.diagnostics) else { return nil }
        // A threat rule file among the models is the rules', not a broken model.
        if case .mapping(let pairs, _) = root, let key = pairs.first(where: { $0.key.value == "threatdoc-rules" })?.key {
            result.diagnostics.report(.ruleFileInModelFolder, "skipped: this is a threat rule file (threatdoc-rules), not a model",
                                      at: key.location)
            return nil
        }
        var decoder = ModelDecoder(file: file)
        let model = decoder.decode(root)
        result.diagnostics.append(contentsOf: decoder.diagnostics)
        return model
    }

    /// Whether `path`, links resolved, lies outside `folder` (links resolved too).
    public static func leaves(_ path: String, folder: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        return !PathContainment.contains(root, real)
    }

    /// The model files named by `path`: the file itself, or every model file below a folder, sorted.
    /// Symbolic links to folders are not followed, so a link cannot loop. A link to a file is read
    /// only when it stays inside the folder: in a pull request, `models/x.yaml -> /etc/shadow` must
    /// not put the file's lines into a CI log.
    public static func discover(_ path: String, confinedTo confinement: String? = nil, diagnostics: inout DiagnosticBag) -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            diagnostics.report(.ioError, "no such file or folder: \(path)", at: nil)
            return []
        }
        let realRoot = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if let confinement {
            guard !leaves(path, folder: confinement) else {
                diagnostics.report(.linkOutsideModels, "not read: the project file names a path outside the project's folder",
                                   at: SourceLocation(file: path, line: 1, column: 1))
                return []
            }
        }
        guard isDirectory.boolValue else { return [path] }
        var found: [String] = []
        func walk(_ folder: String) {
            guard let names = try? manager.contentsOfDirectory(atPath: folder) else {
                diagnostics.report(.ioError, "cannot list folder: \(folder)", at: nil)
                return
            }
            for name in names.sorted() where !name.hasPrefix(".") {
                let child = folder.hasSuffix("/") ? folder + name : folder + "/" + name
                let type = (try? manager.attributesOfItem(atPath: child)[.type] as? FileAttributeType) ?? nil
                if type == .typeDirectory {
                    walk(child)
                } else if type == .typeSymbolicLink, let target = Optional(URL(fileURLWithPath: child).resolvingSymlinksInPath().path),
                          FileStatus.isFolder(target) {
                    // Links to folders are never followed; one that leaves the folder is worth saying.
                    if !target.hasPrefix(realRoot + "/") {
                        diagnostics.report(.linkOutsideModels, "not read: this is a symbolic link to a folder outside \(path)",
                                           at: SourceLocation(file: child, line: 1, column: 1))
                    }
                } else if isModelFile(name) {
                    if type == .typeSymbolicLink {
                        guard !leaves(child, folder: path) else {
                            diagnostics.report(.linkOutsideModels,
                                "not read: this is a symbolic link to a file outside \(path)", at: SourceLocation(file: child, line: 1, column: 1))
                            continue
                        }
                    }
                    found.append(child)
                }
            }
        }
        walk(path)
        return found.sorted()
    }
}

