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
    /// The `gaps:` entries as written, in file order: each target's acknowledged categories and reason.
    public var gaps: [Gap] = []

    public struct Gap: Sendable, Codable, Equatable {
        public var target: String
        public var categories: [StrideCategory]
        public var reason: String
    }

    public struct Asset: Sendable, Codable, Equatable {
        public var id: String, name: String, description: String?
        public var sensitivity: Level
    }

    public struct Boundary: Sendable, Codable, Equatable {
        public var id: String, name: String, description: String?
        public var parent: String?
    }

    public struct Element: Sendable, Codable, Equatable {
        public var id: String, kind: ElementKind, name: String
        public var description: String?, technology: String?, boundary: String?
        public var assets: [String]
        /// Attributes threat rules use; nil when the model does not say.
        public var internetFacing: Bool? = nil, runsAsRoot: Bool? = nil, storesCredentials: Bool? = nil
    }

    public struct Flow: Sendable, Codable, Equatable {
        public var id: String, from: String, to: String
        public var label: String?, protocolName: String?, description: String?
        public var assets: [String]
        public var authenticated: Bool? = nil, encrypted: Bool? = nil
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
        /// The threat rule that proposed it.
        public var rule: String? = nil
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

