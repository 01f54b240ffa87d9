import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import Foundation

/// Renders diagnostics for people (compiler style, with the source line and a caret) or for machines (JSON).
public struct DiagnosticFormatter: Sendable {
    public var useColor: Bool
    /// The text of every file read, so the text format can quote the offending line.
    public var sources: [String: SourceFile]
    /// The last line quoted, as scalars: diagnostics come sorted, so neighbours share a line.
    private let lineCache = LineCache()

    public init(useColor: Bool = false, sources: [SourceFile] = []) {
        self.useColor = useColor
        self.sources = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Text

    /// Errors first, then warnings, then notes, each in file and position order: the two errors of a
    /// new model are not lost among twenty notes. JSON and SARIF keep file order.
    public func text(_ diagnostics: [Diagnostic], summary: Summary) -> String {
        var out = ""
        for severity in Severity.allCases {
            for diagnostic in diagnostics where diagnostic.severity == severity {
                out += text(diagnostic)
                out += "\n"
            }
        }
        let style: Style = summary.errors > 0 ? .error : summary.warnings > 0 ? .warning : .bold
        out += paint(summary.line, style) + "\n"
        return out
    }

    public func text(_ diagnostic: Diagnostic) -> String {
        var out = ""
        let where_ = diagnostic.location.map { "\(clean($0.file)):\($0.line):\($0.column): " } ?? "threatdoc: "
        let label = "\(diagnostic.severity.rawValue)[\(diagnostic.code.id)]"
        out += paint(where_, .bold) + paint(label, diagnostic.severity.color) + paint(": " + clean(diagnostic.message), .bold) + "\n"
        if let location = diagnostic.location { out += snippet(at: location) }
        for related in diagnostic.related {
            out += "  \(clean(related.location.file)):\(related.location.line):\(related.location.column): "
                + paint("note", .note) + ": \(clean(related.message))\n"
            out += snippet(at: related.location)
        }
        out += "  " + paint("= help", .help) + ": \(clean(diagnostic.help))\n"
        return out
    }

    /// A line up to this many characters is quoted whole; a longer one (a 1 MiB line) as a window of
    /// `snippetRadius` characters on each side of the mistake, so the text stays readable and its cost
    /// bounded.
    static let snippetWholeLine = 200
    static let snippetRadius = 80

    private func snippet(at location: SourceLocation) -> String {
        guard let file = sources[location.file], let scalars = lineCache.scalars(of: file, line: location.line) else { return "" }
        let number = String(location.line)
        let gutter = String(repeating: " ", count: number.count)
        let column = min(max(0, location.column - 1), scalars.count)
        let length = max(1, location.length ?? 1)
        let whole = scalars.count <= Self.snippetWholeLine
        let start = whole ? 0 : max(0, column - Self.snippetRadius)
        let end = whole ? scalars.count : min(scalars.count, column + min(length, Self.snippetRadius) + Self.snippetRadius)
        var shown = start > 0 ? "…" : "", lead = start > 0 ? " " : ""
        for index in start..<end {
            let scalar = scalars[index]
            let piece = TerminalText.isUnsafe(scalar.value, keepingTabs: true) ? TerminalText.escape(String(scalar)) : String(scalar)
            shown += piece
            // Tabs stay tabs so the caret lines up however the terminal draws them; an escape is as wide as its text.
            if index < column { lead += scalar == "\t" ? "\t" : String(repeating: " ", count: piece.unicodeScalars.count) }
        }
        if end < scalars.count { shown += "…" }
        let width = max(1, min(length, max(1, end - column)))
        let marker = "^" + String(repeating: "~", count: width - 1)
        return "  \(number) | \(shown)\n  \(gutter) | \(lead)\(paint(marker, .caret))\n"
    }

    /// Paths and messages can hold anything a file name or a model can; see `TerminalText`.
    private func clean(_ text: String) -> String {
        TerminalText.escape(text)
    }

    enum Style { case bold, error, warning, note, help, caret }

    private func paint(_ text: String, _ style: Style) -> String {
        guard useColor else { return text }
        let code = switch style {
        case .bold: "1"
        case .error: "1;31"
        case .warning: "1;33"
        case .note: "1;36"
        case .help: "1;34"
        case .caret: "1;32"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    // MARK: JSON

    /// Stable, documented JSON: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
    public func json(_ diagnostics: [Diagnostic], summary: Summary) -> String {
        let payload = JSONOutput(
            version: 1,
            diagnostics: diagnostics.map { d in
                JSONOutput.Item(
                    code: d.code.id, name: d.code.name, severity: d.severity.rawValue, message: d.message,
                    help: d.help, file: d.location?.file, line: d.location?.line, column: d.location?.column,
                    related: d.related.map {
                        .init(file: $0.location.file, line: $0.location.line, column: $0.location.column,
                              message: $0.message)
                    })
            },
            summary: summary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(payload)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private struct JSONOutput: Encodable {
        struct Related: Encodable {
            var file: String, line: Int, column: Int, message: String
        }
        struct Item: Encodable {
            var code, name, severity, message, help: String
            var file: String?
            var line, column: Int?
            var related: [Related]
        }
        var version: Int
        var diagnostics: [Item]
        var summary: Summary
    }
}

/// The closing counts of a run.
public struct Summary: Sendable, Encodable, Equatable {
    public var files: Int
    public var models: Int
    public var errors: Int
    public var warnings: Int
    public var notes: Int

    public init(files: Int, models: Int, diagnostics: [Diagnostic]) {
        self.files = files
        self.models = models
        errors = diagnostics.filter { $0.severity == .error }.count
        warnings = diagnostics.filter { $0.severity == .warning }.count
        notes = diagnostics.filter { $0.severity == .note }.count
    }

    /// "2 files checked, 2 models loaded: 0 errors, 1 warning, 3 notes"
    public var line: String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let counts = "\(plural(errors, "error")), \(plural(warnings, "warning")), \(plural(notes, "note"))"
        return "\(plural(files, "file")) checked, \(plural(models, "model")) loaded: \(counts)"
    }
}

extension Severity {
    fileprivate var color: DiagnosticFormatter.Style {
        switch self {
        case .error: .error
        case .warning: .warning
        case .note: .note
        }
    }
}

/// One line of a source file as scalars, kept for the next diagnostic on the same line.
private final class LineCache: @unchecked Sendable {
    private let lock = NSLock()
    private var key: (path: String, line: Int)?
    private var value: [Unicode.Scalar] = []

    func scalars(of file: SourceFile, line: Int) -> [Unicode.Scalar]? {
        lock.lock()
        defer { lock.unlock() }
        if let key, key.path == file.path, key.line == line { return value }
        guard let text = file.lineText(line) else { return nil }
        key = (file.path, line)
        value = Array(text.unicodeScalars)
        return value
    }
}
