import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import Foundation

/// Builds a `ResolvedModel` from a model that validated without errors.
public enum ModelResolver {
    public static func resolve(_ context: ModelContext, evidence: ModelEvidence = ModelEvidence(),
                               suggestions: [String: Int] = [:]) -> ResolvedModel {
        let m = context.model
        let answered = Dictionary(grouping: m.threats.flatMap { threat in
            threat.mitigations.map { ($0.value, threat.id?.value ?? "") }
        }, by: \.0).mapValues { Array(Set($0.map(\.1))).sorted() }
        let coverage = context.coverage
        var reasons: [String: [StrideCategory: String]] = [:]
        for gap in m.gaps {
            guard let target = gap.target?.value else { continue }
            for category in gap.stride { reasons[target, default: [:]][category.value] = gap.reason?.value ?? "" }
        }
        func sorted(_ categories: Set<StrideCategory>) -> [StrideCategory] { categories.sorted() }
        func reference(_ source: SourceSyntax?) -> ResolvedModel.SourceReference? {
            guard let format = source?.format?.value, let id = source?.id?.value else { return nil }
            return .init(format: format, id: id)
        }

        return ResolvedModel(
            id: m.id?.value ?? "",
            title: m.title?.value ?? "",
            summary: m.summary?.value,
            owner: m.owner?.value,
            reviewed: m.reviewed?.value,
            formatVersion: m.formatVersion?.value ?? 1,
            sourcePath: m.file.path,
            benchmarks: Dictionary(m.benchmarks.map { ($0.tool.value, $0.version.value) }, uniquingKeysWith: { a, _ in a }),
            assets: m.assets.map {
                .init(id: $0.id?.value ?? "", name: $0.name?.value ?? "", description: $0.description?.value,
                      sensitivity: $0.sensitivity?.value ?? .low, source: reference($0.source))
            }.sorted { $0.id < $1.id },
            boundaries: m.boundaries.map {
                .init(id: $0.id?.value ?? "", name: $0.name?.value ?? "", description: $0.description?.value,
                      parent: $0.parent?.value, source: reference($0.source))
            }.sorted { $0.id < $1.id },
            elements: m.elements.map {
                .init(id: $0.id?.value ?? "", kind: $0.kind?.value ?? .process, name: $0.name?.value ?? "",
                      description: $0.description?.value, technology: $0.technology?.value,
                      boundary: $0.boundary?.value, assets: $0.assets.map(\.value).sorted(),
                      internetFacing: $0.internetFacing?.value, runsAsRoot: $0.runsAsRoot?.value,
                      storesCredentials: $0.storesCredentials?.value, source: reference($0.source))
            }.sorted { $0.id < $1.id },
            flows: m.flows.map {
                .init(id: $0.id?.value ?? "", from: $0.from?.value ?? "", to: $0.to?.value ?? "",
                      label: $0.label?.value, protocolName: $0.protocolName?.value,
                      description: $0.description?.value, assets: $0.assets.map(\.value).sorted(),
                      authenticated: $0.authenticated?.value, encrypted: $0.encrypted?.value, source: reference($0.source))
            }.sorted { $0.id < $1.id },
            threats: m.threats.map { t in
                let likelihood = t.likelihood?.value ?? .low, impact = t.impact?.value ?? .low
                return .init(
                    id: t.id?.value ?? "", title: t.title?.value ?? "",
                    stride: Array(Set(t.stride.map(\.value))).sorted(),
                    targets: t.targets.map(\.value), description: t.description?.value,
                    likelihood: likelihood, impact: impact,
                    risk: RiskMatrix.risk(likelihood: likelihood, impact: impact),
                    response: t.response?.value ?? .mitigate, justification: t.justification?.value,
                    mitigations: t.mitigations.map(\.value), note: t.note?.value,
                    references: t.references.map(\.value),
                    contradicted: t.mitigations.contains { evidence.mitigations[$0.value]?.state == .contradicted },
                    rule: t.rule?.value, source: reference(t.source))
            }.sorted { $0.id < $1.id },
            mitigations: m.mitigations.map { x in
                let id = x.id?.value ?? ""
                return .init(
                    id: id, title: x.title?.value ?? "", description: x.description?.value,
                    status: x.status?.value ?? .notStarted, owner: x.owner?.value,
                    checks: x.checks.map(\.value), threats: answered[id] ?? [], note: x.note?.value,
                    references: x.references.map(\.value),
                    evidence: evidence.mitigations[id]
                        ?? .noScan, source: reference(x.source))
            }.sorted { $0.id < $1.id },
            findings: m.findings.map {
                .init(check: $0.check?.value ?? "", title: $0.title?.value, issue: $0.issue?.value,
                      recommendation: $0.recommendation?.value, threats: $0.threats.map(\.value),
                      note: $0.note?.value, evidence: $0.check.flatMap { evidence.findings[$0.value] })
            }.sorted { $0.check < $1.check },
            coverage: coverage.entries.map { entry in
                .init(target: entry.target, applicable: sorted(entry.applicable), covered: sorted(entry.covered),
                      acknowledged: sorted(entry.acknowledged).map {
                          .init(category: $0, reason: reasons[entry.target]?[$0] ?? "")
                      },
                      open: sorted(entry.open), suggestions: suggestions[entry.target] ?? 0)
            }.sorted { $0.target < $1.target },
            scans: evidence.scans,
            uncoveredFindings: evidence.uncovered,
            gaps: m.gaps.compactMap { gap in
                gap.target.map { .init(target: $0.value, categories: Array(Set(gap.stride.map(\.value))).sorted(),
                                       reason: gap.reason?.value ?? "") }
            },
            source: reference(m.source))
    }
}
