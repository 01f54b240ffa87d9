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
    /// (nil: found by reading the text, which suffices for plain block mappings). Every original line
    /// keeps its own line break; new lines take the break of the line they follow (the file's first
    /// break when appended at the end).
    public static func insert(_ plan: SuggestionPlan, into text: String, keys: [(name: String, line: Int)]? = nil) throws(Failure) -> String {
        var (lines, breaks) = Self.linesAndBreaks(text)
        let firstBreak = breaks.first { !$0.isEmpty } ?? "\n"
        let keyLines: [(name: String, index: Int)] = keys.map { $0.map { ($0.name, $0.line - 1) } }
            ?? lines.indices.compactMap { index in topLevelKey(lines[index]).map { ($0, index) } }
        var additions: [(key: String, items: (String) -> String)] = []
        if !plan.threats.isEmpty { additions.append(("threats", { plan.threatItems(indent: $0) })) }
        if !plan.mitigations.isEmpty { additions.append(("mitigations", { plan.mitigationItems(indent: $0) })) }
        var edits: [(line: Int, replacing: Int, text: [String])] = []
        var appended: [String] = []
        var indentSeen: String?
        for addition in additions {
            guard let keyLine = keyLines.first(where: { $0.name == addition.key })?.index, keyLine < lines.count else {
                appended.append("\(addition.key):")
                appended += split(addition.items(indentSeen ?? "  "))
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
            let indent = itemIndent(lines, from: keyLine + 1, to: end) ?? indentSeen ?? "  "
            indentSeen = indentSeen ?? itemIndent(lines, from: keyLine + 1, to: end)
            let items = split(addition.items(indent))
            if replacing == 1 {
                edits.append((keyLine, 1, header + items))
            } else {
                edits.append((end, 0, items))
            }
        }
        // Later points first, so earlier ones keep their line numbers; at one line, the replacement of
        // that line (an empty `mitigations: []`) before the insertion in front of it (the threats' end).
        for edit in edits.sorted(by: { ($0.line, $0.replacing) > ($1.line, $1.replacing) }) {
            let range = edit.line..<(edit.line + edit.replacing)
            // New lines take the break of the line before them.
            let lineBreak = edit.line > 0 ? (breaks[edit.line - 1].isEmpty ? firstBreak : breaks[edit.line - 1]) : firstBreak
            let keptBreak = edit.replacing == 1 ? breaks[edit.line] : nil
            lines.replaceSubrange(range, with: edit.text)
            var newBreaks = Array(repeating: lineBreak, count: edit.text.count)
            if let keptBreak, !newBreaks.isEmpty { newBreaks[newBreaks.count - 1] = keptBreak }
            if edit.replacing == 0, edit.line == breaks.count, edit.line > 0, breaks[edit.line - 1].isEmpty {
                // Inserting after a last line without a break: that line gets one.
                breaks[edit.line - 1] = firstBreak
                newBreaks[newBreaks.count - 1] = ""
            }
            breaks.replaceSubrange(range, with: newBreaks)
        }
        var out = zip(lines, breaks).map { $0 + $1 }.joined()
        if !appended.isEmpty {
            if !out.isEmpty, !(out.hasSuffix("\n")) { out += firstBreak }
            out += appended.joined(separator: firstBreak) + firstBreak
        }
        return out
    }

    /// Lines without their breaks, and each line's break ("\n", "\r\n", or "" for a last line without one).
    static func linesAndBreaks(_ text: String) -> (lines: [String], breaks: [String]) {
        var lines: [String] = [], breaks: [String] = []
        var current = ""
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if scalar == "\r" {
                if let following = iterator.next() {
                    if following == "\n" { lines.append(current); breaks.append("\r\n"); current = ""; continue }
                    pending = following
                }
                current.unicodeScalars.append(scalar)
            } else if scalar == "\n" {
                lines.append(current); breaks.append("\n"); current = ""
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(current); breaks.append("") }
        return (lines, breaks)
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
        let stop = max(keyLine + 1, min(next, lines.count))
        for index in (keyLine + 1)..<stop {
            let line = lines[index]
            if !line.trimmingCharacters(in: .whitespaces).isEmpty, line.first != "#" { last = index }
        }
        // A block scalar with keep chomping (`|+`, `>+`) owns the blank lines after its text: the new
        // items go after them, before any comments that lead to the next key.
        let keeps = lines[(keyLine + 1)..<stop].contains { $0.range(of: #":\s*[|>][0-9]?\+"#, options: .regularExpression) != nil }
        if keeps {
            while last + 1 < stop, lines[last + 1].trimmingCharacters(in: .whitespaces).isEmpty { last += 1 }
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
