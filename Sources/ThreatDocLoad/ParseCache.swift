import ThreatDocSupport
import ThreatDocModel
import Foundation

/// Decoded models kept between runs, keyed by a digest of the file's bytes, its path, the load limits
/// and the build: re-rendering after one of 200 models changed reads the other 199 without parsing
/// their YAML again (parsing was about half of such a run).
///
/// The cache holds what the load stage produced for a file, the `ModelSyntax` and the load stage's
/// diagnostics, in a compact binary form written by walking the format's declaration (`ModelFormat`):
/// each object's location, then each declared field as a tagged value, so a new field is cached with no
/// change here. Validation and everything after it run on every model as
/// usual. An entry that does not read back completely is treated as missing, so a damaged cache costs
/// a parse, never a wrong result.
public struct ParseCache: Sendable {
    public var folder: CacheFolder

    public init(_ folder: CacheFolder) {
        self.folder = folder
    }

    public static let format = "threatdoc-model-syntax-v3"

    public func key(for file: SourceFile, limits: LoadLimits) -> String {
        CacheFolder.key(.models, version: 3, file.path, file.digest,
                  "\(limits.maxFileBytes)/\(limits.maxScalarBytes)/\(limits.maxDepth)")
    }

    /// The cached load of `file`, or nil when there is none (or it does not read back).
    public func lookup(_ key: String, file: SourceFile) -> (model: ModelSyntax, diagnostics: [Diagnostic])? {
        guard let data = folder.load(.models, key) else { return nil }
        var reader = SyntaxReader(bytes: [UInt8](data), path: file.path)
        return try? reader.entry(file: file)
    }

    public func store(_ key: String, model: ModelSyntax, diagnostics: [Diagnostic]) {
        var writer = SyntaxWriter()
        writer.entry(model, diagnostics: diagnostics)
        folder.store(.models, key, Data(writer.bytes))
    }
}

// MARK: - Binary form: variable-length integers and length-prefixed UTF-8, in declaration order.

private struct SyntaxWriter {
    public var bytes: [UInt8] = []

    public mutating func int(_ value: Int) {
        var zigzag = UInt64(bitPattern: Int64(value) << 1) ^ UInt64(bitPattern: Int64(value) >> 63)
        while zigzag >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    public mutating func string(_ text: String) {
        int(text.utf8.count)
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func location(_ location: SourceLocation) {
        int(location.line)
        int(location.column)
        int(location.length ?? -1)
    }

    /// An object as the format declares it: its location, then each field in declaration order.
    mutating func object<Root>(_ object: Root, _ format: ObjectFormat<Root>) {
        location(object.location)
        for field in format.fields { value(field.read(object), type: field.info.type) }
    }

    private struct ListWriting: ObjectFormatVisitor {
        var writer: SyntaxWriter
        let objects: Any

        mutating func visit<Root: ObjectSyntax>(_ format: ObjectFormat<Root>) -> Bool {
            guard let objects = objects as? [Root] else { return false }
            writer.int(objects.count)
            for object in objects { writer.object(object, format) }
            return true
        }
    }

    mutating func value(_ value: FieldValue?, type: FieldType) {
        switch value {
        case nil:
            int(0)
        case .string(let text)?:
            int(1); string(text.value); location(text.location)
        case .integer(let number)?:
            int(2); int(number.value); location(number.location)
        case .list(let items)?:
            guard case .list(let item, _) = type else { return int(0) }
            int(3); int(items.count)
            for entry in items { self.value(entry, type: item) }
        case .objects(let objects)?:
            let format: AnyObjectFormat
            switch type {
            case .objects(let list), .object(let list): format = list
            default: return int(0)
            }
            int(4)
            var list = ListWriting(writer: self, objects: objects)
            self = SyntaxWriter()
            let written = format.visit(&list)
            self = list.writer
            if !written { int(0) }
        case .flag(let flag)?:
            int(6); int(flag.value ? 1 : 0); location(flag.location)
        case .catalogs(let pairs)?:
            int(5); int(pairs.count)
            for pair in pairs {
                string(pair.tool.value); location(pair.tool.location); string(pair.version.value); location(pair.version.location)
            }
        }
    }

    public mutating func entry(_ model: ModelSyntax, diagnostics: [Diagnostic]) {
        string(ParseCache.format)
        object(model, ModelSyntax.format)
        int(diagnostics.count)
        for diagnostic in diagnostics {
            string(diagnostic.code.id)
            string(diagnostic.severity.rawValue)
            string(diagnostic.message)
            string(diagnostic.help)
            if let at = diagnostic.location {
                int(1); string(at.file); location(at)
            } else {
                int(0)
            }
            int(diagnostic.related.count)
            for related in diagnostic.related {
                string(related.message); string(related.location.file); location(related.location)
            }
        }
    }
}

private struct SyntaxReader {
    public struct Damaged: Error {}

    public let bytes: [UInt8]
    public let path: String
    public var position = 0

    public init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    public mutating func int() throws -> Int {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 64 else { throw Damaged() }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return Int(Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1))))
    }

    public mutating func count() throws -> Int {
        let value = try int()
        guard value >= 0, value <= bytes.count - position else { throw Damaged() }
        return value
    }

    public mutating func string() throws -> String {
        let length = try count()
        defer { position += length }
        return String(decoding: bytes[position..<position + length], as: UTF8.self)
    }

    public mutating func location(file: String? = nil) throws -> SourceLocation {
        let line = try int(), column = try int(), length = try int()
        return SourceLocation(file: file ?? path, line: line, column: column, length: length < 0 ? nil : length)
    }

    mutating func object<Root>(_ format: ObjectFormat<Root>, file: SourceFile) throws -> Root {
        var object = format.make(try location(), file)
        for field in format.fields {
            if let value = try value(type: field.info.type, file: file) { field.store(&object, value) }
        }
        return object
    }

    private struct ListReading: ObjectFormatVisitor {
        var reader: SyntaxReader
        let file: SourceFile

        mutating func visit<Root: ObjectSyntax>(_ format: ObjectFormat<Root>) -> Result<Any, Damaged> {
            do {
                return .success(try (0..<reader.count()).map { _ in try reader.object(format, file: file) })
            } catch {
                return .failure(Damaged())
            }
        }
    }

    /// A field's value; a tag that does not fit the declared type, or a keyword the type does not
    /// accept, means the entry is damaged.
    mutating func value(type: FieldType, file: SourceFile) throws -> FieldValue? {
        let tag = try int()
        switch (tag, type) {
        case (0, _):
            return nil
        case (1, .text), (1, .keyword):
            let text = Located(try string(), at: try location())
            if case .keyword(let keywords) = type, !keywords.accepts(text.value) { throw Damaged() }
            return .string(text)
        case (2, .formatVersion):
            return .integer(Located(try int(), at: try location()))
        case (3, .list(let item, _)):
            return .list(try (0..<count()).map { _ in
                guard let value = try value(type: item, file: file) else { throw Damaged() }
                return value
            })
        case (4, .objects(let format)), (4, .object(let format)):
            var list = ListReading(reader: self, file: file)
            let objects = format.visit(&list)
            self = list.reader
            return .objects(try objects.get())
        case (5, .catalogs):
            return .catalogs(try (0..<count()).map { _ in
                let tool = Located(try string(), at: try location())
                return (tool, Located(try string(), at: try location()))
            })
        case (6, .flag):
            let value = try int()
            guard value == 0 || value == 1 else { throw Damaged() }
            return .flag(Located(value == 1, at: try location()))
        default:
            throw Damaged()
        }
    }

    public mutating func entry(file: SourceFile) throws -> (model: ModelSyntax, diagnostics: [Diagnostic]) {
        guard try string() == ParseCache.format else { throw Damaged() }
        let model = try object(ModelSyntax.format, file: file)
        let diagnostics: [Diagnostic] = try (0..<count()).map { _ in
            guard let code = DiagnosticCode.byID[try string()], let severity = Severity(rawValue: try string()) else {
                throw Damaged()
            }
            let message = try string(), help = try string()
            var location: SourceLocation?
            switch try int() {
            case 0: location = nil
            case 1:
                let file = try string()
                location = try self.location(file: file)
            default: throw Damaged()
            }
            let related: [Diagnostic.Related] = try (0..<count()).map { _ in
                let message = try string(), file = try string()
                return Diagnostic.Related(message, at: try self.location(file: file))
            }
            var diagnostic = Diagnostic(code, message, at: location, help: help, related: related)
            diagnostic.severity = severity
            return diagnostic
        }
        guard position == bytes.count else { throw Damaged() }
        return (model, diagnostics)
    }
}
