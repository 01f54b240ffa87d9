import ThreatDocSupport
import ThreatDocModel
/// A YAML node as threatdoc reads it: no aliases, scalar keys only, every node located.
///
/// This is deliberately smaller than Yams' `Node`: it cannot express the constructs that make
/// untrusted YAML dangerous (aliases, complex keys), so nothing downstream has to defend against them.
public indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], SourceLocation)
    case mapping([YAMLPair], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .scalar(let scalar): scalar.location
        case .sequence(_, let location), .mapping(_, let location): location
        }
    }

    /// A word for the node's kind, for "expected X, found Y" messages.
    public var kindDescription: String {
        switch self {
        case .scalar(let scalar):
            if scalar.isNull { return "null" }
            return scalar.style == .plain ? "a scalar (\(scalar.value.debugSnippet))" : "a string"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

public struct YAMLScalar: Sendable {
    public enum Style: Sendable { case plain, quoted, block }

    public var value: String
    public var style: Style
    /// The core-schema tag written on the scalar (`str`, `int`, …), if any.
    public var tag: String?
    public var location: SourceLocation

    /// A plain `~`, `null` or empty value with no tag: YAML's null.
    public var isNull: Bool {
        tag == nil && style == .plain && ["", "~", "null", "Null", "NULL"].contains(value)
    }
}

public struct YAMLPair: Sendable {
    public var key: YAMLScalar
    public var value: YAMLNode
}
