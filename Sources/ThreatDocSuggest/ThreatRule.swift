import ThreatDocModel

/// A threat rule, read and checked: where it applies, the threat it proposes and the mitigations that
/// answer it. Conditions are typed values compared with the model's typed values; nothing is evaluated
/// from text.
public struct ThreatRule: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var description: String
    public var stride: [StrideCategory]
    public var conditions: Conditions
    public var likelihood: Level
    public var impact: Level
    public var risk: Level { RiskMatrix.risk(likelihood: likelihood, impact: impact) }
    public var rationale: String
    /// CAPEC-n, CWE-n, or https links.
    public var references: [String]
    public var mitigations: [Mitigation]
    /// Proposed only where no other rule proposes the same category for the same target.
    public var fallback: Bool = false
    /// Where the rule comes from: "built-in docker.yaml", or the rule file's path.
    public var source: String
    /// Where its ID is written.
    public var location: SourceLocation

    public struct Mitigation: Sendable, Codable, Equatable {
        public var id: String
        public var title: String
        public var description: String?
        public var checks: [String]
    }

    /// Every condition given must hold; nil or empty is not looked at.
    public struct Conditions: Sendable, Codable, Equatable {
        public var types: [RuleTargetType]
        public var benchmarks: [CheckReference.Tool] = []
        public var technology: [String] = []
        public var sensitivity: Level? = nil
        public var neighbours: [ElementKind] = []
        public var internetFacing: Bool? = nil
        public var runsAsRoot: Bool? = nil
        public var storesCredentials: Bool? = nil
        public var from: [ElementKind] = []
        public var to: [ElementKind] = []
        public var protocols: [String] = []
        public var crossesBoundary: Bool? = nil
        public var encrypted: Bool? = nil
        public var authenticated: Bool? = nil
        public var fromTechnology: [String] = []
        public var toTechnology: [String] = []
        /// Attributes that, written `true`, answer the threat.
        public var unless: [RuleAttribute] = []
    }

    /// A reference as a link a model accepts: CAPEC and CWE IDs become MITRE's pages.
    public static func link(_ reference: String) -> String {
        let upper = reference.uppercased()
        if upper.hasPrefix("CAPEC-"), let number = Int(upper.dropFirst(6)) {
            return "https://capec.mitre.org/data/definitions/\(number).html"
        }
        if upper.hasPrefix("CWE-"), let number = Int(upper.dropFirst(4)) {
            return "https://cwe.mitre.org/data/definitions/\(number).html"
        }
        return reference
    }
}
