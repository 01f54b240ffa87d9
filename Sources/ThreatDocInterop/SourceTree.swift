import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import Foundation

/// A located failure in a file being imported: the JSON path of the value, its line and column, and
/// what is wrong. Importers throw it; the command prints it as a TD702 diagnostic.
public struct ImportFailure: Error, Sendable {
    public var diagnostic: Diagnostic

    init(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?) {
        diagnostic = Diagnostic(code, message, at: location)
    }
}

/// One value of an imported document, with the JSON path that reaches it (`$.detail.diagrams[0]`).
/// Every accessor checks the type and throws a located `ImportFailure`, so an importer reads a hostile
/// file by the same calls as a friendly one.
struct SourceValue {
    let node: YAMLNode
    let path: String

    var location: SourceLocation { node.location }

    var isNull: Bool {
        if case .scalar(let scalar) = node { return scalar.isNull }
        return false
    }

    func failure(_ message: String) -> ImportFailure {
        ImportFailure(.importShape, "at \(path): \(message)", at: location)
    }

    func object() throws(ImportFailure) -> SourceObject {
        guard case .mapping(let pairs, _) = node else { throw failure("expected an object, found \(node.kindDescription)") }
        return SourceObject(pairs: pairs, path: path, location: location)
    }

    func array() throws(ImportFailure) -> [SourceValue] {
        guard case .sequence(let items, _) = node else { throw failure("expected a list, found \(node.kindDescription)") }
        return items.enumerated().map { SourceValue(node: $0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A scalar read as text: JSON strings, and numbers where a tool writes an ID as a number.
    func string() throws(ImportFailure) -> String {
        guard case .scalar(let scalar) = node, !scalar.isNull else { throw failure("expected text, found \(node.kindDescription)") }
        return scalar.value
    }

    func number() throws(ImportFailure) -> Double {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let number = Double(scalar.value), number.isFinite else {
            throw failure("expected a number, found \(node.kindDescription)")
        }
        return number
    }

    func bool() throws(ImportFailure) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain, ["true", "false"].contains(scalar.value) else {
            throw failure("expected true or false, found \(node.kindDescription)")
        }
        return scalar.value == "true"
    }
}

/// An object of an imported document. `optional` treats a JSON `null` as absent, as OTM writes it.
struct SourceObject {
    let pairs: [YAMLPair]
    let path: String
    let location: SourceLocation

    var keys: [String] { pairs.map(\.key.value) }

    func optional(_ key: String) -> SourceValue? {
        guard let pair = pairs.first(where: { $0.key.value == key }) else { return nil }
        let value = SourceValue(node: pair.value, path: Self.join(path, key))
        return value.isNull ? nil : value
    }

    func required(_ key: String) throws(ImportFailure) -> SourceValue {
        guard let value = optional(key) else {
            throw ImportFailure(.importShape, "at \(path): the required field '\(TerminalText.escape(key))' is missing", at: location)
        }
        return value
    }

    func string(_ key: String) throws(ImportFailure) -> String? { try optional(key)?.string() }
    func requiredString(_ key: String) throws(ImportFailure) -> String { try required(key).string() }
    func bool(_ key: String) throws(ImportFailure) -> Bool? { try optional(key)?.bool() }
    func number(_ key: String) throws(ImportFailure) -> Double? { try optional(key)?.number() }
    func array(_ key: String) throws(ImportFailure) -> [SourceValue] { try optional(key)?.array() ?? [] }
    func object(_ key: String) throws(ImportFailure) -> SourceObject? { try optional(key)?.object() }

    /// `$.a.b`, or `$["odd key"]` for keys that are not plain names.
    static func join(_ path: String, _ key: String) -> String {
        if key.range(of: #"^[A-Za-z_$][A-Za-z0-9_$-]*$"#, options: .regularExpression) != nil { return "\(path).\(key)" }
        let quoted = key.unicodeScalars.prefix(40).map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : String($0) }.joined()
        return "\(path)[\"\(TerminalText.escape(quoted))\"]"
    }
}

/// Reads an import file with the loader's safeguards (size cap, no aliases, bounded depth and scalars,
/// located syntax errors); JSON is read as the YAML it is a subset of, so both get line and column.
enum SourceDocument {
    /// Threat Dragon files nest about a dozen levels; 32 leaves room and still bounds the reader.
    static let limits = LoadLimits(maxFileBytes: 4 << 20, maxScalarBytes: 256 << 10, maxDepth: 32)

    static func read(_ file: SourceFile) throws(ImportFailure) -> SourceValue {
        var diagnostics = DiagnosticBag()
        let root = SafeYAMLReader.read(file, limits: limits, into: &diagnostics)
        if let first = diagnostics.sorted.first(where: { $0.severity == .error }) {
            throw ImportFailure(first.code, first.message, at: first.location)
        }
        guard let root else { throw ImportFailure(.importShape, "the file is empty", at: SourceLocation(file: file.path, line: 1, column: 1)) }
        return SourceValue(node: root, path: "$")
    }
}
