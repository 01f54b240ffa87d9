import ThreatDocLoad
import ThreatDocModel
import ThreatDocReport
import Foundation

/// Writes a model in format 1 as the shipped models are written: the same field order, block lists,
/// text quoted only where YAML needs it, and a header comment that says where the model came from
/// and what did not come with it.
public enum ModelYAMLWriter {
    public static func write(_ result: ImportResult, sourceName: String) -> String {
        var out = "# yaml-language-server: $schema=threatdoc.schema.json\n"
        out += "# Imported by `threatdoc import` from \(result.format.title): \(comment(sourceName)).\n"
        out += "# Source: \(result.sourceCounts).\n"
        out += "# Here:   \(result.resultCounts).\n"
        out += section("Not mapped", result.unmapped, total: result.unmappedCount,
                       lead: "format 1 has no place for these; they are not in this file")
        out += section("Assumed", result.assumptions, total: result.assumptions.reduce(0) { $0 + $1.paths.count },
                       lead: "the source did not say, or said it another way; review these")
        out += body(result.model)
        return out
    }

    private static func section(_ title: String, _ items: [ImportResult.Unmapped], total: Int, lead: String) -> String {
        guard !items.isEmpty else { return "" }
        var out = "#\n# \(title) (\(total)): \(lead).\n"
        for item in items {
            let shown = item.paths.prefix(6).map(comment).joined(separator: ", ")
            let more = item.paths.count > 6 ? ", and \(item.paths.count - 6) more" : ""
            out += "#   - \(comment(item.what)) (\(item.paths.count)): \(shown)\(more)\n"
        }
        return out
    }

    /// Text safe inside a comment line: one line, control and invisible characters shown as escapes.
    static func comment(_ text: String) -> String {
        var out = ""
        for scalar in TerminalText.escape(text.singleLine).unicodeScalars {
            if needsEscape(scalar) || scalar.properties.isNoncharacterCodePoint {
                out += String(format: "<U+%04X>", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func body(_ m: ResolvedModel) -> String {
        var w = Writer()
        w.line("threatdoc: 1")
        w.field("id", m.id)
        w.field("title", m.title)
        w.field("summary", m.summary)
        w.field("owner", m.owner)
        w.field("reviewed", m.reviewed)
        if !m.benchmarks.isEmpty {
            w.line("benchmarks: { " + m.benchmarks.sorted { $0.key < $1.key }.map { "\($0.key): \(scalar($0.value))" }
                .joined(separator: ", ") + " }")
        }
        w.source(m.source)
        w.list("assets", m.assets) { w, a in
            w.field("id", a.id); w.field("name", a.name); w.field("description", a.description)
            w.field("sensitivity", a.sensitivity.rawValue); w.source(a.source)
        }
        w.list("boundaries", m.boundaries) { w, b in
            w.field("id", b.id); w.field("name", b.name); w.field("description", b.description)
            w.field("parent", b.parent); w.source(b.source)
        }
        w.list("elements", m.elements) { w, e in
            w.field("id", e.id); w.field("type", e.kind.rawValue); w.field("name", e.name)
            w.field("description", e.description); w.field("technology", e.technology); w.field("boundary", e.boundary)
            w.ids("assets", e.assets)
            w.flag("internet-facing", e.internetFacing); w.flag("runs-as-root", e.runsAsRoot)
            w.flag("stores-credentials", e.storesCredentials); w.source(e.source)
        }
        w.list("flows", m.flows) { w, f in
            w.field("id", f.id); w.field("from", f.from); w.field("to", f.to); w.field("label", f.label)
            w.field("protocol", f.protocolName); w.field("description", f.description); w.ids("assets", f.assets)
            w.flag("authenticated", f.authenticated); w.flag("encrypted", f.encrypted); w.source(f.source)
        }
        w.list("threats", m.threats) { w, t in
            w.field("id", t.id); w.field("title", t.title); w.ids("stride", t.stride.map(\.rawValue))
            w.ids("targets", t.targets); w.field("description", t.description)
            w.field("likelihood", t.likelihood.rawValue); w.field("impact", t.impact.rawValue)
            if t.response != .mitigate { w.field("response", t.response.rawValue) }
            w.field("justification", t.justification); w.ids("mitigations", t.mitigations)
            w.field("note", t.note); w.texts("references", t.references); w.field("rule", t.rule); w.source(t.source)
        }
        w.list("mitigations", m.mitigations) { w, x in
            w.field("id", x.id); w.field("title", x.title); w.field("description", x.description)
            w.field("status", x.status.rawValue); w.field("owner", x.owner); w.ids("checks", x.checks)
            w.field("note", x.note); w.texts("references", x.references); w.source(x.source)
        }
        w.list("findings", m.findings) { w, f in
            w.field("check", f.check); w.field("title", f.title); w.field("issue", f.issue)
            w.field("recommendation", f.recommendation); w.ids("threats", f.threats); w.field("note", f.note)
        }
        w.list("gaps", m.gaps) { w, g in
            w.field("target", g.target); w.ids("stride", g.categories.map(\.rawValue)); w.field("reason", g.reason)
        }
        return w.text
    }

    private struct Writer {
        var text = ""
        var indent = ""
        var firstInItem = false

        mutating func line(_ content: String) {
            if firstInItem {
                text += String(indent.dropLast(2)) + "- " + content + "\n"
                firstInItem = false
            } else {
                text += indent + content + "\n"
            }
        }

        mutating func field(_ key: String, _ value: String?) {
            guard let value else { return }
            if let block = ModelYAMLWriter.literalBlock(value, indent: indent + "  ") {
                line("\(key): \(block.header)")
                text += block.body
            } else {
                line("\(key): \(ModelYAMLWriter.scalar(value, inFlow: false))")
            }
        }

        mutating func flag(_ key: String, _ value: Bool?) {
            if let value { line("\(key): \(value)") }
        }

        mutating func ids(_ key: String, _ values: [String]) {
            if !values.isEmpty { line("\(key): [\(values.map { ModelYAMLWriter.scalar($0) }.joined(separator: ", "))]") }
        }

        mutating func texts(_ key: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            line("\(key):")
            for value in values { text += indent + "  - " + ModelYAMLWriter.scalar(value) + "\n" }
        }

        mutating func source(_ source: ResolvedModel.SourceReference?) {
            guard let source else { return }
            line("source: { format: \(source.format.rawValue), id: \(ModelYAMLWriter.scalar(source.id)) }")
        }

        mutating func list<Item>(_ key: String, _ items: [Item], _ write: (inout Writer, Item) -> Void) {
            guard !items.isEmpty else { return }
            text += "\n\(key):\n"
            let outer = indent
            indent = outer + "    "
            for item in items {
                firstInItem = true
                write(&self, item)
            }
            indent = outer
        }
    }

    /// A scalar as plain text when YAML reads it back as the same string, otherwise double-quoted with
    /// every character outside printable ASCII and common letters escaped.
    static func scalar(_ value: String, inFlow: Bool = true) -> String {
        isPlainSafe(value, inFlow: inFlow) ? value : YAMLText.quoted(value)
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool { YAMLText.needsEscape(scalar) }

    private static let yamlWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    /// Plain text that YAML reads back as the same string: it starts with a letter, is not a YAML 1.1
    /// word (`yes`, `off`, `null`), holds no `: ` or ` #`, and only letters, digits, spaces and a few
    /// marks; commas and `;!?` too outside flow collections (`[a, b]`).
    static func isPlainSafe(_ value: String, inFlow: Bool = true) -> Bool {
        guard let first = value.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
              !yamlWords.contains(value.lowercased()), value.last != " ", value.count <= 200 else { return false }
        if value.contains(": ") || value.contains(" #") || value.hasSuffix(":") { return false }
        return value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII ? (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || " ._/()+-'&".unicodeScalars.contains(scalar)
                              || (!inFlow && ",;!?".unicodeScalars.contains(scalar)))
                : false
        }
    }

    /// A literal block for multi-line text that reads back unchanged: `|-`, or `|` when the text ends in
    /// one line break; no other leading or trailing whitespace, no line ending in spaces, no carriage
    /// returns or escaped characters. Otherwise nil, and the text is double-quoted.
    static func literalBlock(_ value: String, indent: String) -> (header: String, body: String)? {
        let keepsBreak = value.hasSuffix("\n") && !value.hasSuffix("\n\n")
        let content = keepsBreak ? String(value.dropLast()) : value
        guard content.contains("\n") || keepsBreak, content == content.trimmingCharacters(in: .whitespacesAndNewlines), !content.isEmpty,
              !content.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\t" || needsEscape($0) && $0 != "\n" }) else { return nil }
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        guard !lines.contains(where: { $0.hasSuffix(" ") }) else { return nil }
        return (keepsBreak ? "|" : "|-", lines.map { $0.isEmpty ? "\n" : indent + $0 + "\n" }.joined())
    }
}
