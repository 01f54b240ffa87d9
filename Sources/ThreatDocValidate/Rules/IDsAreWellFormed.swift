import ThreatDocModel
import ThreatDocSupport
/// IDs become anchors and file names, so they follow one strict pattern that can never form a path:
/// a letter, then up to 63 ASCII letters, digits, `.`, `_` or `-`, and never `..`.
public struct IDsAreWellFormed: ModelRule {
    public static let codes: [DiagnosticCode] = [.invalidID]

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
        // Every scalar is ASCII from here on.
        guard let first = id.utf8.first, isLetter(first) else {
            return "it must start with a letter"
        }
        if let bad = id.unicodeScalars.first(where: { !isAllowed(UInt8($0.value)) }) {
            return "the character '\(bad)' is not allowed"
        }
        if id.contains("..") { return "it contains '..'" }
        return nil
    }

    /// One pass over the bytes for the usual case, a valid ID; anything else takes the checks above,
    /// which say what is wrong.
    private static func isPlainlyValid(_ bytes: String.UTF8View) -> Bool {
        guard let first = bytes.first, bytes.count <= 64, isLetter(first) else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            if !isAllowed(byte) || (byte == UInt8(ascii: ".") && previous == UInt8(ascii: ".")) { return false }
            previous = byte
        }
        return true
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// The characters an ID may hold: ASCII letters, digits, `.`, `_` and `-`.
    private static func isAllowed(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
