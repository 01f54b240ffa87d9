import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import Foundation

/// Escaping for text placed into Markdown, registered as the `MARKDOWN` content type for templates
/// (`{{% CONTENT_TYPE: MARKDOWN }}`): every `{{name}}` from a model is inert inline text.
public enum MarkdownEscaping {
    /// Backslash-escapes everything that could start Markdown, HTML, math or a table cell break,
    /// folds line breaks into spaces, and makes invisible control and bidirectional characters visible.
    public static func inline(_ text: String) -> String {
        // Fast path: plain words, digits and harmless punctuation need no escaping.
        if let first = text.utf8.first, !(first == 0x2B || first == 0x2D || first == 0x3D || (0x30...0x39).contains(first)),
           !text.utf8.contains(where: { !(($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39)
                || $0 == 0x20 || $0 == 0x2C || $0 == 0x2E || $0 == 0x3A || $0 == 0x2D || $0 == 0x2F || $0 == 0x28 || $0 == 0x29
                || $0 == 0x27 || $0 == 0x22 || $0 == 0x3F || $0 == 0x3B || $0 == 0x25 || $0 == 0x40) }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        var atStart = true
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch scalar {
            case "\\", "`", "*", "_", "{", "}", "[", "]", "<", ">", "|", "~", "&", "$", "!", "#":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "\n", "\r", "\t":
                out += " "
            case "+", "-", "=":
                // Only a line's first character can start a list or a setext heading.
                if atStart { out += "\\" }
                out.unicodeScalars.append(scalar)
            default:
                if v < 0x20 || (0x7F...0x9F).contains(v) || DiagramText.isHidden(scalar) {
                    out += "(U+\(String(v, radix: 16, uppercase: true)))"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            atStart = false
        }
        // "1. x" or "1) x" at the start of a line would begin a list.
        if let marker = out.firstIndex(where: { !$0.isNumber }), marker != out.startIndex,
           out[..<marker].allSatisfy({ $0.isASCII && $0.isNumber }), out[marker] == "." || out[marker] == ")" {
            out.insert("\\", at: marker)
        }
        return out
    }
}
