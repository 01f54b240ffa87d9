import Foundation

/// A threat model after validation: references resolved, risk computed, every list sorted by ID.
/// Renderers consume only this type; it carries no YAML and no source positions beyond the file path.
public struct ResolvedModel: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var summary: String?
    public var owner: String?
    public var reviewed: String?
    public var formatVersion: Int
    /// The model file, as a path relative to where threatdoc ran.
    public var sourcePath: String
    public var benchmarks: [String: String]
    public var assets: [Asset]
    public var boundaries: [Boundary]
    public var elements: [Element]
    public var flows: [Flow]
    public var threats: [Threat]
    public var mitigations: [Mitigation]
    public var findings: [Finding]
    public var coverage: [CoverageEntry]
    /// The scans that gave evidence, sorted by host.
    public var scans: [ScanSummary]
    /// WARN and FAIL scan results that no mitigation references.
    public var uncoveredFindings: [UncoveredFinding]

    public struct Asset: Sendable, Codable, Equatable {
        public var id: String, name: String, description: String?
        public var sensitivity: Level

        public init(id: String, name: String, description: String? = nil, sensitivity: Level) {
            self.id = id
            self.name = name
            self.description = description
            self.sensitivity = sensitivity
        }
    }

    public struct Boundary: Sendable, Codable, Equatable {
        public var id: String, name: String, description: String?
        public var parent: String?

        public init(id: String, name: String, description: String? = nil, parent: String? = nil) {
            self.id = id
            self.name = name
            self.description = description
            self.parent = parent
        }
    }

    public struct Element: Sendable, Codable, Equatable {
        public var id: String, kind: ElementKind, name: String
        public var description: String?, technology: String?, boundary: String?
        public var assets: [String]

        public init(id: String, kind: ElementKind, name: String, description: String? = nil, technology: String? = nil, boundary: String? = nil, assets: [String]) {
            self.id = id
            self.kind = kind
            self.name = name
            self.description = description
            self.technology = technology
            self.boundary = boundary
            self.assets = assets
        }
    }

    public struct Flow: Sendable, Codable, Equatable {
        public var id: String, from: String, to: String
        public var label: String?, protocolName: String?, description: String?
        public var assets: [String]

        public init(id: String, from: String, to: String, label: String? = nil, protocolName: String? = nil, description: String? = nil, assets: [String]) {
            self.id = id
            self.from = from
            self.to = to
            self.label = label
            self.protocolName = protocolName
            self.description = description
            self.assets = assets
        }
    }

    public struct Threat: Sendable, Codable, Equatable {
        public var id: String, title: String
        public var stride: [StrideCategory]
        public var targets: [String]
        public var description: String?
        public var likelihood: Level, impact: Level, risk: Level
        public var response: ThreatResponse
        public var justification: String?
        public var mitigations: [String]
        public var note: String?
        public var references: [String]
        /// True when a scan contradicts one of its mitigations.
        public var contradicted: Bool

        public init(id: String, title: String, stride: [StrideCategory], targets: [String], description: String? = nil, likelihood: Level, impact: Level, risk: Level, response: ThreatResponse, justification: String? = nil, mitigations: [String], note: String? = nil, references: [String], contradicted: Bool) {
            self.id = id
            self.title = title
            self.stride = stride
            self.targets = targets
            self.description = description
            self.likelihood = likelihood
            self.impact = impact
            self.risk = risk
            self.response = response
            self.justification = justification
            self.mitigations = mitigations
            self.note = note
            self.references = references
            self.contradicted = contradicted
        }
    }

    public struct Mitigation: Sendable, Codable, Equatable {
        public var id: String, title: String, description: String?
        public var status: MitigationStatus
        public var owner: String?
        public var checks: [String]
        /// The threats this mitigation answers, sorted.
        public var threats: [String]
        public var note: String?
        public var references: [String]
        public var evidence: MitigationEvidence

        public init(id: String, title: String, description: String? = nil, status: MitigationStatus, owner: String? = nil, checks: [String], threats: [String], note: String? = nil, references: [String], evidence: MitigationEvidence) {
            self.id = id
            self.title = title
            self.description = description
            self.status = status
            self.owner = owner
            self.checks = checks
            self.threats = threats
            self.note = note
            self.references = references
            self.evidence = evidence
        }
    }

    public struct Finding: Sendable, Codable, Equatable {
        public var check: String, title: String?
        public var issue: String?, recommendation: String?
        public var threats: [String]
        public var note: String?
        /// Scan results for the finding's check, when scans were given.
        public var evidence: CheckEvidence?

        public init(check: String, title: String? = nil, issue: String? = nil, recommendation: String? = nil, threats: [String], note: String? = nil, evidence: CheckEvidence? = nil) {
            self.check = check
            self.title = title
            self.issue = issue
            self.recommendation = recommendation
            self.threats = threats
            self.note = note
            self.evidence = evidence
        }
    }

    public struct CoverageEntry: Sendable, Codable, Equatable {
        public var target: String
        public var applicable: [StrideCategory]
        public var covered: [StrideCategory]
        public var acknowledged: [Acknowledgement]
        public var open: [StrideCategory]

        public init(target: String, applicable: [StrideCategory], covered: [StrideCategory], acknowledged: [Acknowledgement], open: [StrideCategory]) {
            self.target = target
            self.applicable = applicable
            self.covered = covered
            self.acknowledged = acknowledged
            self.open = open
        }
    }

    public struct Acknowledgement: Sendable, Codable, Equatable {
        public var category: StrideCategory
        public var reason: String

        public init(category: StrideCategory, reason: String) {
            self.category = category
            self.reason = reason
        }
    }

    public init(id: String, title: String, summary: String? = nil, owner: String? = nil, reviewed: String? = nil, formatVersion: Int, sourcePath: String, benchmarks: [String: String], assets: [Asset], boundaries: [Boundary], elements: [Element], flows: [Flow], threats: [Threat], mitigations: [Mitigation], findings: [Finding], coverage: [CoverageEntry], scans: [ScanSummary], uncoveredFindings: [UncoveredFinding]) {
        self.id = id
        self.title = title
        self.summary = summary
        self.owner = owner
        self.reviewed = reviewed
        self.formatVersion = formatVersion
        self.sourcePath = sourcePath
        self.benchmarks = benchmarks
        self.assets = assets
        self.boundaries = boundaries
        self.elements = elements
        self.flows = flows
        self.threats = threats
        self.mitigations = mitigations
        self.findings = findings
        self.coverage = coverage
        self.scans = scans
        self.uncoveredFindings = uncoveredFindings
    }
}

