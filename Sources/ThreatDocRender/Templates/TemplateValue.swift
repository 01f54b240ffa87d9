import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import Foundation
import Mustache

/// A value of a template context: what templates see of the view model.
///
/// The view model is `Encodable`; one encoding pass (compiled code, no reflection) turns it into this
/// tree, whose names are the coding keys, the same names `--dump-context` prints. A nil optional
/// becomes `.null`, which a name lookup finds (so it does not fall through to outer scopes) and
/// renders as nothing, as swift-mustache treats a nil property.
enum TemplateValue: Sendable {
    case text(String)
    case number(Int)
    case bool(Bool)
    case null
    case list([TemplateValue])
    case object(TemplateObject)

    static func encode<Value: Encodable>(_ value: Value) -> TemplateValue {
        switch value {
        case let text as String: return .text(text)
        case let number as Int: return .number(number)
        case let flag as Bool: return .bool(flag)
        default: break
        }
        let encoder = ContextEncoder()
        // The view model's own types never throw; a custom Encodable that does leaves what it wrote.
        try? value.encode(to: encoder)
        return encoder.result
    }

    /// The same tree as swift-mustache reads it: `ContextNode`s, arrays, strings, numbers and `NSNull`.
    var mustacheObject: Any {
        switch self {
        case .text(let text): text
        case .number(let number): number
        case .bool(let flag): flag
        case .null: NSNull()
        case .list(let items): items.map(\.mustacheObject)
        case .object(let object):
            ContextNode(values: Dictionary(object.fields.map { ($0.name, $0.value.mustacheObject) }, uniquingKeysWith: { _, last in last }))
        }
    }
}

/// A struct or dictionary of a template context; a class, so nested objects are shared, not copied.
///
/// Fields are a list, not a dictionary: a view-model struct has a few dozen fields at most, so
/// building the list and searching it costs less than hashing every name, in both directions.
final class TemplateObject: Sendable {
    let fields: [(name: String, value: TemplateValue)]

    init(_ fields: [(name: String, value: TemplateValue)]) {
        self.fields = fields
    }

    /// The field called `name` (the last one, should a custom encoding repeat a name).
    func field(_ name: String) -> TemplateValue? {
        fields.last { $0.name == name }?.value
    }
}

/// A struct or dictionary for swift-mustache (the renderer for templates `TemplateEngine` cannot
/// compile): a plain struct with a direct `MustacheParent` conformance.
struct ContextNode: MustacheParent, @unchecked Sendable {
    let values: [String: Any]

    func child(named name: String) -> Any? { values[name] }
}

/// The `Encoder` behind `TemplateValue.encode`. One instance per struct or array encoded.
private final class ContextEncoder: Encoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    private enum Kind { case single, keyed, unkeyed }
    private var kind = Kind.single
    var single = TemplateValue.null
    var keyed: [(name: String, value: TemplateValue)] = []
    var unkeyed: [TemplateValue] = []
    /// Nested containers, filled after they are handed out; read when the result is.
    var nestedKeyed: [(String, ContextEncoder)] = []
    var nestedUnkeyed: [(Int, ContextEncoder)] = []

    var result: TemplateValue {
        switch kind {
        case .single:
            return single
        case .keyed:
            for (key, nested) in nestedKeyed { keyed.append((key, nested.result)) }
            return .object(TemplateObject(keyed))
        case .unkeyed:
            for (index, nested) in nestedUnkeyed { unkeyed[index] = nested.result }
            return .list(unkeyed)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        kind = .keyed
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        kind = .unkeyed
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: ContextEncoder
        var codingPath: [any CodingKey] { [] }

        func set(_ value: TemplateValue, _ key: Key) { encoder.keyed.append((key.stringValue, value)) }

        mutating func encodeNil(forKey key: Key) { set(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) { set(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) { set(.text(value), key) }
        mutating func encode(_ value: Int, forKey key: Key) { set(.number(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: Float, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: UInt, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) { set(.text(String(value)), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) { set(TemplateValue.encode(value), key) }
        // Synthesized `encode(to:)` skips nil optionals; keep them as `.null` (see `TemplateValue`).
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) { set(value.map(TemplateValue.text) ?? .null, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) { set(value.map(TemplateValue.number) ?? .null, key) }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) { set(value.map(TemplateValue.bool) ?? .null, key) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) {
            if let value { set(TemplateValue.encode(value), key) } else { set(.null, key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey> {
            let nested = ContextEncoder()
            encoder.nestedKeyed.append((key.stringValue, nested))
            return nested.container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ContextEncoder()
            encoder.nestedKeyed.append((key.stringValue, nested))
            return nested.unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { encoder }
        mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: ContextEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { encoder.unkeyed.count }

        mutating func encodeNil() { encoder.unkeyed.append(.null) }
        mutating func encode(_ value: Bool) { encoder.unkeyed.append(.bool(value)) }
        mutating func encode(_ value: String) { encoder.unkeyed.append(.text(value)) }
        mutating func encode(_ value: Int) { encoder.unkeyed.append(.number(value)) }
        mutating func encode(_ value: Double) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: Float) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: Int8) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: Int16) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: Int32) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: Int64) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: UInt) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: UInt8) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: UInt16) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: UInt32) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode(_ value: UInt64) { encoder.unkeyed.append(.text(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) { encoder.unkeyed.append(TemplateValue.encode(value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ContextEncoder()
            encoder.nestedUnkeyed.append((encoder.unkeyed.count, nested))
            encoder.unkeyed.append(.null)
            return nested.container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ContextEncoder()
            encoder.nestedUnkeyed.append((encoder.unkeyed.count, nested))
            encoder.unkeyed.append(.null)
            return nested.unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { encoder }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: ContextEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() { encoder.single = .null }
        mutating func encode(_ value: Bool) { encoder.single = .bool(value) }
        mutating func encode(_ value: String) { encoder.single = .text(value) }
        mutating func encode(_ value: Int) { encoder.single = .number(value) }
        mutating func encode(_ value: Double) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: Float) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: Int8) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: Int16) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: Int32) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: Int64) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: UInt) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: UInt8) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: UInt16) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: UInt32) { encoder.single = .text(String(value)) }
        mutating func encode(_ value: UInt64) { encoder.single = .text(String(value)) }
        mutating func encode<T: Encodable>(_ value: T) { encoder.single = TemplateValue.encode(value) }
    }
}
