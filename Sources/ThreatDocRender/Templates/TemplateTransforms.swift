import Foundation

/// swift-mustache's transforms, `{{uppercased(name)}}` and `{{#reversed(list)}}…{{/reversed(list)}}`,
/// for the values a template context holds, so that the compiled engine renders them as swift-mustache
/// does and the template check knows the shape each gives.
enum TemplateTransforms {
    /// The transforms on each kind of value, as swift-mustache 2.1 defines them (`Transform.swift`).
    /// Lists of context values are not sortable there, so `sorted` is not offered.
    static let onText = ["empty", "capitalized", "lowercased", "uppercased", "reversed"]
    static let onList = ["first", "last", "reversed", "count", "empty"]
    static let onNumber = ["equalzero", "plusone", "minusone", "even", "odd"]

    /// `a(b(name))` as its transforms, outermost first (["a", "b"]), and the name; nil when the
    /// brackets are not well formed. A plain name has no transforms.
    static func split(_ text: String) -> (transforms: [String], name: String)? {
        guard text.contains("(") || text.contains(")") else { return ([], text) }
        var rest = Substring(text)
        var transforms: [String] = []
        while let open = rest.firstIndex(of: "(") {
            let transform = rest[..<open]
            guard !transform.isEmpty, !transform.contains(")") else { return nil }
            transforms.append(String(transform))
            rest = rest[rest.index(after: open)...]
        }
        let closing = rest.reversed().prefix { $0 == ")" }.count
        let name = rest.dropLast(closing)
        guard closing == transforms.count, !name.isEmpty, !name.contains(")") else { return nil }
        return (transforms, String(name))
    }

    /// `value` with `transforms` applied innermost first; nil when one does not apply (swift-mustache
    /// then renders nothing, as for a missing name).
    static func apply(_ transforms: [String], to value: TemplateValue?) -> TemplateValue? {
        var current = value
        for transform in transforms.reversed() {
            switch current {
            case .text(let text):
                switch transform {
                case "empty": current = .bool(text.isEmpty)
                case "capitalized": current = .text(text.capitalized)
                case "lowercased": current = .text(text.lowercased())
                case "uppercased": current = .text(text.uppercased())
                case "reversed": current = .text(String(text.reversed()))
                default: return nil
                }
            case .list(let items):
                switch transform {
                case "first": current = items.first
                case "last": current = items.last
                case "reversed": current = .list(items.reversed())
                case "count": current = .number(items.count)
                case "empty": current = .bool(items.isEmpty)
                default: return nil
                }
            case .number(let number):
                switch transform {
                case "equalzero": current = .bool(number == 0)
                case "plusone": current = .number(number + 1)
                case "minusone": current = .number(number - 1)
                case "even": current = .bool(number & 1 == 0)
                case "odd": current = .bool(number & 1 == 1)
                default: return nil
                }
            default:
                return nil
            }
            if case .null = current { return nil }
        }
        return current
    }

    /// The shape `transforms` give a value of `shape`, or the first one that does not apply to it.
    static func shape(_ transforms: [String], of shape: TemplateChecker.Shape) -> Result<TemplateChecker.Shape, Unknown> {
        var current = shape
        for transform in transforms.reversed() {
            let allowed: [String]
            let result: TemplateChecker.Shape
            switch current {
            case .list(let element):
                allowed = onList
                result = ["first": element, "last": element, "reversed": current, "count": .number][transform] ?? .flag
            case .text:
                allowed = onText
                result = transform == "empty" ? .flag : .text
            case .number:
                allowed = onNumber
                result = transform == "plusone" || transform == "minusone" ? .number : .flag
            case .scalar:
                // A value the example does not show: either kind's transforms pass.
                allowed = onText + onNumber
                result = .scalar
            case .flag, .object:
                allowed = []
                result = .scalar
            }
            guard allowed.contains(transform) else { return .failure(Unknown(transform: transform, allowed: allowed, shape: current)) }
            current = result
        }
        return .success(current)
    }

    struct Unknown: Error {
        var transform: String
        var allowed: [String]
        var shape: TemplateChecker.Shape

        /// What the value is, for the message: "text", "a list", …
        var kind: String {
            switch shape {
            case .text: "text"
            case .number: "a number"
            case .flag: "a flag (true or false)"
            case .list: "a list"
            case .object: "an object"
            case .scalar: "a value"
            }
        }
    }
}
