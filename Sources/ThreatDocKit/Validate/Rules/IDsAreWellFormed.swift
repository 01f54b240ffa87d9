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
        if isPlainlyValid(id.utf8) { return nil }
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

    /// One pass over the bytes for the usual case, a valid ID; anything else takes the checks above,
    /// which say what is wrong.
    private static func isPlainlyValid(_ bytes: String.UTF8View) -> Bool {
        guard let first = bytes.first, bytes.count <= 64,
              (first >= 0x61 && first <= 0x7A) || (first >= 0x41 && first <= 0x5A) else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            let allowed = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
            if !allowed || (byte == 0x2E && previous == 0x2E) { return false }
            previous = byte
        }
        return true
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }
}
