import ThreatDocModel
import ThreatDocReport

/// What a model loses on a round trip through each format (export, then import), declared once: the
/// README's table lists these, and the round-trip tests check that a model comes back equal once
/// exactly these are set aside, and that each of them is really lost.
public enum RoundTrip {
    public struct Loss: Sendable {
        public var name: String
        /// Sets the lost part aside in a model: the same change applied to the original and to the model
        /// that came back makes them equal.
        public var setAside: @Sendable (inout ResolvedModel) -> Void
    }

    /// The parts of a resolved model that an import does not carry by design: provenance (`source:`),
    /// the file path, and what is computed from the rest (coverage, evidence, which threats a mitigation
    /// answers). Lists whose order the format does not keep are sorted.
    public static func comparable(_ model: ResolvedModel) -> ResolvedModel {
        var m = model
        m.sourcePath = ""
        m.source = nil
        m.coverage = []
        m.scans = []
        m.uncoveredFindings = []
        m.assets = m.assets.map { var a = $0; a.source = nil; return a }.sorted { $0.id < $1.id }
        m.boundaries = m.boundaries.map { var b = $0; b.source = nil; return b }.sorted { $0.id < $1.id }
        m.elements = m.elements.map { var e = $0; e.source = nil; e.assets.sort(); return e }.sorted { $0.id < $1.id }
        m.flows = m.flows.map { var f = $0; f.source = nil; f.assets.sort(); return f }.sorted { $0.id < $1.id }
        m.threats = m.threats.map { t in
            var t = t
            t.source = nil; t.targets.sort(); t.mitigations.sort(); t.references.sort(); t.contradicted = false
            return t
        }.sorted { $0.id < $1.id }
        m.mitigations = m.mitigations.map { x in
            var x = x
            x.source = nil; x.threats = []; x.evidence = .noScan
            return x
        }.sorted { $0.id < $1.id }
        return m
    }

    public static func losses(_ format: InteropFormat) -> [Loss] {
        switch format {
        case .otm: common + [reviewDate, gaps, threatNotes, referencesBut(["cwe"]), flowLabels]
        case .tmLibrary: common + [gaps, mitigationOwners, referencesBut(["capec", "cwe"]), flowLabels]
        case .threatDragon: [common[0], common[2], reviewDate] + threatDragon
        }
    }

    /// The categories each target's threats cover.
    public static func coveredCategories(_ m: ResolvedModel) -> [String: Set<StrideCategory>] {
        var covered: [String: Set<StrideCategory>] = [:]
        for threat in m.threats { for target in threat.targets { covered[target, default: []].formUnion(threat.stride) } }
        return covered
    }

    // MARK: The losses

    static let common: [Loss] = [
        Loss(name: "benchmark catalogs and recorded findings") { $0.benchmarks = [:]; $0.findings = [] },
        Loss(name: "mitigation checks, references and notes") { m in
            m.mitigations = m.mitigations.map { var x = $0; x.checks = []; x.references = []; x.note = nil; return x }
        },
        Loss(name: "the rule that proposed a threat") { m in m.threats = m.threats.map { var t = $0; t.rule = nil; return t } },
    ]

    static let reviewDate = Loss(name: "review date") { $0.reviewed = nil }

    static let gaps = Loss(name: "acknowledged gaps") { $0.gaps = [] }

    static let threatNotes = Loss(name: "threat notes") { m in m.threats = m.threats.map { var t = $0; t.note = nil; return t } }

    static let mitigationOwners = Loss(name: "mitigation owners") { m in m.mitigations = m.mitigations.map { var x = $0; x.owner = nil; return x } }

    static let flowLabels = Loss(name: "a flow without a label comes back labelled with its ID") { m in
        m.flows = m.flows.map { var f = $0; if f.label == f.id { f.label = nil }; return f }
    }

    static func referencesBut(_ catalogs: [String]) -> Loss {
        Loss(name: "threat references other than \(catalogs.map { $0.uppercased() }.joined(separator: " and ")) links") { m in
            m.threats = m.threats.map { t in
                var t = t
                t.references = t.references.filter { link in catalogs.contains { link.hasPrefix("https://\($0).mitre.org/data/definitions/") } }
                return t
            }
        }
    }

    static let threatDragon: [Loss] = [
        Loss(name: "assets, and the assets elements hold and flows carry") { m in
            m.assets = []
            m.elements = m.elements.map { var e = $0; e.assets = []; return e }
            m.flows = m.flows.map { var f = $0; f.assets = []; return f }
        },
        Loss(name: "element technology, internet-facing and runs-as-root; stores-credentials except on data stores") { m in
            m.elements = m.elements.map { e in
                var e = e
                e.technology = nil; e.internetFacing = nil; e.runsAsRoot = nil
                if e.kind != .datastore || e.storesCredentials == false { e.storesCredentials = nil }
                return e
            }
        },
        Loss(name: "flow authentication, and encrypted: false") { m in
            m.flows = m.flows.map { var f = $0; f.authenticated = nil; if f.encrypted == false { f.encrypted = nil }; return f }
        },
        Loss(name: "likelihood (Threat Dragon rates severity only; it comes back as medium)") { m in
            m.threats = m.threats.map { t in
                var t = t
                t.likelihood = .medium; t.risk = RiskMatrix.risk(likelihood: .medium, impact: t.impact)
                return t
            }
        },
        Loss(name: "threat references, notes and justifications") { m in
            m.threats = m.threats.map { var t = $0; t.references = []; t.note = nil; t.justification = nil; return t }
        },
        Loss(name: "mitigations as objects, with their status, owner, checks, references and notes (Threat Dragon keeps one mitigation text per threat)") { m in
            m.mitigations = []
            m.threats = m.threats.map { var t = $0; t.mitigations = []; return t }
        },
        Loss(name: "threat IDs (Threat Dragon identifies threats by UUID; they come back numbered by STRIDE letter)") { m in
            let order = m.threats.sorted { ($0.title, $0.targets, $0.stride.map(\.rawValue)) < ($1.title, $1.targets, $1.stride.map(\.rawValue)) }
            m.threats = order.enumerated().map { var t = $0.element; t.id = "threat-\($0.offset + 1)"; return t }
        },
        Loss(name: "gaps of a target that, with its threats, leave some categories open; the reasons of a target's gaps are joined") { m in
            // Threat Dragon marks a whole element or flow out of scope: a target's gaps survive when they and
            // its threats cover every category, and come back as the categories its threats leave open.
            let kinds = Dictionary(m.elements.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
            let covered = coveredCategories(m)
            var merged: [ResolvedModel.Gap] = []
            for target in Set(m.gaps.map(\.target)).sorted() {
                let entries = m.gaps.filter { $0.target == target }
                let kind: TargetKind = kinds[target].map { .element($0) } ?? .flow
                let threats = covered[target] ?? []
                guard kind.applicableCategories.isSubset(of: Set(entries.flatMap(\.categories)).union(threats)) else { continue }
                let open = kind.applicableCategories.subtracting(threats).sorted()
                if !open.isEmpty { merged.append(.init(target: target, categories: open, reason: entries.map(\.reason).joined(separator: " "))) }
            }
            m.gaps = merged
        },
    ]
}

private func < (lhs: (String, [String], [String]), rhs: (String, [String], [String])) -> Bool {
    if lhs.0 != rhs.0 { return lhs.0 < rhs.0 }
    if lhs.1 != rhs.1 { return lhs.1.lexicographicallyPrecedes(rhs.1) }
    return lhs.2.lexicographicallyPrecedes(rhs.2)
}
