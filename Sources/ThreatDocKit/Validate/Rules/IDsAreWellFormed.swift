/// IDs become anchors and file names, so they follow one strict pattern that can never form a path:
/// a letter, then up to 63 ASCII letters, digits, `.`, `_` or `-`, and never `..`.
public struct IDsAreWellFormed: ModelRule {
    public static let codes: [DiagnosticCode] = [.invalidID]
    public init() {}

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        var ids = context.index.definitions.map { Located($0.id, at: $0.location) }
        if let modelID = context.model.id { ids.append(modelID) }
        for id in ids {
            if let problem = Self.problem(with: id.value) {
                diagnostics.report(.invalidID, "invalid ID \(id.value.debugSnippet): \(problem)", at: id.location)
            }
        }
    }

    /// Why `id` is not a valid ID, or nil when it is.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "it is empty" }
        if let odd = id.unicodeScalars.first(where: { !$0.isASCII }) {
            return "it contains \(odd.codePointName); IDs are ASCII"
        }
        if let control = id.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "it contains the control character \(control.codePointName)"
        }
        if id.unicodeScalars.count > 64 { return "it is longer than 64 characters" }
        guard let first = id.unicodeScalars.first, first.properties.isAlphabetic else {
            return "it must start with a letter"
        }
        if let bad = id.unicodeScalars.first(where: { !(isAllowed($0)) }) {
            return "the character '\(bad)' is not allowed"
        }
        if id.contains("..") { return "it contains '..'" }
        return nil
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }
}
