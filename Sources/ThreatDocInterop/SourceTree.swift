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

    /// A whole number from 0 to 10^9 (catalog numbers such as CWE and CAPEC IDs).
    func catalogNumber() throws(ImportFailure) -> Int {
        let value = try number()
        guard let whole = Int(exactly: value), (0...1_000_000_000).contains(whole) else {
            throw failure("expected a whole number from 0 to 1000000000, found \(value)")
        }
        return whole
    }

    func bool() throws(ImportFailure) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain, ["true", "false"].contains(scalar.value) else {
            throw failure("expected true or false, found \(node.kindDescription)")
        }
        return scalar.value == "true"
    }
}

/// The IDs seen in one list of a document: a second object with the same ID is an error at its path
/// (references to it would be ambiguous), naming where the first one is.
struct SeenIDs {
    private var first: [String: String] = [:]

    mutating func insert(_ id: String, of object: SourceObject, kind: String) throws(ImportFailure) {
        if let earlier = first[id] {
            throw ImportFailure(.importShape, "at \(object.path): a second \(kind) with the ID '\(TerminalText.escape(id))' (the first is at \(earlier))",
                                at: object.location)
        }
        first[id] = object.path
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
    /// Threat Dragon files nest about a dozen levels; 32 leaves room and still bounds the reader. Values are
    /// capped as in models, so that an over-long one is refused where it is, in the source.
    static let limits = LoadLimits(maxFileBytes: 4 << 20, maxScalarBytes: LoadLimits.default.maxScalarBytes, maxDepth: 32)

    static func read(_ file: SourceFile) throws(ImportFailure) -> SourceValue {
        var diagnostics = DiagnosticBag()
        let root = SafeYAMLReader.read(SourceFile(path: file.path, text: jsonForYAML(file.text)), limits: limits, into: &diagnostics)
        if let first = diagnostics.sorted.first(where: { $0.severity == .error }) {
            throw ImportFailure(first.code, first.message, at: first.location)
        }
        guard let root else { throw ImportFailure(.importShape, "the file is empty", at: SourceLocation(file: file.path, line: 1, column: 1)) }
        return SourceValue(node: root, path: "$")
    }
}

extension SourceDocument {
    /// JSON that YAML's reader takes as it is meant: inside strings, a surrogate-pair escape
    /// (`\ud83d\ude00`, which YAML has no form for) becomes the one `\U` escape of its character, and raw
    /// DEL, C1 and noncharacter code points, which JSON allows in strings and YAML does not, become `\u`
    /// escapes. Only a document that starts as JSON (`{` or `[`) is changed, and only inside its strings,
    /// where a backslash can only start an escape.
    static func jsonForYAML(_ text: String) -> String {
        guard let first = text.unicodeScalars.first(where: { !$0.properties.isWhitespace }), first == "{" || first == "[" else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        var inString = false, index = 0
        func hex(at position: Int) -> UInt32? {
            guard position + 4 <= scalars.count else { return nil }
            return UInt32(String(String.UnicodeScalarView(scalars[position..<position + 4])), radix: 16)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if !inString {
                if scalar == "\"" { inString = true }
                out.append(scalar)
                index += 1
                continue
            }
            switch scalar {
            case "\"":
                inString = false
                out.append(scalar)
                index += 1
            case "\\":
                guard index + 1 < scalars.count else { out.append(scalar); index += 1; continue }
                if scalars[index + 1] == "u", let high = hex(at: index + 2), (0xD800...0xDBFF).contains(high),
                   index + 7 < scalars.count, scalars[index + 6] == "\\", scalars[index + 7] == "u",
                   let low = hex(at: index + 8), (0xDC00...0xDFFF).contains(low) {
                    let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    out.append(contentsOf: String(format: "\\U%08X", value).unicodeScalars)
                    index += 12
                } else {
                    out.append(scalar)
                    out.append(scalars[index + 1])
                    index += 2
                }
            default:
                if (0x7F...0x9F).contains(scalar.value) || scalar.properties.isNoncharacterCodePoint {
                    let escape = scalar.value > 0xFFFF ? String(format: "\\U%08X", scalar.value) : String(format: "\\u%04X", scalar.value)
                    out.append(contentsOf: escape.unicodeScalars)
                } else {
                    out.append(scalar)
                }
                index += 1
            }
        }
        return String(out)
    }
}
