import Foundation

/// How serious a diagnostic is. Errors fail `validate`; warnings fail it only with `--strict`.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case error, warning, note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One finding about a model: data, not text. Formatting happens in `DiagnosticFormatter`.
public struct Diagnostic: Sendable, Hashable {
    /// A secondary place that explains the diagnostic, such as the first definition of a duplicate.
    public struct Related: Sendable, Hashable {
        public var location: SourceLocation
        public var message: String

        public init(_ message: String, at location: SourceLocation) {
            self.location = location
            self.message = message
        }
    }

    public var code: DiagnosticCode
    public var severity: Severity
    public var location: SourceLocation?
    public var message: String
    /// What to do about it. Falls back to the code's general help.
    public var help: String
    public var related: [Related]

    public init(
        _ code: DiagnosticCode,
        _ message: String,
        at location: SourceLocation?,
        help: String? = nil,
        related: [Related] = []
    ) {
        self.code = code
        self.severity = code.severity
        self.location = location
        self.message = message
        self.help = help ?? code.help
        self.related = related
    }
}

/// Collects diagnostics from every stage so that one run reports everything it can.
public struct DiagnosticBag: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    public mutating func report(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
        help: String? = nil, related: [Diagnostic.Related] = []
    ) {
        diagnostics.append(Diagnostic(code, message, at: location, help: help, related: related))
    }

    public mutating func append(contentsOf other: DiagnosticBag) {
        diagnostics.append(contentsOf: other.diagnostics)
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public func count(_ severity: Severity) -> Int {
        diagnostics.lazy.filter { $0.severity == severity }.count
    }

    /// Sorted by file, line, column, code and message, so output is stable.
    public var sorted: [Diagnostic] { sortKeys().map { diagnostics[$0.index] } }

    /// A diagnostic's place in the order, as integers: files and codes ranked once, so sorting tens of
    /// thousands of diagnostics compares numbers instead of copying diagnostics and comparing paths.
    private struct SortKey {
        var file: Int, line: Int, column: Int, code: Int, index: Int
    }

    private func sortKeys() -> [SortKey] {
        var files: [String: Int] = [:], codes: [String: Int] = [:]
        for diagnostic in diagnostics {
            files[diagnostic.location?.file ?? ""] = 0
            codes[diagnostic.code.id] = 0
        }
        for (rank, file) in files.keys.sorted().enumerated() { files[file] = rank }
        for (rank, code) in codes.keys.sorted().enumerated() { codes[code] = rank }
        let keys = diagnostics.enumerated().map { index, diagnostic in
            SortKey(file: files[diagnostic.location?.file ?? ""]!, line: diagnostic.location?.line ?? 0,
                    column: diagnostic.location?.column ?? 0, code: codes[diagnostic.code.id]!, index: index)
        }
        return keys.sorted { a, b in
            if (a.file, a.line, a.column, a.code) != (b.file, b.line, b.column, b.code) {
                return (a.file, a.line, a.column, a.code) < (b.file, b.line, b.column, b.code)
            }
            return diagnostics[a.index].message < diagnostics[b.index].message
        }
    }

    /// A hostile file can hold tens of thousands of the same mistake; after this many of one code in
    /// one file, the rest are counted in a single note.
    public static let maxRepeatsPerCode = 50

    /// Keeps the first `limit` diagnostics of each code in each file, in source order, and replaces
    /// the rest with one note that counts them. Severity counts stay honest: the note says how many
    /// were left out, and any error left out still leaves an error shown for that file.
    public mutating func limitRepeats(to limit: Int) {
        struct Key: Hashable, Comparable {
            var file: Int, code: Int
            static func < (a: Key, b: Key) -> Bool { (a.file, a.code) < (b.file, b.code) }
        }
        var seen: [Key: Int] = [:]
        var kept: [Diagnostic] = []
        kept.reserveCapacity(diagnostics.count)
        var dropped: [Key: (first: Diagnostic, count: Int)] = [:]
        for sortKey in sortKeys() {
            let key = Key(file: sortKey.file, code: sortKey.code)
            let count = seen[key, default: 0]
            seen[key] = count + 1
            if count < limit {
                kept.append(diagnostics[sortKey.index])
            } else if let existing = dropped[key] {
                dropped[key] = (existing.first, existing.count + 1)
            } else {
                dropped[key] = (diagnostics[sortKey.index], 1)
            }
        }
        guard !dropped.isEmpty else {
            diagnostics = kept  // already in order
            return
        }
        for (_, entry) in dropped.sorted(by: { $0.key < $1.key }) {
            var note = Diagnostic(.repeatsOmitted,
                "\(entry.count) more \(entry.first.code.id) (\(entry.first.code.name)) diagnostics in this file are not shown",
                at: entry.first.location)
            note.severity = .note
            kept.append(note)
        }
        diagnostics = DiagnosticBag(kept).sorted
    }
}
