import Mustache

/// Escaping for text placed into Markdown, registered as the `MARKDOWN` content type for templates
/// (`{{% CONTENT_TYPE: MARKDOWN }}`): every `{{name}}` from a model is inert inline text.
public enum MarkdownEscaping {
    /// Backslash-escapes everything that could start Markdown, HTML, math or a table cell break,
    /// folds line breaks into spaces, and makes invisible control and bidirectional characters visible.
    public static func inline(_ text: String) -> String {
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
                if v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                    || v == 0x200E || v == 0x200F || v == 0x061C {
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

    /// CommonMark prose (summaries, descriptions) passes through as written, but a code fence left
    /// open would swallow the rest of the report, so an unbalanced fence is closed.
    public static func prose(_ text: String) -> String {
        var open: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            for fence in ["```", "~~~"] where trimmed.hasPrefix(fence) {
                if let current = open {
                    if current == fence { open = nil }
                } else {
                    open = fence
                }
            }
        }
        var result = text.hasSuffix("\n") ? String(text.dropLast()) : text
        if let open { result += "\n" + open }
        return result
    }
}

/// The `MARKDOWN` content type for swift-mustache.
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { MarkdownEscaping.inline(text) }
}
