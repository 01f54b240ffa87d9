import Foundation
import Mustache

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

    /// CommonMark prose (summaries, descriptions) passes through as written, with what could do harm
    /// in a reader's renderer made inert: raw HTML tags and comments are escaped (as cmark's safe mode
    /// omits them), links and link definitions with a scheme other than http, https or mailto lose their
    /// link syntax, and a code fence left open, which would swallow the rest of the report, is closed.
    public static func prose(_ text: String) -> String {
        var output: [String] = []
        var fence: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                output.append(String(line))
                continue
            }
            if let marker = ["```", "~~~"].first(where: { trimmed.hasPrefix($0) }) {
                fence = marker
                output.append(String(line))
                continue
            }
            output.append(inertLine(String(line)))
        }
        var result = output.joined(separator: "\n")
        if result.hasSuffix("\n") { result.removeLast() }
        if let fence { result += "\n" + fence }
        return result
    }

    private static let safeSchemes: Set<String> = ["http", "https", "mailto"]

    /// One line outside code fences: HTML and unsafe links made inert, code spans left alone.
    private static func inertLine(_ line: String) -> String {
        let chars = Array(line)
        var out = ""
        var index = 0
        // A link reference definition: [label]: destination
        if let definition = line.range(of: #"^ {0,3}\[[^\]]+\]:\s*<?([A-Za-z][A-Za-z0-9+.-]*):"#, options: .regularExpression) {
            let scheme = line[definition].split(separator: ":").dropLast().last.map {
                String($0.drop { $0 != "<" && !$0.isLetter }.drop { $0 == "<" }).lowercased()
            } ?? ""
            if !safeSchemes.contains(scheme.trimmingCharacters(in: .whitespaces).components(separatedBy: CharacterSet.letters.inverted).last ?? "") {
                return "\\" + line.drop { $0 == " " }
            }
        }
        while index < chars.count {
            let c = chars[index]
            if c == "`" {
                // Copy a code span verbatim: a run of backticks up to the same run.
                var run = 0
                while index + run < chars.count, chars[index + run] == "`" { run += 1 }
                let opener = String(repeating: "`", count: run)
                let rest = String(chars[(index + run)...])
                if let close = rest.range(of: opener) {
                    let span = opener + rest[..<close.upperBound]
                    out += span
                    index += span.count
                    continue
                }
                out += opener
                index += run
                continue
            }
            if c == "\\", index + 1 < chars.count {
                out.append(c)
                out.append(chars[index + 1])
                index += 2
                continue
            }
            if c == "<", index + 1 < chars.count, chars[index + 1].isLetter || "/!?".contains(chars[index + 1]) {
                out += "\\<"
                index += 1
                continue
            }
            if c == "]", index + 1 < chars.count, chars[index + 1] == "(" {
                let after = String(chars[(index + 2)...]).drop { $0 == " " || $0 == "<" }
                if let colon = after.firstIndex(of: ":"),
                   after[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+.-".contains($0) }), !after[..<colon].isEmpty,
                   !safeSchemes.contains(after[..<colon].lowercased()) {
                    out += "\\]"
                    index += 1
                    continue
                }
            }
            out.append(c)
            index += 1
        }
        return out
    }
}

/// The `MARKDOWN` content type for swift-mustache.
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { MarkdownEscaping.inline(text) }
}
