import ThreatDocSupport
import ThreatDocLoad
import ThreatDocModel
public struct GateFailure: Sendable, Equatable {
    public var gate: Gate
    public var reason: String
}

public enum GateEvaluator {
    /// The gates that fail for this outcome, each with the reason in words.
    public static func evaluate(_ gates: [Gate], outcome: Pipeline.Outcome) -> [GateFailure] {
        var failures: [GateFailure] = []
        let errors = outcome.diagnostics.filter { $0.severity == .error }
        let warnings = outcome.diagnostics.filter { $0.severity == .warning }
        let models = outcome.models ?? []
        for gate in gates {
            switch gate {
            case .error where !errors.isEmpty:
                failures.append(.init(gate: gate, reason: "\(errors.count) error\(errors.count == 1 ? "" : "s"), the first: \(describe(errors[0]))"))
            case .warning where !errors.isEmpty || !warnings.isEmpty:
                let first = (errors + warnings)[0]
                failures.append(.init(gate: gate, reason: "\(errors.count) errors and \(warnings.count) warnings, the first: \(describe(first))"))
            case .unaddressed(let level):
                let threats = models.flatMap { model in
                    model.threats.filter { $0.response == .mitigate && $0.mitigations.isEmpty && $0.risk >= level }
                        .map { "\(model.id)/\($0.id) (\($0.risk.rawValue))" }
                }
                if !threats.isEmpty {
                    failures.append(.init(gate: gate, reason: "unaddressed threats at or above \(level.rawValue) risk: \(threats.joined(separator: ", "))"))
                }
            case .contradicted:
                let contradicted = models.flatMap { model in
                    model.mitigations.filter { $0.evidence.state == .contradicted }.map { "\(model.id)/\($0.id)" }
                }
                if !contradicted.isEmpty {
                    failures.append(.init(gate: gate, reason: "mitigations contradicted by scans: \(contradicted.joined(separator: ", "))"))
                }
            case .uncovered:
                let uncovered = models.flatMap { model in model.uncoveredFindings.map { "\(model.id): \($0.host) \($0.id)" } }
                if !uncovered.isEmpty {
                    let listed = uncovered.prefix(10).joined(separator: ", ") + (uncovered.count > 10 ? ", …" : "")
                    failures.append(.init(gate: gate, reason: "\(uncovered.count) scan findings no mitigation covers: \(listed)"))
                }
            default:
                continue
            }
        }
        return failures
    }

    static func describe(_ diagnostic: Diagnostic) -> String {
        let place = diagnostic.location.map { "\($0.file):\($0.line):\($0.column): " } ?? ""
        return "\(place)\(diagnostic.code.id) \(diagnostic.message)"
    }
}

/// Whether the committed output is what rendering would write now.
public struct FreshnessReport: Sendable, Equatable {
    /// Files whose content differs.
    public var stale: [String] = []
    /// Files rendering would write that are not there.
    public var missing: [String] = []
    /// Files there that rendering would not write.
    public var extra: [String] = []

    public init() {}

    public var isFresh: Bool { stale.isEmpty && missing.isEmpty && extra.isEmpty }

    public var all: [String] { (stale + missing + extra).sorted() }

    /// Compares `expected` (relative path → content, without the manifest) with the files under
    /// `directory`. The manifest is compared too; files it does not list are the user's and ignored.
    public static func compare(expected files: [String: String], directory: String) -> FreshnessReport {
        var report = FreshnessReport()
        var expected = files
        expected[OutputWriter.marker] = OutputWriter.manifestText(for: files.keys)
        let present = Set(OutputTree.files(in: directory))
        let onDisk = (OutputWriter.ownedFiles(in: directory).map { $0.union([OutputWriter.marker]) } ?? present).intersection(present)
        for (path, content) in expected.sorted(by: { $0.key < $1.key }) {
            guard present.contains(path) else {
                report.missing.append(path)
                continue
            }
            let data = FileManager.default.contents(atPath: directory + "/" + path) ?? Data()
            if data != Data(content.utf8) { report.stale.append(path) }
        }
        report.extra = onDisk.subtracting(expected.keys).sorted()
        return report
    }
}

import Foundation
