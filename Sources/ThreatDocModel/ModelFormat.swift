/// The model format, declared once: each syntax type in ModelSyntax.swift carries its `format`, every
/// field with its type, whether it is required, its allowed values and its documentation. The decoder
/// reads files by it, the parse cache stores models by it, the JSON Schema is generated from it, and a
/// test holds the README's field tables to it.
///
/// Adding an optional field takes its stored property and one line in its type's `format`, side by side;
/// the decoder, the cache, the schema and the "unknown key" suggestions follow.
public enum ModelFormat {
    public static let model = ModelSyntax.format

    /// Every object format, the model first: the README documents them in this order.
    public static let objects: [AnyObjectFormat] = {
        [ModelSyntax.format.erased, AssetSyntax.format.erased, BoundarySyntax.format.erased, ElementSyntax.format.erased,
         FlowSyntax.format.erased, ThreatSyntax.format.erased, MitigationSyntax.format.erased, FindingSyntax.format.erased,
         GapSyntax.format.erased, SourceSyntax.format.erased]
    }()

    /// The threat rule format (`threatdoc-rules: 1`), the root first.
    public static let ruleObjects: [AnyObjectFormat] = {
        [RuleFileSyntax.format.erased, RuleSyntax.format.erased, RuleConditionSyntax.format.erased,
         RuleMitigationSyntax.format.erased]
    }()
}

// MARK: - The declaration's parts

/// What a text field holds beyond being text; the schema gives each its pattern.
public enum TextKind: String, Sendable, CaseIterable {
    case text, markdown, date, id, url, check

    /// The pattern the JSON Schema gives it. Validation checks the same rules in code (IDsAreWellFormed,
    /// ReferencesAreSafeURLs, CheckReferencesAreWellFormed, ReviewIsCurrent), with located messages;
    /// SchemaAgreementTests holds the two to agreement on every fixture.
    public var pattern: String? {
        switch self {
        case .text, .markdown: nil
        case .date: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#
        case .id: #"^(?!.*\.\.)[A-Za-z][A-Za-z0-9._-]{0,63}$"#
        case .url: #"^(?:[Hh][Tt][Tt][Pp][Ss]?://|[Mm][Aa][Ii][Ll][Tt][Oo]:|[^:/?#\s]*(?:[/?#]|$))\S*$"#
        case .check: #"^(?:docker|kubernetes)(?:@[A-Za-z0-9._-]+)?:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"#
        }
    }

    /// How the README and the schema describe it.
    public var documentation: String {
        switch self {
        case .text: ""
        case .markdown: "CommonMark."
        case .date: "YYYY-MM-DD."
        case .id: "An ID."
        case .url: "An http, https, mailto or relative link."
        case .check: "A CIS check: tool[@catalog]:number."
        }
    }
}

/// The type of a field's value.
public indirect enum FieldType: Sendable {
    case text(TextKind)
    /// One of a keyword type's values (or one of its aliases, such as STRIDE letters).
    case keyword(KeywordType)
    case list(FieldType, nonEmpty: Bool)
    case objects(AnyObjectFormat)
    /// One object (a mapping).
    case object(AnyObjectFormat)
    /// The format version: a whole number that must be 1.
    case formatVersion
    /// A mapping of benchmark tool to catalog version.
    case catalogs
    /// `true` or `false`, unquoted.
    case flag
}

/// A keyword type as the format sees it: its values, its aliases, and the schema definition it shares
/// with other fields (nil: written out where it is used).
public struct KeywordType: Sendable {
    public let values: [String]
    public let aliases: [String]
    public let definition: String?
    public let allowedList: String
    public let accepts: @Sendable (String) -> Bool
    /// Words people write for a value, suggested but not accepted.
    public let synonyms: [String: String]

    init<K: ModelKeyword>(_ type: K.Type) {
        values = K.allCases.map(\.rawValue)
        aliases = K.aliases
        definition = K.schemaDefinition
        allowedList = K.allowedList
        accepts = { K.parse($0) != nil }
        synonyms = K.synonyms.mapValues(\.rawValue)
    }
}

/// A field's value as decoded or cached, before it is stored in its syntax type.
public enum FieldValue: @unchecked Sendable {
    case string(Located<String>)
    case integer(Located<Int>)
    case list([FieldValue])
    /// Decoded objects of the field's object format: an array of its syntax type, held as `Any`
    /// (one box for the whole array) because the format is erased in `FieldType`.
    case objects(Any)
    case catalogs([(tool: Located<String>, version: Located<String>)])
    case flag(Located<Bool>)
}

/// What the format says about a field: its name, type, whether it is required, and its documentation.
public struct FieldInfo: Sendable {
    public let name: String
    public let type: FieldType
    public let required: Bool
    public let documentation: String
}

/// One field of an object: what the format says about it (`info`), and how its value is stored in
/// and read from the syntax type.
public struct FieldFormat<Root: ObjectSyntax>: Sendable {
    public let info: FieldInfo
    /// Stores a decoded value; a value of the wrong shape is ignored (the decoder never makes one).
    public let store: @Sendable (inout Root, FieldValue) -> Void
    /// The stored value, or nil when the field is absent (or not kept).
    public let read: @Sendable (Root) -> FieldValue?

    init(name: String, type: FieldType, required: Bool, documentation: String,
         store: @escaping @Sendable (inout Root, FieldValue) -> Void, read: @escaping @Sendable (Root) -> FieldValue?) {
        info = FieldInfo(name: name, type: type, required: required, documentation: documentation)
        self.store = store
        self.read = read
    }

    public static func string(_ name: String, _ path: WritableKeyPath<Root, Located<String>?> & Sendable, _ kind: TextKind = .text,
                              _ documentation: String = "", required: Bool = false) -> Self {
        Self(name: name, type: .text(kind), required: required, documentation: documentation,
             store: { root, value in if case .string(let text) = value { root[keyPath: path] = text } },
             read: { root in root[keyPath: path].map(FieldValue.string) })
    }

    public static func strings(_ name: String, _ path: WritableKeyPath<Root, [Located<String>]> & Sendable, _ kind: TextKind = .text,
                               _ documentation: String = "", required: Bool = false, nonEmpty: Bool = false) -> Self {
        Self(name: name, type: .list(.text(kind), nonEmpty: nonEmpty), required: required, documentation: documentation,
             store: { root, value in
                 if case .list(let items) = value { root[keyPath: path] = items.compactMap(\.text) }
             },
             read: { root in root[keyPath: path].isEmpty ? nil : .list(root[keyPath: path].map(FieldValue.string)) })
    }

    public static func keyword<K: ModelKeyword>(_ name: String, _ path: WritableKeyPath<Root, Located<K>?> & Sendable,
                                                _ documentation: String = "", required: Bool = false) -> Self {
        Self(name: name, type: .keyword(KeywordType(K.self)), required: required, documentation: documentation,
             store: { root, value in root[keyPath: path] = value.text.flatMap { $0.keyword() } },
             read: { root in root[keyPath: path].map { .string(Located($0.value.rawValue, at: $0.location)) } })
    }

    public static func keywords<K: ModelKeyword>(_ name: String, _ path: WritableKeyPath<Root, [Located<K>]> & Sendable,
                                                 _ documentation: String = "", required: Bool = false, nonEmpty: Bool = false) -> Self {
        Self(name: name, type: .list(.keyword(KeywordType(K.self)), nonEmpty: nonEmpty), required: required,
             documentation: documentation,
             store: { root, value in
                 if case .list(let items) = value { root[keyPath: path] = items.compactMap { $0.text.flatMap { $0.keyword() } } }
             },
             read: { root in
                 let values = root[keyPath: path]
                 return values.isEmpty ? nil : .list(values.map { .string(Located($0.value.rawValue, at: $0.location)) })
             })
    }

    public static func objects<Object: ObjectSyntax>(_ name: String, _ path: WritableKeyPath<Root, [Object]> & Sendable,
                                       _ format: ObjectFormat<Object>, _ documentation: String = "") -> Self {
        Self(name: name, type: .objects(format.erased), required: false, documentation: documentation,
             store: { root, value in
                 if case .objects(let items) = value, let objects = items as? [Object] { root[keyPath: path] = objects }
             },
             read: { root in root[keyPath: path].isEmpty ? nil : .objects(root[keyPath: path]) })
    }

    public static func flag(_ name: String, _ path: WritableKeyPath<Root, Located<Bool>?> & Sendable,
                            _ documentation: String) -> Self {
        Self(name: name, type: .flag, required: false, documentation: documentation,
             store: { root, value in if case .flag(let flag) = value { root[keyPath: path] = flag } },
             read: { root in root[keyPath: path].map(FieldValue.flag) })
    }

    public static func object<Object: ObjectSyntax>(_ name: String, _ path: WritableKeyPath<Root, Object?> & Sendable,
                                                    _ format: ObjectFormat<Object>, _ documentation: String = "",
                                                    required: Bool = false) -> Self {
        Self(name: name, type: .object(format.erased), required: required, documentation: documentation,
             store: { root, value in
                 if case .objects(let items) = value, let objects = items as? [Object] { root[keyPath: path] = objects.first }
             },
             read: { root in root[keyPath: path].map { .objects([$0]) } })
    }

    static func formatVersion(_ name: String, _ path: WritableKeyPath<Root, Located<Int>?> & Sendable, _ documentation: String) -> Self {
        Self(name: name, type: .formatVersion, required: true, documentation: documentation,
             store: { root, value in if case .integer(let number) = value { root[keyPath: path] = number } },
             read: { root in root[keyPath: path].map(FieldValue.integer) })
    }

    static func catalogs(_ name: String, _ path: WritableKeyPath<Root, [(tool: Located<String>, version: Located<String>)]> & Sendable,
                         _ documentation: String) -> Self {
        Self(name: name, type: .catalogs, required: false, documentation: documentation,
             store: { root, value in if case .catalogs(let pairs) = value { root[keyPath: path] = pairs } },
             read: { root in root[keyPath: path].isEmpty ? nil : .catalogs(root[keyPath: path]) })
    }

    /// A field that is checked (it must be text) but not kept.
    static func ignoredString(_ name: String) -> Self {
        Self(name: name, type: .text(.text), required: false, documentation: "", store: { _, _ in }, read: { _ in nil })
    }
}

/// A syntax type: every object starts somewhere.
public protocol ObjectSyntax: Sendable {
    var location: SourceLocation { get }
}

extension ModelSyntax: ObjectSyntax {}
extension AssetSyntax: ObjectSyntax {}
extension BoundarySyntax: ObjectSyntax {}
extension ElementSyntax: ObjectSyntax {}
extension FlowSyntax: ObjectSyntax {}
extension ThreatSyntax: ObjectSyntax {}
extension MitigationSyntax: ObjectSyntax {}
extension FindingSyntax: ObjectSyntax {}
extension GapSyntax: ObjectSyntax {}
extension SourceSyntax: ObjectSyntax {}

/// One object of the format: its fields in the order the README documents them. A class, so that
/// its erased form can refer back to it.
public final class ObjectFormat<Root: ObjectSyntax>: Sendable {
    public let name: String
    /// How messages name it: "an asset".
    public let article: String
    public let documentation: String
    public let make: @Sendable (SourceLocation, SourceFile) -> Root
    public let fields: [FieldFormat<Root>]
    /// The field names, for the "unknown key" check, and the required ones.
    public let names: [String]
    public let required: [String]

    public init(name: String, article: String, documentation: String, make: @escaping @Sendable (SourceLocation, SourceFile) -> Root,
                fields: [FieldFormat<Root>]) {
        self.name = name
        self.article = article
        self.documentation = documentation
        self.make = make
        self.fields = fields
        names = fields.map(\.info.name)
        required = fields.filter(\.info.required).map(\.info.name)
    }

    /// The same format without its syntax type.
    public var erased: AnyObjectFormat { AnyObjectFormat(self) }
}

/// An object format without its syntax type, for code that walks every object alike (the schema,
/// the README test), and that reaches the typed format through a visitor (the decoder, the cache).
public final class AnyObjectFormat: Sendable {
    public let name: String
    public let article: String
    public let documentation: String
    public let fields: [FieldInfo]
    public let names: [String]
    public let required: [String]
    private let box: any TypedFormatBox

    init<Root>(_ format: ObjectFormat<Root>) {
        name = format.name
        article = format.article
        documentation = format.documentation
        fields = format.fields.map(\.info)
        names = format.names
        required = format.required
        box = TypedFormat(format: format)
    }

    /// Calls the visitor with the typed format.
    public func visit<Visitor: ObjectFormatVisitor>(_ visitor: inout Visitor) -> Visitor.Output {
        box.accept(&visitor)
    }
}

/// Code that works on any object format with its syntax type known.
public protocol ObjectFormatVisitor {
    associatedtype Output
    mutating func visit<Root: ObjectSyntax>(_ format: ObjectFormat<Root>) -> Output
}

private protocol TypedFormatBox: Sendable {
    func accept<Visitor: ObjectFormatVisitor>(_ visitor: inout Visitor) -> Visitor.Output
}

private struct TypedFormat<Root: ObjectSyntax>: TypedFormatBox {
    let format: ObjectFormat<Root>

    func accept<Visitor: ObjectFormatVisitor>(_ visitor: inout Visitor) -> Visitor.Output { visitor.visit(format) }
}

extension FieldValue {
    var text: Located<String>? {
        if case .string(let text) = self { return text }
        return nil
    }
}

extension Located where Value == String {
    fileprivate func keyword<K: ModelKeyword>() -> Located<K>? {
        K.parse(value).map { Located<K>($0, at: location) }
    }
}
