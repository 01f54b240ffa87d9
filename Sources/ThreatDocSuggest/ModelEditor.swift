import Foundation
import ThreatDocModel

/// Adds a plan's items to a model file as text: the author's formatting, comments and order stay byte
/// for byte; only the new lines are added, at the end of the `threats:` and `mitigations:` block lists
/// (each created at the end of the file when the model has none). The YAML is never re-serialised.
public enum ModelEditor {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `keys` are the model's top-level keys with their 1-based lines, as the YAML parser found them
    /// (nil: found by reading the text, which suffices for plain block mappings).
    public static func insert(_ plan: SuggestionPlan, into text: String, keys: [(name: String, line: Int)]? = nil) throws(Failure) -> String {
        let newline = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = Self.lines(text)
        let keyLines: [(name: String, index: Int)] = keys.map { $0.map { ($0.name, $0.line - 1) } }
            ?? lines.indices.compactMap { index in topLevelKey(lines[index]).map { ($0, index) } }
        var additions: [(key: String, items: (String) -> String)] = []
        if !plan.threats.isEmpty { additions.append(("threats", { plan.threatItems(indent: $0) })) }
        if !plan.mitigations.isEmpty { additions.append(("mitigations", { plan.mitigationItems(indent: $0) })) }
        // Later insertion points first, so earlier ones keep their line numbers.
        var edits: [(line: Int, replacing: Int, text: [String])] = []
        var appended: [String] = []
        for addition in additions {
            guard let keyLine = keyLines.first(where: { $0.name == addition.key })?.index, keyLine < lines.count else {
                appended.append("\(addition.key):")
                appended += split(addition.items("  "))
                continue
            }
            let rest = afterColon(lines[keyLine])
            var replacing = 0
            var header: [String] = []
            if rest.hasPrefix("[]") {
                // An empty flow list becomes a block list; anything after it on the line (a comment) stays.
                header = ["\(addition.key):" + rest.dropFirst(2)]
                replacing = 1
            } else if !rest.isEmpty, !rest.hasPrefix("#") {
                throw Failure(description: "`\(addition.key):` on line \(keyLine + 1) is written in flow style; threatdoc adds only to block lists. Paste the items from `threatdoc suggest --format yaml` by hand")
            }
            let next = keyLines.map(\.index).filter { $0 > keyLine }.min() ?? lines.count
            let end = blockEnd(lines, after: keyLine, before: next)
            let indent = itemIndent(lines, from: keyLine + 1, to: end) ?? "  "
            let items = split(addition.items(indent))
            if replacing == 1 {
                edits.append((keyLine, 1, header + items))
            } else {
                edits.append((end, 0, items))
            }
        }
        for edit in edits.sorted(by: { $0.line > $1.line }) {
            lines.replaceSubrange(edit.line..<(edit.line + edit.replacing), with: edit.text)
        }
        var out = lines.joined(separator: newline)
        if !appended.isEmpty {
            if !out.isEmpty, !out.hasSuffix("\n") { out += newline }
            out += appended.joined(separator: newline) + newline
        } else if text.hasSuffix("\n"), !out.hasSuffix("\n") {
            out += newline
        }
        return out
    }

    /// Lines without their line breaks; a final line break does not make an empty last line.
    static func lines(_ text: String) -> [String] {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    static func split(_ block: String) -> [String] {
        var lines = block.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The key of a top-level mapping entry (`threats:` at column 0), or nil.
    static func topLevelKey(_ line: String) -> String? {
        guard let first = line.first, first != " ", first != "\t", first != "#", first != "-",
              let colon = line.firstIndex(of: ":") else { return nil }
        let key = line[..<colon].trimmingCharacters(in: .whitespaces)
        let unquoted = key.count >= 2 && (key.hasPrefix("\"") && key.hasSuffix("\"") || key.hasPrefix("'") && key.hasSuffix("'"))
            ? String(key.dropFirst().dropLast()) : key
        let after = line[line.index(after: colon)...]
        guard after.isEmpty || after.first == " " || after.first == "\t" else { return nil }
        return unquoted
    }

    static func afterColon(_ line: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return "" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// Where a top-level block ends: after its last line that holds content before the next key (blank
    /// lines and column-0 comments just before the next key belong to that key).
    static func blockEnd(_ lines: [String], after keyLine: Int, before next: Int) -> Int {
        var last = keyLine
        for index in (keyLine + 1)..<max(keyLine + 1, min(next, lines.count)) {
            let line = lines[index]
            if !line.trimmingCharacters(in: .whitespaces).isEmpty, line.first != "#" { last = index }
        }
        return last + 1
    }

    /// The indentation of the block's first list item.
    static func itemIndent(_ lines: [String], from start: Int, to end: Int) -> String? {
        for line in lines[start..<end] {
            let indent = line.prefix { $0 == " " }
            if line.dropFirst(indent.count).hasPrefix("- ") || line.dropFirst(indent.count) == "-" { return String(indent) }
        }
        return nil
    }
}
