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
    /// A threat to mitigate at or above a risk level none of whose mitigations is implemented (a
    /// planned or not-started one does not count).
    case unimplemented(Level)
    /// A model whose STRIDE coverage (covered or acknowledged, of applicable) is below a percentage.
    case coverage(Int)

    public static func parse(_ text: String) -> Gate? {
        switch text {
        case "error": return .error
        case "warning": return .warning
        case "contradicted": return .contradicted
        case "uncovered": return .uncovered
        case "unaddressed": return .unaddressed(.low)
        case "unimplemented": return .unimplemented(.low)
        default:
            if text.hasPrefix("unimplemented:") {
                return Level(rawValue: String(text.dropFirst("unimplemented:".count))).map(Gate.unimplemented)
            }
            if text.hasPrefix("coverage:") {
                let number = text.dropFirst("coverage:".count).replacingOccurrences(of: "%", with: "")
                guard number.count <= 3, let percent = Int(number), (0...100).contains(percent) else { return nil }
                return .coverage(percent)
            }
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
        case .unimplemented(let level): "unimplemented:\(level.rawValue)"
        case .coverage(let percent): "coverage:\(percent)"
        }
    }

    public static let names = "error, warning, unaddressed:LEVEL, unimplemented:LEVEL (LEVEL: low, medium, high, critical), contradicted, uncovered, coverage:PERCENT"
}
