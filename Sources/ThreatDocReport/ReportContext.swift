import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
/// The template context for one model's report: a stable, documented view model.
///
/// Every count, sort and decision happens while building it (`ReportContextBuilder`), so templates
/// only place values. Strings are raw: each output format escapes them for its own context (the
/// Markdown templates escape every `{{name}}`; `{{{name}}}` is used only for CommonMark prose and the
/// generated diagram). `threatdoc render --dump-context MODEL` prints it as JSON. Property names are
/// the names templates use; renaming one is a breaking change.
public struct ModelReport: Codable, Sendable, Equatable {
    public var generator: String
    /// The report's file name, such as `docker.md`.
    public var file: String
    public var model: ModelInfo
    public var scans: [ScanInfo]
    public var hasScans: Bool
    public var glance: Glance
    /// The data-flow diagram as Mermaid `flowchart` source, labels already escaped for Mermaid; for a
    /// large model, the boundary overview.
    public var mermaid: String
    /// What a large model's overview shows; nil when `mermaid` draws every element.
    public var mermaidNote: String?
    /// A large model's parts, each drawing some of its boundaries in detail (as on the HTML site).
    public var mermaidParts: [MermaidPart]
    public var boundaries: [BoundaryRow]
    public var assets: [AssetRow]
    public var elements: [ElementRow]
    public var flows: [FlowRow]
    public var strideMatrix: StrideMatrix
    public var coverage: CoverageInfo
    /// Every threat once, in one table: highest risk first, then likelihood, then ID.
    public var register: [ThreatItem]
    public var threatGroups: [ThreatGroup]
    public var mitigations: [MitigationItem]
    public var findings: [FindingItem]
    public var hasFindings: Bool
    public var uncovered: [UncoveredGroup]
    public var hasUncovered: Bool
    /// Every benchmark check the model links, once, with its results and the mitigations that link it.
    public var checks: [CheckSummary]
    public var hasChecks: Bool
}

public struct MermaidPart: Codable, Sendable, Equatable {
    /// "Part 2 of 9: Payments, Ledger and Audit"
    public var title: String
    public var mermaid: String

    public init(title: String, mermaid: String) {
        self.title = title
        self.mermaid = mermaid
    }
}

public struct CheckSummary: Codable, Sendable, Equatable {
    public var reference: String
    public var anchor: String
    public var catalog: String
    public var title: String
    public var manual: Bool
    public var status: String
    public var hostSummary: String
    public var mitigations: [ReportLink]
    public var finding: ReportLink?
}

/// A reference to something with an anchor in the same report: `[id](#anchor)`.
public struct ReportLink: Codable, Sendable, Equatable {
    public var id: String
    public var anchor: String
    /// The thing's title or name, for link text or tooltips.
    public var title: String
}

public struct Tally: Codable, Sendable, Equatable {
    public var key: String
    public var label: String
    public var count: Int
}

public struct ModelInfo: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var owner: String?
    public var reviewed: String?
    public var formatVersion: Int
    /// The model file as written, relative to where threatdoc ran.
    public var source: String
    /// The model file relative to the report, for a link; nil when no relative path exists.
    public var sourceLink: String?
    /// CommonMark, as written.
    public var summary: String?
    /// The summary as safe HTML (libcmark, safe mode), for the HTML site.
    public var summaryHTML: String?
}

public struct ScanInfo: Codable, Sendable, Equatable {
    public var host: String
    public var file: String
    public var tool: String
    public var format: String
    public var catalog: String
    public var date: String?
    public var pass: Int, fail: Int, warn: Int, manual: Int, info: Int
}

public struct Glance: Codable, Sendable, Equatable {
    public var threatCount: Int
    public var mitigationCount: Int
    public var elementCount: Int
    public var flowCount: Int
    public var assetCount: Int
    /// critical, high, medium, low: always all four, in that order.
    public var threatsByRisk: [Tally]
    public var threatsByResponse: [Tally]
    public var mitigationsByStatus: [Tally]
    public var mitigationsByEvidence: [Tally]
    /// What to act on first, ranked: contradicted evidence, then threats without a mitigation or without an
    /// implemented one (highest risk first), then scan findings no mitigation covers. Coverage gaps are
    /// counted in `openCoverage` instead, so that many of them cannot bury one threat.
    public var openItems: [OpenItem]
    public var hasOpenItems: Bool
    /// Open STRIDE categories (no threat, no acknowledged gap), counted; the matrix lists them.
    public var openCoverage: OpenCoverage
}

/// Something a reader should act on: a contradicted mitigation, an unaddressed threat, uncovered findings.
public struct OpenItem: Codable, Sendable, Equatable {
    public var kind: String
    public var link: ReportLink?
    public var detail: String
    /// The threat's risk level, when the item is a threat.
    public var risk: String?
}

public struct OpenCoverage: Codable, Sendable, Equatable {
    /// Open categories, over all elements and flows.
    public var categories: Int
    /// Elements and flows with at least one open category.
    public var targets: Int
    public var hasAny: Bool
    /// Threats the threat rules suggest for them (`threatdoc suggest`): a count, never the threats.
    public var suggestions: Int
    /// "3 open STRIDE categories on 2 elements and flows; threatdoc suggest proposes 4 threats for them".
    public var summary: String
}

public struct BoundaryRow: Codable, Sendable, Equatable {
    public var id: String
    public var anchor: String
    public var name: String
    public var parent: ReportLink?
    public var description: String?
}

public struct AssetRow: Codable, Sendable, Equatable {
    public var id: String
    public var anchor: String
    public var name: String
    public var sensitivity: String
    public var description: String?
    /// Elements and flows that hold or carry it.
    public var usedBy: [ReportLink]
}

public struct ElementRow: Codable, Sendable, Equatable {
    public var id: String
    public var anchor: String
    public var name: String
    /// "external entity", "process", "data store".
    public var kind: String
    public var boundary: ReportLink?
    public var technology: String?
    public var description: String?
    public var assets: [ReportLink]
    public var threats: [ReportLink]
}

public struct FlowRow: Codable, Sendable, Equatable {
    public var id: String
    public var anchor: String
    public var from: ReportLink
    public var to: ReportLink
    public var label: String?
    public var protocolName: String?
    public var description: String?
    public var assets: [ReportLink]
    public var threats: [ReportLink]
}

public struct StrideMatrix: Codable, Sendable, Equatable {
    public struct Column: Codable, Sendable, Equatable {
        public var letter: String
        public var title: String
    }

    public struct Cell: Codable, Sendable, Equatable {
        /// `covered`, `gap`, `acknowledged` or `not-applicable`.
        public var state: String
        /// Threats that cover this category for this target.
        public var count: Int
        /// What the Markdown table shows: the count, or a mark for the state.
        public var mark: String
        /// The cell's shade: `h1` to `h4` by count when covered, otherwise the state.
        public var heat: String
    }

    public struct Row: Codable, Sendable, Equatable {
        public var target: ReportLink
        public var kind: String
        public var cells: [Cell]
    }

    public var columns: [Column]
    public var rows: [Row]
}

public struct CoverageInfo: Codable, Sendable, Equatable {
    public var applicable: Int
    public var covered: Int
    public var acknowledged: Int
    public var open: Int
    public var percent: Int
    public var gaps: [GapRow]
    public var hasGaps: Bool
}

/// An acknowledged gap: one `gaps:` entry, with every category it names.
public struct GapRow: Codable, Sendable, Equatable {
    public var target: ReportLink
    /// "Repudiation, Denial of service", in STRIDE order.
    public var categories: String
    public var reason: String
}

public struct ThreatGroup: Codable, Sendable, Equatable {
    public var letter: String
    public var title: String
    public var anchor: String
    /// Threats whose first STRIDE category this is; each threat is described once.
    public var threats: [ThreatItem]
    /// Threats described under another category that also bear on this one.
    public var alsoRelevant: [ReportLink]
    public var hasAlsoRelevant: Bool
    public var isEmpty: Bool
}

public struct ThreatItem: Codable, Sendable, Equatable {
    public var id: String
    public var anchor: String
    public var title: String
    /// "S, T".
    public var stride: String
    public var risk: String
    public var likelihood: String
    public var impact: String
    public var response: String
    public var justification: String?
    public var description: String?
    public var descriptionHTML: String?
    public var note: String?
    public var targets: [ReportLink]
    public var mitigations: [MitigationRef]
    public var hasMitigations: Bool
    /// A scan contradicts one of its mitigations.
    public var contradicted: Bool
    /// The weakest evidence among its mitigations (contradicted, failing-as-expected, unverified, verified),
    /// or `none` without mitigations.
    public var evidence: String
    public var references: [String]
}

public struct MitigationRef: Codable, Sendable, Equatable {
    public var link: ReportLink
    public var status: String
    public var evidence: String
}

public struct MitigationItem: Codable, Sendable, Equatable {
    public var id: String
    public var anchor: String
    public var title: String
    public var status: String
    public var owner: String?
    public var description: String?
    public var descriptionHTML: String?
    public var note: String?
    public var evidence: String
    public var evidenceSummary: String
    public var checks: [CheckItem]
    public var hasChecks: Bool
    public var threats: [ReportLink]
    public var references: [String]
    public var hasReferences: Bool
}

public struct CheckItem: Codable, Sendable, Equatable {
    /// As written: `docker:2.14`.
    public var reference: String
    /// The check's anchor in the report's list of checks.
    public var anchor: String
    public var catalog: String
    public var title: String
    public var manual: Bool
    /// The aggregate over hosts: `pass`, `fail`, `warn`, `manual`, `info`, or `not scanned`.
    public var status: String
    /// One line per host, such as "docker-host-a: PASS".
    public var results: [HostLine]
    /// True when hosts disagree, so the per-host lines are worth showing.
    public var hostsDiffer: Bool
    /// The results in words: "PASS on docker-host-a, docker-host-b", or per host when they differ.
    public var hostSummary: String
    /// The finding recorded for this check, if any.
    public var finding: ReportLink?
}

public struct HostLine: Codable, Sendable, Equatable {
    public var host: String
    public var status: String
    /// The scan's own ID when its numbering differs.
    public var scannedAs: String?
}

public struct FindingItem: Codable, Sendable, Equatable {
    public var check: String
    public var anchor: String
    public var title: String?
    public var issue: String?
    public var recommendation: String?
    public var note: String?
    public var threats: [ReportLink]
    /// Mitigations that link the same check.
    public var mitigations: [ReportLink]
    public var status: String
    public var results: [HostLine]
    public var hasResults: Bool
    public var hostSummary: String
}

public struct UncoveredGroup: Codable, Sendable, Equatable {
    public var host: String
    public var file: String
    public var items: [UncoveredItem]
}

public struct UncoveredItem: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var status: String
}

/// The template context of the index page.
public struct IndexReport: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var file: String
        public var owner: String?
        public var reviewed: String?
        public var threats: Int
        public var criticalOrHigh: Int
        public var mitigations: Int
        public var contradicted: Int
        public var coveragePercent: Int
        /// Threats by risk: critical, high, medium, low.
        public var risks: [Tally]
    }

    public var generator: String
    public var models: [Entry]
    public var modelCount: Int
    public var threatCount: Int
    public var mitigationCount: Int
    /// "2 models, 21 threats, 23 mitigations", with each noun in the singular for one.
    public var summary: String
}
