import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import Foundation
/// Builds the view models from resolved models: all counting, sorting and wording happens here.
public enum ReportContextBuilder {
    public static var generator: String { "threatdoc \(ThreatDocSupport.version)" }

    /// The anchor of a thing in a report: kind, then the lowercased ID (IDs are unique ignoring case).
    public static func anchor(_ kind: String, _ id: String) -> String {
        let safe = id.lowercased().unicodeScalars.map { scalar -> String in
            switch scalar {
            case "a"..."z", "0"..."9", "-", "_", ".": String(scalar)
            default: "-"
            }
        }.joined()
        return "\(kind)-\(safe)"
    }

    /// The file a model's report goes to, without extension: its ID (safe: IDs match a strict pattern).
    public static func baseName(of model: ResolvedModel) -> String { model.id }

    /// What a view model holds that only a renderer can draw: prose made inert for Markdown, prose as
    /// HTML (through libcmark), and the Mermaid diagrams. The render layer provides them
    /// (`Renderings.markdown` and `.all`); everything else in the view model is computed here.
    public struct Renderings: Sendable {
        public typealias Mermaid = (main: String, note: String?, parts: [(title: String, mermaid: String)])
        public var markdownProse: (@Sendable (String) -> String)?
        public var htmlProse: (@Sendable (String) -> String?)?
        public var mermaid: @Sendable (ResolvedModel) -> Mermaid

        public init(markdownProse: (@Sendable (String) -> String)?, htmlProse: (@Sendable (String) -> String?)?,
                    mermaid: @escaping @Sendable (ResolvedModel) -> Mermaid) {
            self.markdownProse = markdownProse
            self.htmlProse = htmlProse
            self.mermaid = mermaid
        }
    }

    /// A path as the reports show it: relative to the working folder however it was given
    /// (`./models/a.yaml` and `/repo/models/a.yaml` both become `models/a.yaml`), so the output does not
    /// depend on how a CI job spells its paths and holds no absolute path.
    static func displayPath(_ path: String) -> String {
        relativeLink(from: ".", to: path) ?? path
    }

    /// A relative path from a folder to a file, both given relative to the working directory (or
    /// absolute); nil when one is absolute and the other is not.
    public static func relativeLink(from directory: String, to file: String) -> String? {
        let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let from = URL(fileURLWithPath: directory, relativeTo: base).standardizedFileURL.pathComponents
        let to = URL(fileURLWithPath: file, relativeTo: base).standardizedFileURL.pathComponents
        var common = 0
        while common < from.count, common < to.count - 1, from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let path = (ups + to[common...]).joined(separator: "/")
        return path.isEmpty ? nil : path
    }

    public static func build(_ model: ResolvedModel, file: String, sourceLink: String?, renderings: Renderings) -> ModelReport {
        func markdownProse(_ text: String) -> String { renderings.markdownProse?(text) ?? text }
        func htmlProse(_ text: String) -> String? { renderings.htmlProse?(text) ?? nil }
        let threatByID = Dictionary(uniqueKeysWithValues: model.threats.map { ($0.id, $0) })
        let mitigationByID = Dictionary(uniqueKeysWithValues: model.mitigations.map { ($0.id, $0) })
        let elementByID = Dictionary(uniqueKeysWithValues: model.elements.map { ($0.id, $0) })
        let flowByID = Dictionary(uniqueKeysWithValues: model.flows.map { ($0.id, $0) })
        let assetByID = Dictionary(uniqueKeysWithValues: model.assets.map { ($0.id, $0) })
        let boundaryByID = Dictionary(uniqueKeysWithValues: model.boundaries.map { ($0.id, $0) })

        func threatLink(_ id: String) -> ReportLink { ReportLink(id: id, anchor: anchor("threat", id), title: threatByID[id]?.title ?? id) }
        func mitigationLink(_ id: String) -> ReportLink { ReportLink(id: id, anchor: anchor("mitigation", id), title: mitigationByID[id]?.title ?? id) }
        func assetLink(_ id: String) -> ReportLink { ReportLink(id: id, anchor: anchor("asset", id), title: assetByID[id]?.name ?? id) }
        func boundaryLink(_ id: String) -> ReportLink { ReportLink(id: id, anchor: anchor("boundary", id), title: boundaryByID[id]?.name ?? id) }
        func targetLink(_ id: String) -> ReportLink {
            if let element = elementByID[id] { return ReportLink(id: id, anchor: anchor("element", id), title: element.name) }
            return ReportLink(id: id, anchor: anchor("flow", id), title: flowByID[id]?.label ?? id)
        }
        let threatsByTarget = Dictionary(grouping: model.threats.flatMap { threat in threat.targets.map { ($0, threat.id) } },
                                         by: \.0).mapValues { Array(Set($0.map(\.1))).sorted().map(threatLink) }

        // At a glance
        let risks: [Level] = [.critical, .high, .medium, .low]
        let glance = Glance(
            threatCount: model.threats.count, mitigationCount: model.mitigations.count,
            elementCount: model.elements.count, flowCount: model.flows.count, assetCount: model.assets.count,
            threatsByRisk: risks.map { level in
                Tally(key: level.rawValue, label: level.rawValue, count: model.threats.filter { $0.risk == level }.count)
            },
            threatsByResponse: ThreatResponse.allCases.map { response in
                Tally(key: response.rawValue, label: response.rawValue, count: model.threats.filter { $0.response == response }.count)
            },
            mitigationsByStatus: MitigationStatus.allCases.map { status in
                Tally(key: status.rawValue, label: status.rawValue, count: model.mitigations.filter { $0.status == status }.count)
            },
            mitigationsByEvidence: EvidenceState.allCases.map { state in
                Tally(key: state.rawValue, label: state.rawValue, count: model.mitigations.filter { $0.evidence.state == state }.count)
            },
            openItems: openItems(model, threatLink: threatLink, mitigationLink: mitigationLink),
            hasOpenItems: false,
            openCoverage: openCoverage(model))
        var finishedGlance = glance
        finishedGlance.hasOpenItems = !glance.openItems.isEmpty
        let diagrams = renderings.mermaid(model)

        // STRIDE matrix
        let coverageByTarget = Dictionary(uniqueKeysWithValues: model.coverage.map { ($0.target, $0) })
        var counts: [String: [StrideCategory: Int]] = [:]
        for threat in model.threats {
            for target in Set(threat.targets) {
                for category in threat.stride { counts[target, default: [:]][category, default: 0] += 1 }
            }
        }
        let targets = model.elements.map { (id: $0.id, kind: $0.kind.title) } + model.flows.map { (id: $0.id, kind: "data flow") }
        let matrix = StrideMatrix(
            columns: StrideCategory.allCases.map { .init(letter: $0.letter, title: $0.title) },
            rows: targets.map { target in
                let coverage = coverageByTarget[target.id]
                let cells = StrideCategory.allCases.map { category -> StrideMatrix.Cell in
                    let count = counts[target.id]?[category] ?? 0
                    let applicable = coverage?.applicable.contains(category) ?? false
                    let acknowledged = coverage?.acknowledged.contains { $0.category == category } ?? false
                    if count > 0 {
                        return .init(state: applicable ? "covered" : "not-applicable", count: count, mark: String(count),
                                     heat: applicable ? "h\(min(count, 4))" : "not-applicable")
                    }
                    if !applicable { return .init(state: "not-applicable", count: 0, mark: "—", heat: "not-applicable") }
                    if acknowledged { return .init(state: "acknowledged", count: 0, mark: "ack.", heat: "acknowledged") }
                    return .init(state: "gap", count: 0, mark: "GAP", heat: "gap")
                }
                return .init(target: targetLink(target.id), kind: target.kind, cells: cells)
            })

        let applicable = model.coverage.reduce(0) { $0 + $1.applicable.count }
        let covered = model.coverage.reduce(0) { $0 + $1.covered.count }
        // One row per `gaps:` entry, as written, by target.
        let targetOrder = Dictionary(model.coverage.enumerated().map { ($1.target, $0) }, uniquingKeysWith: { a, _ in a })
        let gaps = model.gaps.enumerated().sorted { (targetOrder[$0.element.target] ?? .max, $0.offset) < (targetOrder[$1.element.target] ?? .max, $1.offset) }
            .map { GapRow(target: targetLink($0.element.target), categories: $0.element.categories.map(\.title).joined(separator: ", "),
                          reason: $0.element.reason) }
        let coverage = CoverageInfo(
            applicable: applicable, covered: covered,
            acknowledged: model.coverage.reduce(0) { $0 + $1.acknowledged.count },
            open: model.coverage.reduce(0) { $0 + $1.open.count },
            percent: wholePercent(covered, of: applicable), gaps: gaps, hasGaps: !gaps.isEmpty)

        func threatItem(_ threat: ResolvedModel.Threat) -> ThreatItem {
                    let states = threat.mitigations.compactMap { mitigationByID[$0]?.evidence.state }
                    return ThreatItem(
                        id: threat.id, anchor: anchor("threat", threat.id), title: threat.title,
                        stride: threat.stride.map(\.letter).joined(separator: ", "),
                        risk: threat.risk.rawValue, likelihood: threat.likelihood.rawValue, impact: threat.impact.rawValue,
                        response: threat.response.rawValue, justification: threat.justification,
                        description: threat.description.map(markdownProse),
                        descriptionHTML: threat.description.flatMap(htmlProse), note: threat.note,
                        targets: threat.targets.map(targetLink),
                        mitigations: threat.mitigations.map { id in
                            MitigationRef(link: mitigationLink(id), status: mitigationByID[id]?.status.rawValue ?? "",
                                          evidence: mitigationByID[id]?.evidence.state.rawValue ?? "")
                        },
                        hasMitigations: !threat.mitigations.isEmpty, contradicted: threat.contradicted,
                        evidence: weakestEvidence(states), references: threat.references)
        }
        let threatItems = Dictionary(uniqueKeysWithValues: model.threats.map { ($0.id, threatItem($0)) })
        let register = model.threats.sorted {
            ($1.risk, $1.likelihood, $0.id) < ($0.risk, $0.likelihood, $1.id)
        }.map { threatItems[$0.id]! }

        // Threats by STRIDE category; each threat is described under its first category.
        let groups = StrideCategory.allCases.map { category -> ThreatGroup in
            let primary = model.threats.filter { $0.stride.first == category }
            let also = model.threats.filter { $0.stride.dropFirst().contains(category) }.map { threatLink($0.id) }
            return ThreatGroup(
                letter: category.letter, title: category.title, anchor: anchor("stride", category.rawValue),
                threats: primary.map { threatItems[$0.id]! },
                alsoRelevant: also, hasAlsoRelevant: !also.isEmpty, isEmpty: primary.isEmpty && also.isEmpty)
        }

        let findingByCheck = Dictionary(model.findings.map { ($0.check, $0) }, uniquingKeysWith: { a, _ in a })
        let mitigations = model.mitigations.map { mitigation in
            MitigationItem(
                id: mitigation.id, anchor: anchor("mitigation", mitigation.id), title: mitigation.title,
                status: mitigation.status.rawValue, owner: mitigation.owner,
                description: mitigation.description.map(markdownProse),
                descriptionHTML: mitigation.description.flatMap(htmlProse),
                note: mitigation.note, evidence: mitigation.evidence.state.rawValue,
                evidenceSummary: mitigation.evidence.summary,
                checks: checkItems(mitigation, findings: findingByCheck),
                hasChecks: !mitigation.checks.isEmpty,
                threats: mitigation.threats.map(threatLink), references: mitigation.references,
                hasReferences: !mitigation.references.isEmpty)
        }

        let findings = model.findings.map { finding in
            FindingItem(
                check: finding.check, anchor: anchor("finding", finding.check), title: finding.title,
                issue: finding.issue, recommendation: finding.recommendation, note: finding.note,
                threats: finding.threats.map(threatLink),
                mitigations: model.mitigations.filter { $0.checks.contains(finding.check) }.map { mitigationLink($0.id) },
                status: finding.evidence?.status?.rawValue ?? "not scanned",
                results: hostLines(finding.evidence?.results ?? []),
                hasResults: !(finding.evidence?.results.isEmpty ?? true),
                hostSummary: hostSummary(finding.evidence?.results ?? []))
        }

        var checkSummaries: [CheckSummary] = []
        for reference in Set(mitigations.flatMap { $0.checks.map(\.reference) }).sorted() {
            let items = mitigations.filter { $0.checks.contains { $0.reference == reference } }
            guard let item = items.first?.checks.first(where: { $0.reference == reference }) else { continue }
            checkSummaries.append(CheckSummary(
                reference: reference, anchor: item.anchor, catalog: item.catalog, title: item.title, manual: item.manual,
                status: item.status, hostSummary: item.hostSummary,
                mitigations: items.map { mitigationLink($0.id) }, finding: item.finding))
        }

        let uncovered = Dictionary(grouping: model.uncoveredFindings, by: { "\($0.host)\u{0}\($0.scan)" })
            .sorted { $0.key < $1.key }
            .map { _, items in
                UncoveredGroup(host: items[0].host, file: displayPath(items[0].scan),
                               items: items.map { UncoveredItem(id: $0.id, title: $0.title, status: $0.rawStatus) })
            }

        return ModelReport(
            generator: generator, file: file,
            model: ModelInfo(id: model.id, title: model.title, owner: model.owner, reviewed: model.reviewed,
                             formatVersion: model.formatVersion, source: displayPath(model.sourcePath), sourceLink: sourceLink,
                             summary: model.summary.map(markdownProse),
                             summaryHTML: model.summary.flatMap(htmlProse)),
            scans: model.scans.map {
                ScanInfo(host: $0.host, file: displayPath($0.path), tool: $0.tool.rawValue, format: $0.format,
                         catalog: $0.catalog ?? "unknown", date: $0.date,
                         pass: $0.pass, fail: $0.fail, warn: $0.warn, manual: $0.manual, info: $0.info)
            },
            hasScans: !model.scans.isEmpty,
            glance: finishedGlance,
            mermaid: diagrams.main, mermaidNote: diagrams.note,
            mermaidParts: diagrams.parts.map { MermaidPart(title: $0.title, mermaid: $0.mermaid) },
            boundaries: model.boundaries.map {
                BoundaryRow(id: $0.id, anchor: anchor("boundary", $0.id), name: $0.name,
                            parent: $0.parent.map(boundaryLink), description: $0.description)
            },
            assets: model.assets.map { asset in
                let users = model.elements.filter { $0.assets.contains(asset.id) }.map { targetLink($0.id) }
                    + model.flows.filter { $0.assets.contains(asset.id) }.map { targetLink($0.id) }
                return AssetRow(id: asset.id, anchor: anchor("asset", asset.id), name: asset.name,
                                sensitivity: asset.sensitivity.rawValue, description: asset.description, usedBy: users)
            },
            elements: model.elements.map { element in
                ElementRow(id: element.id, anchor: anchor("element", element.id), name: element.name,
                           kind: element.kind.title, boundary: element.boundary.map(boundaryLink),
                           technology: element.technology, description: element.description,
                           assets: element.assets.map(assetLink), threats: threatsByTarget[element.id] ?? [])
            },
            flows: model.flows.map { flow in
                FlowRow(id: flow.id, anchor: anchor("flow", flow.id), from: targetLink(flow.from), to: targetLink(flow.to),
                        label: flow.label, protocolName: flow.protocolName, description: flow.description,
                        assets: flow.assets.map(assetLink), threats: threatsByTarget[flow.id] ?? [])
            },
            strideMatrix: matrix, coverage: coverage, register: register, threatGroups: groups, mitigations: mitigations,
            findings: findings, hasFindings: !findings.isEmpty, uncovered: uncovered, hasUncovered: !uncovered.isEmpty,
            checks: checkSummaries, hasChecks: !checkSummaries.isEmpty)
    }

    /// "PASS on a, b" when every host agrees; "a: PASS; b: WARN" when they differ; "not scanned".
    static func hostSummary(_ results: [HostResult]) -> String {
        guard let first = results.first else { return "not scanned" }
        func name(_ result: HostResult) -> String {
            result.host + (result.scannedAs.map { " (as \($0))" } ?? "")
        }
        if results.allSatisfy({ $0.rawStatus == first.rawStatus }) {
            return "\(first.rawStatus) on \(results.map(name).joined(separator: ", "))"
        }
        return results.map { "\(name($0)): \($0.rawStatus)" }.joined(separator: "; ")
    }

    /// The index page's context: one entry per model, in ID order.
    public static func index(_ models: [ResolvedModel], files: [String]) -> IndexReport {
        let entries = zip(models, files).map { model, file in
            let applicable = model.coverage.reduce(0) { $0 + $1.applicable.count }
            let covered = model.coverage.reduce(0) { $0 + $1.covered.count }
            return IndexReport.Entry(
                id: model.id, title: model.title, file: file, owner: model.owner, reviewed: model.reviewed,
                threats: model.threats.count,
                criticalOrHigh: model.threats.filter { $0.risk >= .high }.count,
                mitigations: model.mitigations.count,
                contradicted: model.mitigations.filter { $0.evidence.state == .contradicted }.count,
                coveragePercent: wholePercent(covered, of: applicable),
                risks: [Level.critical, .high, .medium, .low].map { level in
                    Tally(key: level.rawValue, label: level.rawValue, count: model.threats.filter { $0.risk == level }.count)
                })
        }
        let threats = entries.reduce(0) { $0 + $1.threats }, mitigations = entries.reduce(0) { $0 + $1.mitigations }
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        return IndexReport(generator: generator, models: entries, modelCount: entries.count,
                           threatCount: threats, mitigationCount: mitigations,
                           summary: [counted(entries.count, "model"), counted(threats, "threat"), counted(mitigations, "mitigation")]
                               .joined(separator: ", "))
    }

    static func hostLines(_ results: [HostResult]) -> [HostLine] {
        results.map { HostLine(host: $0.host, status: $0.rawStatus, scannedAs: $0.scannedAs) }
    }

    static func checkItems(_ mitigation: ResolvedModel.Mitigation,
                           findings: [String: ResolvedModel.Finding]) -> [CheckItem] {
        let evidence = Dictionary(mitigation.evidence.checks.map { ($0.reference, $0) }, uniquingKeysWith: { a, _ in a })
        return mitigation.checks.map { reference in
            let check = evidence[reference]
            let results = check?.results ?? []
            return CheckItem(
                reference: reference, anchor: anchor("check", reference), catalog: check?.catalog ?? "", title: check?.title ?? "",
                manual: check?.manual ?? false, status: check?.status?.rawValue ?? "not scanned",
                results: hostLines(results), hostsDiffer: Set(results.map(\.rawStatus)).count > 1,
                hostSummary: hostSummary(results),
                finding: findings[reference].map { ReportLink(id: $0.check, anchor: anchor("finding", $0.check), title: $0.title ?? $0.check) })
        }
    }

    static func openCoverage(_ model: ResolvedModel) -> OpenCoverage {
        let categories = model.coverage.reduce(0) { $0 + $1.open.count }
        let targets = model.coverage.filter { !$0.open.isEmpty }.count
        let suggestions = model.coverage.reduce(0) { $0 + $1.suggestions }
        return OpenCoverage(
            categories: categories, targets: targets, hasAny: categories > 0, suggestions: suggestions,
            summary: "\(categories) open STRIDE categor\(categories == 1 ? "y" : "ies") on \(targets) "
                + (targets == 1 ? "element or flow" : "elements and flows")
                + (suggestions > 0 ? "; threatdoc suggest proposes \(suggestions) threat\(suggestions == 1 ? "" : "s") for them" : ""))
    }

    /// The weakest evidence among a threat's mitigations; `none` when it has none.
    static func weakestEvidence(_ states: [EvidenceState]) -> String {
        let weakestFirst: [EvidenceState] = [.contradicted, .failingAsExpected, .unverified, .verified]
        return weakestFirst.first(where: states.contains)?.rawValue ?? "none"
    }

    /// The ranked short list: contradicted evidence first, then threats left without a mitigation (any
    /// risk) or, at high and critical risk, without an implemented one, highest risk first; then scan
    /// findings no mitigation covers.
    static func openItems(_ model: ResolvedModel, threatLink: (String) -> ReportLink,
                          mitigationLink: (String) -> ReportLink) -> [OpenItem] {
        var items: [OpenItem] = []
        for mitigation in model.mitigations where mitigation.evidence.state == .contradicted {
            items.append(OpenItem(kind: "Contradicted mitigation", link: mitigationLink(mitigation.id),
                                  detail: mitigation.evidence.summary))
        }
        let implemented = Set(model.mitigations.filter { $0.status == .implemented }.map(\.id))
        let byRisk = model.threats.filter { $0.response == .mitigate }.sorted { ($1.risk, $0.id) < ($0.risk, $1.id) }
        for threat in byRisk {
            if threat.mitigations.isEmpty {
                items.append(OpenItem(kind: "Unaddressed threat", link: threatLink(threat.id),
                                      detail: "\(threat.title): no mitigation", risk: threat.risk.rawValue))
            } else if threat.risk >= .high, !threat.mitigations.contains(where: implemented.contains) {
                items.append(OpenItem(kind: "No implemented mitigation", link: threatLink(threat.id),
                                      detail: threat.title, risk: threat.risk.rawValue))
            }
        }
        if !model.uncoveredFindings.isEmpty {
            items.append(OpenItem(kind: "Uncovered scan findings", link: nil,
                                  detail: "\(model.uncoveredFindings.count) WARN or FAIL results that no mitigation references"))
        }
        return items
    }
}
