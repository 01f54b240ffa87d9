import ThreatDocSupport
import ThreatDocModel
/// Turns a `YAMLNode` tree into a `ModelSyntax`, reporting every shape error it can continue past:
/// unknown keys (with suggestions), wrong types, missing fields and values outside their vocabulary.
/// Strings stay strings: a plain `no` or `0755` in a text field is read as written.
public struct ModelDecoder {
    private(set) var diagnostics = DiagnosticBag()
    public let file: SourceFile

    public init(file: SourceFile) {
        self.file = file
    }

    /// The model in `root`, decoded by the format's declaration (`ModelFormat`), or nil when the root
    /// is not a mapping.
    public mutating func decode(_ root: YAMLNode) -> ModelSyntax? {
        object(root, ModelSyntax.format)
    }

    /// A file of another format of the family (threat rules), read as safely as a model and decoded by
    /// its declaration; every problem goes to `diagnostics`, located.
    public static func decode<Root>(_ file: SourceFile, as format: ObjectFormat<Root>, limits: LoadLimits = .default,
                                    into diagnostics: inout DiagnosticBag) -> Root? {
        guard let root = SafeYAMLReader.read(file, limits: limits, into: &diagnostics) else { return nil }
        var decoder = ModelDecoder(file: file)
        let decoded = decoder.object(root, format)
        diagnostics.append(contentsOf: decoder.diagnostics)
        return decoded
    }

    // MARK: Objects and fields, as the format declares them

    mutating func object<Root>(_ node: YAMLNode, _ format: ObjectFormat<Root>) -> Root? {
        guard let found = fields(of: node, what: format.article, allowed: format.names, required: format.required) else { return nil }
        var object = format.make(node.location, file)
        for field in format.fields {
            guard let value = found[field.info.name], let decoded = self.value(value, field: field.info.name, type: field.info.type) else { continue }
            field.store(&object, decoded)
        }
        return object
    }

    /// Decodes a list of objects with their syntax type known.
    private struct ListDecoding: ObjectFormatVisitor {
        var decoder: ModelDecoder
        let nodes: [YAMLNode]

        mutating func visit<Root: ObjectSyntax>(_ format: ObjectFormat<Root>) -> Any {
            nodes.compactMap { decoder.object($0, format) }
        }
    }

    private mutating func value(_ node: YAMLNode, field: String, type: FieldType) -> FieldValue? {
        switch type {
        case .text:
            return string(node, field: field).map(FieldValue.string)
        case .keyword(let keywords):
            return keyword(node, field: field, keywords).map(FieldValue.string)
        case .list(let item, let nonEmpty):
            return .list(sequence(node, field: field, nonEmpty: nonEmpty).compactMap { value($0, field: field, type: item) })
        case .objects(let format):
            let nodes = sequence(node, field: field, nonEmpty: false)
            // The decoder is handed over to the list and back, so its diagnostics are never copied.
            var list = ListDecoding(decoder: self, nodes: nodes)
            self = ModelDecoder(file: file)
            let objects = format.visit(&list)
            self = list.decoder
            return .objects(objects)
        case .object(let format):
            var list = ListDecoding(decoder: self, nodes: [node])
            self = ModelDecoder(file: file)
            let objects = format.visit(&list)
            self = list.decoder
            return .objects(objects)
        case .formatVersion:
            guard let version = integer(node, field: field) else { return nil }
            if version.value != 1 {
                diagnostics.report(.unsupportedVersion,
                    "format version \(version.value) is not supported; this threatdoc reads version 1",
                    at: version.location)
            }
            return .integer(version)
        case .catalogs:
            return .catalogs(benchmarks(node))
        case .flag:
            return flag(node, field: field).map(FieldValue.flag)
        }
    }

    /// YAML 1.2's booleans, unquoted. A quoted "true" is text, which a yes-or-no field does not take.
    private mutating func flag(_ node: YAMLNode, field: String) -> Located<Bool>? {
        if case .scalar(let scalar) = node, scalar.style == .plain, scalar.tag == nil || scalar.tag == "bool" {
            switch scalar.value {
            case "true", "True", "TRUE": return Located(true, at: scalar.location)
            case "false", "False", "FALSE": return Located(false, at: scalar.location)
            default: break
            }
        }
        diagnostics.report(.wrongType, "`\(field)` should be true or false, found \(node.kindDescription)",
                           at: node.location, help: "write `\(field): true` or `\(field): false`, without quotes")
        return nil
    }

    private mutating func benchmarks(_ node: YAMLNode) -> [(tool: Located<String>, version: Located<String>)] {
        guard case .mapping(let pairs, _) = node else {
            diagnostics.report(.wrongType, "`benchmarks` should be a mapping of tool to catalog version, found \(node.kindDescription)",
                               at: node.location, help: "for example `benchmarks: { docker: cis-docker-1.6.0 }`")
            return []
        }
        return pairs.compactMap { pair in
            guard let version = string(pair.value, field: pair.key.value) else { return nil }
            return (Located(pair.key.value, at: pair.key.location), version)
        }
    }

    // MARK: Typed accessors

    /// The fields of a mapping, after reporting unknown keys and missing required ones.
    /// The allowed fields of a mapping, looked up by name. A mapping has a handful of keys, already
    /// unique (the reader drops duplicates), so a linear search beats hashing every key.
    public struct Fields {
        var pairs: [YAMLPair]

        subscript(name: String) -> YAMLNode? { pairs.first { $0.key.value == name }?.value }
    }

    private mutating func fields(of node: YAMLNode, what: String, allowed: [String], required: [String])
        -> Fields? {
        guard case .mapping(let pairs, let location) = node else {
            diagnostics.report(.wrongType, "expected \(what) as a mapping, found \(node.kindDescription)",
                               at: node.location)
            return nil
        }
        var result = Fields(pairs: [])
        result.pairs.reserveCapacity(pairs.count)
        for pair in pairs {
            let key = pair.key.value
            if allowed.contains(key) {
                result.pairs.append(pair)
            } else {
                let candidates = allowed.filter { !$0.hasPrefix("$") }
                var help = Suggestions.didYouMean(key, in: candidates)
                    ?? "allowed keys: \(candidates.joined(separator: ", "))"
                if case .scalar(let value) = pair.value, value.isNull, key.contains(" ") || key.hasSuffix(".") {
                    // `{ description: a, b }` splits at the comma and makes "b" a key.
                    help = "if this text belongs to the previous value, quote that value: a comma ends a value inside { … }"
                }
                diagnostics.report(.unknownKey, "unknown key \(key.debugSnippet) in \(what)", at: pair.key.location,
                    help: help)
            }
        }
        let missing = required.filter { result[$0] == nil }
        if !missing.isEmpty {
            let names = missing.map { "`\($0)`" }.joined(separator: ", ")
            diagnostics.report(.missingField,
                "\(what) is missing the required field\(missing.count > 1 ? "s" : "") \(names)", at: location)
        }
        return result
    }

    private mutating func string(_ node: YAMLNode, field: String) -> Located<String>? {
        guard case .scalar(let scalar) = node, !scalar.isNull,
              scalar.tag == nil || scalar.tag == "str" else {
            diagnostics.report(.wrongType, "`\(field)` should be a string, found \(node.kindDescription)",
                               at: node.location)
            return nil
        }
        return Located(scalar.value, at: scalar.location)
    }

    private mutating func integer(_ node: YAMLNode, field: String) -> Located<Int>? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, scalar.tag == nil || scalar.tag == "int",
              scalar.value.count <= 9, scalar.value.allSatisfy(\.isASCII), let value = Int(scalar.value) else {
            diagnostics.report(.wrongType, "`\(field)` should be a whole number, found \(node.kindDescription)",
                               at: node.location)
            return nil
        }
        return Located(value, at: scalar.location)
    }

    private mutating func keyword(_ node: YAMLNode, field: String, _ keywords: KeywordType) -> Located<String>? {
        guard let text = string(node, field: field) else { return nil }
        guard keywords.accepts(text.value) else {
            diagnostics.report(.invalidValue,
                "\(text.value.debugSnippet) is not a valid `\(field)`", at: text.location,
                help: (keywords.synonyms[text.value.lowercased()].map { "did you mean '\($0)'?" }
                    ?? Suggestions.didYouMean(text.value, in: keywords.values))
                    .map { "\($0) allowed: \(keywords.allowedList)" } ?? "allowed: \(keywords.allowedList)")
            return nil
        }
        return text
    }

    private mutating func sequence(_ node: YAMLNode, field: String, nonEmpty: Bool) -> [YAMLNode] {
        guard case .sequence(let items, let location) = node else {
            diagnostics.report(.wrongType, "`\(field)` should be a list, found \(node.kindDescription)",
                               at: node.location, help: "write a list, for example `\(field): [a, b]`")
            return []
        }
        if nonEmpty && items.isEmpty {
            diagnostics.report(.invalidValue, "`\(field)` must list at least one entry", at: location)
        }
        return items
    }
}
