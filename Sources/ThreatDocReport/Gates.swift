import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import Foundation
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
            case .unimplemented(let level):
                let threats = models.flatMap { model in
                    let implemented = Set(model.mitigations.filter { $0.status == .implemented }.map(\.id))
                    return model.threats.filter { $0.response == .mitigate && $0.risk >= level && !$0.mitigations.contains(where: implemented.contains) }
                        .map { "\(model.id)/\($0.id) (\($0.risk.rawValue))" }
                }
                if !threats.isEmpty {
                    failures.append(.init(gate: gate, reason: "threats at or above \(level.rawValue) risk without an implemented mitigation: \(threats.joined(separator: ", "))"))
                }
            case .coverage(let percent):
                let below = models.compactMap { model -> String? in
                    let applicable = model.coverage.reduce(0) { $0 + $1.applicable.count }
                    let done = model.coverage.reduce(0) { $0 + $1.covered.count + $1.acknowledged.count }
                    // Compared exactly (done/applicable < percent/100), not by a rounded percentage.
                    guard applicable > 0, done * 100 < percent * applicable else { return nil }
                    return "\(model.id) (\(done) of \(applicable), \(wholePercent(done, of: applicable))%)"
                }
                if !below.isEmpty {
                    failures.append(.init(gate: gate, reason: "STRIDE coverage (covered or acknowledged) below \(percent)%: \(below.joined(separator: ", "))"))
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
