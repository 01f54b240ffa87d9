import ThreatDocModel
import Foundation

/// The JSON Schema (draft-07) of model format version 1, generated from the format's declaration
/// (`ModelFormat`); printed by `threatdoc schema` and shipped as `models/threatdoc.schema.json`. A test
/// checks that this schema and the loader agree on every fixture.
public enum ModelSchema {
    public static let json: String = JSONText.render(document) + "\n"

    /// The JSON Schema of threat rule files (`threatdoc-rules: 1`), from the rule format's declaration.
    public static let rulesJSON: String = JSONText.render(
        document(ModelFormat.ruleObjects, id: "https://threatdoc.dev/schema/threatdoc-rules-1.schema.json",
                 title: "threatdoc threat rules (format version 1)")) + "\n"

    static var document: JSONText {
        document(ModelFormat.objects, id: "https://threatdoc.dev/schema/threatdoc-1.schema.json",
                 title: "threatdoc threat model (format version 1)")
    }

    static func document(_ objects: [AnyObjectFormat], id: String, title: String) -> JSONText {
        let model = objects[0]
        var definitions: [(String, JSONText)] = TextKind.allCases.compactMap { kind in
            guard let pattern = kind.pattern, kind != .date else { return nil }
            // A link may be any scalar, read as written (`123` is a relative link); it may not be empty.
            if kind == .url {
                return (kind.rawValue, .object([("type", anyScalar), ("pattern", .string(pattern)), ("minLength", .integer(1))]))
            }
            return (kind.rawValue, .object([("type", .string("string")), ("pattern", .string(pattern))]))
        }
        var seen = Set(definitions.map(\.0))
        func collectKeywords(_ type: FieldType) {
            switch type {
            case .keyword(let keywords):
                if let name = keywords.definition, seen.insert(name).inserted { definitions.append((name, keywordSchema(keywords))) }
            case .list(let item, _): collectKeywords(item)
            case .objects(let format), .object(let format): format.fields.forEach { collectKeywords($0.type) }
            default: break
            }
        }
        model.fields.forEach { collectKeywords($0.type) }
        for object in objects.dropFirst() { definitions.append((object.name, objectSchema(object))) }
        return .object([
            ("$schema", .string("http://json-schema.org/draft-07/schema#")),
            ("$id", .string(id)),
            ("title", .string(title)),
            ("description", .string(model.documentation + " The README documents every field.")),
        ] + objectBody(model) + [("definitions", .object(definitions))])
    }

    static func objectSchema(_ format: AnyObjectFormat) -> JSONText {
        .object([("type", .string("object")), ("description", .string(format.documentation))] + Array(objectBody(format).dropFirst()))
    }

    static func objectBody(_ format: AnyObjectFormat) -> [(String, JSONText)] {
        [
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
            ("required", .array(format.required.map(JSONText.string))),
            ("properties", .object(format.fields.map { ($0.name, fieldSchema($0.type, documentation: $0.documentation)) })),
        ]
    }

    static func fieldSchema(_ type: FieldType, documentation: String) -> JSONText {
        func described(_ members: [(String, JSONText)], _ text: String) -> JSONText {
            .object(text.isEmpty ? members : [members[0], ("description", .string(text))] + members.dropFirst())
        }
        switch type {
        case .text(let kind):
            switch kind {
            case .text, .markdown:
                // Text is read as written: `owner: 123` or `title: true` is the text "123" or "true".
                return described([("type", anyScalar)], documentation.isEmpty ? kind.documentation : documentation)
            case .date:
                return described([("type", .string("string")), ("pattern", .string(kind.pattern ?? ""))], documentation)
            case .id, .url, .check:
                return .object([("$ref", .string("#/definitions/\(kind.rawValue)"))])
            }
        case .keyword(let keywords):
            if let name = keywords.definition { return .object([("$ref", .string("#/definitions/\(name)"))]) }
            return keywordSchema(keywords)
        case .list(let item, let nonEmpty):
            return described([("type", .string("array"))] + (nonEmpty ? [("minItems", .integer(1))] : [])
                                 + [("items", fieldSchema(item, documentation: ""))], documentation)
        case .objects(let format):
            return described([("type", .string("array")), ("items", .object([("$ref", .string("#/definitions/\(format.name)"))]))],
                             documentation)
        case .formatVersion:
            return described([("type", .string("integer")), ("const", .integer(1))], documentation)
        case .flag:
            return described([("type", .string("boolean"))], documentation)
        case .object(let format):
            return .object([("$ref", .string("#/definitions/\(format.name)"))])
        case .catalogs:
            let tools = CheckReference.Tool.allCases.map { JSONText.string($0.rawValue) }
            return described([("type", .string("object")), ("propertyNames", .object([("enum", .array(tools))])),
                              ("additionalProperties", .object([("type", .string("string"))]))], documentation)
        }
    }

    /// Any scalar but null: what a text field accepts, as YAML 1.2 editors type it.
    static let anyScalar = JSONText.array([.string("string"), .string("number"), .string("boolean")])

    static func keywordSchema(_ keywords: KeywordType) -> JSONText {
        .object([("type", .string("string")), ("enum", .array((keywords.values + keywords.aliases).map(JSONText.string)))])
    }
}

/// JSON with its members in the order given, written with two-space indents: schemas and exports,
/// documents that people read.
public indirect enum JSONText: Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([JSONText])
    case object([(String, JSONText)])

    public static func render(_ value: JSONText, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .string(let text): return quoted(text)
        case .integer(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + render($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { inner + quoted($0.0) + ": " + render($0.1, indent: inner) }.joined(separator: ",\n")
                + "\n\(indent)}"
        }
    }

    /// A JSON string. Besides what JSON requires (quotes, backslashes, C0 controls), DEL, C1 controls,
    /// format characters (bidirectional and zero-width), line and paragraph separators, noncharacters and
    /// private-use characters are written as \u escapes: the document stays valid JSON, and every reader,
    /// YAML ones included, reads the same text back.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let value = scalar.value
                // The same characters the YAML writer escapes, so that both forms show the same text.
                if YAMLText.needsEscape(scalar) {
                    if value > 0xFFFF {
                        // A surrogate pair, as JSON writes characters beyond the Basic Multilingual Plane.
                        let offset = value - 0x10000
                        out += String(format: "\\u%04x\\u%04x", 0xD800 + (offset >> 10), 0xDC00 + (offset & 0x3FF))
                    } else {
                        out += String(format: "\\u%04x", value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
