import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import CMark
import Foundation

/// CommonMark prose (summaries, descriptions) to HTML with libcmark in its default safe mode: raw
/// HTML is omitted and `javascript:`, `vbscript:`, `file:` and `data:` links are emptied.
///
/// libcmark 0.30.2 (Debian 12) has slow-input bugs (CVE-2023-22486, CVE-2023-22484: deeply nested
/// lists and runs of `![[]()` take seconds), so input that could trigger them never reaches it:
/// long text, deep nesting or many brackets are shown as escaped plain paragraphs instead.
public enum ProseRenderer {
    /// Bounds that keep libcmark's worst cases in milliseconds.
    public static let maxBytes = 16 << 10
    public static let maxBrackets = 128
    public static let maxNesting = 8

    public static func html(_ markdown: String) -> String {
        guard isSafeForCMark(markdown) else { return plainHTML(markdown) }
        let bytes = Array(markdown.utf8)
        guard let rendered = bytes.withUnsafeBufferPointer({ buffer -> UnsafeMutablePointer<CChar>? in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_markdown_to_html($0, buffer.count, CMARK_OPT_DEFAULT)  // never CMARK_OPT_UNSAFE
            }
        }) else { return plainHTML(markdown) }
        defer { free(rendered) }
        // Images would load from other hosts; a report shows their text instead.
        var html = String(cString: rendered)
        if html.contains("<img") {
            html = html.replacingOccurrences(of: #"<img src="[^"]*" alt="([^"]*)"( title="[^"]*")? />"#, with: "$1",
                                             options: .regularExpression)
        }
        return trimmingNewlines(restrictLinks(html))
    }

    /// The same as `trimmingCharacters(in: .newlines)`, which copies the whole text through Foundation.
    static func trimmingNewlines(_ text: String) -> String {
        var scalars = text.unicodeScalars[...]
        while let last = scalars.last, CharacterSet.newlines.contains(last) { scalars.removeLast() }
        while let first = scalars.first, CharacterSet.newlines.contains(first) { scalars.removeFirst() }
        return String(scalars)
    }

    /// cmark's safe mode empties `javascript:` and friends; this also empties every link that the
    /// model's own URL rule (http, https, mailto, relative) would refuse, such as `java%09script:`.
    private static let linkPattern = try! NSRegularExpression(pattern: #"href="([^"]*)""#)

    static func restrictLinks(_ html: String) -> String {
        guard html.contains("href=") else { return html }
        let pattern = linkPattern
        let ns = html as NSString
        var result = ""
        var last = 0
        for match in pattern.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            result += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            let url = ns.substring(with: match.range(at: 1))
            let decoded = url.replacingOccurrences(of: "&amp;", with: "&")
            result += LinkPolicy.problem(with: decoded) == nil ? "href=\"\(url)\"" : "href=\"\""
            last = match.range.location + match.range.length
        }
        result += ns.substring(from: last)
        return result
    }

    static func isSafeForCMark(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= maxBytes else { return false }
        var brackets = 0
        for byte in text.utf8 where byte == UInt8(ascii: "[") { brackets += 1 }
        guard brackets <= maxBrackets else { return false }
        for line in text.split(separator: "\n") {
            // Count leading list and quote markers: each is a nesting level for cmark.
            var depth = 0
            var rest = Substring(line)
            while true {
                let trimmed = rest.drop { $0 == " " || $0 == "\t" }
                if let first = trimmed.first, "-*+>".contains(first) {
                    depth += 1
                    rest = trimmed.dropFirst()
                } else if let digits = trimmed.firstIndex(where: { !$0.isNumber }), digits != trimmed.startIndex,
                          ".)".contains(trimmed[digits]) {
                    depth += 1
                    rest = trimmed[trimmed.index(after: digits)...]
                } else {
                    break
                }
            }
            if depth > maxNesting { return false }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if indent > maxNesting * 4 { return false }
        }
        return true
    }

    /// Escaped paragraphs, for text libcmark should not see.
    static func plainHTML(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map { "<p>\(HTMLEscaping.text($0))</p>" }.joined(separator: "\n")
    }
}

/// Escaping for every context an HTML page puts model text into.
public enum HTMLEscaping {
    /// Text content and quoted attribute values.
    public static func text(_ text: String) -> String {
        // Most values need nothing: return them without rebuilding the string.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22
                || $0 == 0x27 || $0 == 0x60 || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE1 || $0 == 0xE2 || $0 == 0xE3 || $0 == 0xEF || $0 == 0xF3 }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "`": out += "&#96;"
            default:
                let v = scalar.value
                if (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v) {
                    out += "&#xFFFD;"
                } else if DiagramText.isHidden(scalar) {
                    // Visible instead of reordering the text around it.
                    out += "(U+\(String(v, radix: 16, uppercase: true)))"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
