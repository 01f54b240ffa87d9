import Foundation

/// Text bound for a terminal or a CI log. Paths and messages can hold anything a file name or a model
/// can: a newline would start a line of its own (GitHub Actions runs `::warning …` lines as commands),
/// ESC drives the terminal, bidirectional controls make text read differently than it is, and
/// invisible characters make two different texts look the same. Each such character is shown as
/// `<U+XXXX>` instead: the same set the HTML and Markdown output make visible (`isInvisible`).
public enum TerminalText {
    public static func escape(_ text: String, keepingTabs: Bool = false) -> String {
        // The common case, printable ASCII, is returned as it is.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar.value, keepingTabs: keepingTabs) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: "<U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)>".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    public static func isUnsafe(_ value: UInt32, keepingTabs: Bool) -> Bool {
        if value == 0x09 { return !keepingTabs }
        return value < 0x20 || (0x7F...0x9F).contains(value)       // C0 and C1 controls, DEL, NEL
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)  // bidi embeddings, isolates
            || value == 0x200E || value == 0x200F || value == 0x061C                   // bidi marks
            || value == 0x2028 || value == 0x2029                                      // line and paragraph separators
            || isInvisible(value)
    }

    /// Characters that take no space or look like none, so that two names could look the same:
    /// zero-width space and word joiner, the byte-order mark, soft hyphen, Hangul fillers, tag
    /// characters. (Zero-width joiners stay: Persian, Indic scripts and emoji need them.)
    public static func isInvisible(_ v: UInt32) -> Bool {
        v == 0x200B || v == 0x2060 || v == 0xFEFF || v == 0x00AD
            || v == 0x3164 || v == 0x115F || v == 0x1160 || v == 0xFFA0 || (0xE0000...0xE007F).contains(v)
    }
}
