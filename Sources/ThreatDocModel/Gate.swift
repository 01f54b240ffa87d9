import Foundation

/// A condition that fails `threatdoc check`.
public enum Gate: Equatable, Sendable, CustomStringConvertible {
    /// Any error (the default).
    case error
    /// Any warning or error.
    case warning
    /// An unaddressed threat (no mitigation, no other response) at or above a risk level.
    case unaddressed(Level)
    /// A mitigation whose scan evidence contradicts it.
    case contradicted
    /// A WARN or FAIL scan result that no mitigation covers.
    case uncovered

    public static func parse(_ text: String) -> Gate? {
        switch text {
        case "error": return .error
        case "warning": return .warning
        case "contradicted": return .contradicted
        case "uncovered": return .uncovered
        case "unaddressed": return .unaddressed(.low)
        default:
            guard text.hasPrefix("unaddressed:"), let level = Level(rawValue: String(text.dropFirst("unaddressed:".count))) else {
                return nil
            }
            return .unaddressed(level)
        }
    }

    public var description: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .unaddressed(let level): "unaddressed:\(level.rawValue)"
        case .contradicted: "contradicted"
        case .uncovered: "uncovered"
        }
    }

    public static let names = "error, warning, unaddressed:LEVEL (low, medium, high, critical), contradicted, uncovered"
}
