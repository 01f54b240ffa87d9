import ThreatDocModel
import ThreatDocBench
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
    public init(id: String, title: String, summary: String?, owner: String?, reviewed: String?, formatVersion: Int, sourcePath: String,
                benchmarks: [String: String], assets: [Asset], boundaries: [Boundary], elements: [Element], flows: [Flow],
                threats: [Threat], mitigations: [Mitigation], findings: [Finding], coverage: [CoverageEntry], scans: [ScanSummary],
                uncoveredFindings: [UncoveredFinding], gaps: [Gap] = [], source: SourceReference? = nil) {
        self.id = id; self.title = title; self.summary = summary; self.owner = owner; self.reviewed = reviewed
        self.formatVersion = formatVersion; self.sourcePath = sourcePath; self.benchmarks = benchmarks; self.assets = assets
        self.boundaries = boundaries; self.elements = elements; self.flows = flows; self.threats = threats
        self.mitigations = mitigations; self.findings = findings; self.coverage = coverage; self.scans = scans
        self.uncoveredFindings = uncoveredFindings; self.gaps = gaps; self.source = source
    }

    /// The `gaps:` entries as written, in file order: each target's acknowledged categories and reason.
    public var gaps: [Gap] = []
    /// Where an imported model came from (`source:`); nil for a model written here.
    public var source: SourceReference? = nil

    /// The other tool's format and the object's ID there, as `threatdoc import` recorded them.
    public struct SourceReference: Sendable, Codable, Equatable {
        public var format: InteropFormat
        public var id: String
        public init(format: InteropFormat, id: String) { self.format = format; self.id = id }
    }

    public struct Gap: Sendable, Codable, Equatable {
        public init(target: String, categories: [StrideCategory], reason: String) {
            self.target = target; self.categories = categories; self.reason = reason
        }
        public var target: String
        public var categories: [StrideCategory]
        public var reason: String
    }

    public struct Asset: Sendable, Codable, Equatable {
        public init(id: String, name: String, description: String?, sensitivity: Level, source: SourceReference? = nil) {
            self.id = id; self.name = name; self.description = description; self.sensitivity = sensitivity; self.source = source
        }
        public var id: String, name: String, description: String?
        public var sensitivity: Level
        public var source: SourceReference? = nil
    }

    public struct Boundary: Sendable, Codable, Equatable {
        public init(id: String, name: String, description: String?, parent: String?, source: SourceReference? = nil) {
            self.id = id; self.name = name; self.description = description; self.parent = parent; self.source = source
        }
        public var id: String, name: String, description: String?
        public var parent: String?
        public var source: SourceReference? = nil
    }

    public struct Element: Sendable, Codable, Equatable {
        public init(id: String, kind: ElementKind, name: String, description: String?, technology: String?, boundary: String?,
                    assets: [String], internetFacing: Bool? = nil, runsAsRoot: Bool? = nil, storesCredentials: Bool? = nil,
                    source: SourceReference? = nil) {
            self.id = id; self.kind = kind; self.name = name; self.description = description; self.technology = technology
            self.boundary = boundary; self.assets = assets; self.internetFacing = internetFacing; self.runsAsRoot = runsAsRoot
            self.storesCredentials = storesCredentials; self.source = source
        }
        public var id: String, kind: ElementKind, name: String
        public var description: String?, technology: String?, boundary: String?
        public var assets: [String]
        /// Attributes threat rules use; nil when the model does not say.
        public var internetFacing: Bool? = nil, runsAsRoot: Bool? = nil, storesCredentials: Bool? = nil
        public var source: SourceReference? = nil
    }

    public struct Flow: Sendable, Codable, Equatable {
        public init(id: String, from: String, to: String, label: String?, protocolName: String?, description: String?,
                    assets: [String], authenticated: Bool? = nil, encrypted: Bool? = nil, source: SourceReference? = nil) {
            self.id = id; self.from = from; self.to = to; self.label = label; self.protocolName = protocolName
            self.description = description; self.assets = assets; self.authenticated = authenticated; self.encrypted = encrypted
            self.source = source
        }
        public var id: String, from: String, to: String
        public var label: String?, protocolName: String?, description: String?
        public var assets: [String]
        public var authenticated: Bool? = nil, encrypted: Bool? = nil
        public var source: SourceReference? = nil
    }

    public struct Threat: Sendable, Codable, Equatable {
        public init(id: String, title: String, stride: [StrideCategory], targets: [String], description: String?,
                    likelihood: Level, impact: Level, risk: Level, response: ThreatResponse, justification: String?,
                    mitigations: [String], note: String?, references: [String], contradicted: Bool, rule: String? = nil,
                    source: SourceReference? = nil) {
            self.id = id; self.title = title; self.stride = stride; self.targets = targets; self.description = description
            self.likelihood = likelihood; self.impact = impact; self.risk = risk; self.response = response
            self.justification = justification; self.mitigations = mitigations; self.note = note; self.references = references
            self.contradicted = contradicted; self.rule = rule; self.source = source
        }
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
        /// The threat rule that proposed it.
        public var rule: String? = nil
        public var source: SourceReference? = nil
    }

    public struct Mitigation: Sendable, Codable, Equatable {
        public init(id: String, title: String, description: String?, status: MitigationStatus, owner: String?, checks: [String],
                    threats: [String], note: String?, references: [String], evidence: MitigationEvidence, source: SourceReference? = nil) {
            self.id = id; self.title = title; self.description = description; self.status = status; self.owner = owner
            self.checks = checks; self.threats = threats; self.note = note; self.references = references; self.evidence = evidence
            self.source = source
        }
        public var id: String, title: String, description: String?
        public var status: MitigationStatus
        public var owner: String?
        public var checks: [String]
        /// The threats this mitigation answers, sorted.
        public var threats: [String]
        public var note: String?
        public var references: [String]
        public var evidence: MitigationEvidence
        public var source: SourceReference? = nil
    }

    public struct Finding: Sendable, Codable, Equatable {
        public var check: String, title: String?
        public var issue: String?, recommendation: String?
        public var threats: [String]
        public var note: String?
        /// Scan results for the finding's check, when scans were given.
        public var evidence: CheckEvidence?
    }

    public struct CoverageEntry: Sendable, Codable, Equatable {
        public var target: String
        public var applicable: [StrideCategory]
        public var covered: [StrideCategory]
        public var acknowledged: [Acknowledgement]
        public var open: [StrideCategory]
        /// How many threats the rules suggest for its open categories (`threatdoc suggest`).
        public var suggestions: Int = 0
    }

    public struct Acknowledgement: Sendable, Codable, Equatable {
        public var category: StrideCategory
        public var reason: String
    }
}

