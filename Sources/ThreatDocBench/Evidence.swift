import ThreatDocModel
import Foundation

/// What scans say about a mitigation's claim.
public enum EvidenceState: String, Sendable, Codable, CaseIterable {
    /// Every linked check passes on every host that reported it.
    case verified
    /// The status says implemented, but a linked check warns or fails.
    case contradicted
    /// No scan covers the checks, they are manual or informational, or no checks are linked.
    case unverified
    /// The mitigation is not claimed to be done (planned, not started, in progress) and its check fails.
    case failingAsExpected = "failing-as-expected"
}

/// One host's result for one check.
public struct HostResult: Sendable, Codable, Equatable {
    /// The host or node label.
    public var host: String
    /// The scan file.
    public var scan: String
    public var status: ScanStatus
    public var rawStatus: String
    /// The ID the scan used, when it differs from the model's (numbering drift).
    public var scannedAs: String?
}

/// Evidence for one linked check, across hosts.
public struct CheckEvidence: Sendable, Codable, Equatable {
    /// As written in the model, such as `docker:2.14`.
    public var reference: String
    public var catalog: String
    public var id: String
    public var title: String
    public var manual: Bool
    /// The worst result across hosts; nil when no scan reported the check.
    public var status: ScanStatus?
    /// Results per host, sorted by host.
    public var results: [HostResult]
}

public struct MitigationEvidence: Sendable, Codable, Equatable {
    public var state: EvidenceState
    /// Why, in a sentence: "2.14 passes on 2 hosts", "no scan covers docker:2.7".
    public var summary: String
    public var checks: [CheckEvidence]

    /// The evidence of a mitigation when no scan was given.
    public static let noScan = MitigationEvidence(state: .unverified, summary: "no scan was given", checks: [])
}

/// A scan as a report lists it.
public struct ScanSummary: Sendable, Codable, Equatable {
    public var host: String
    public var path: String
    public var tool: CheckReference.Tool
    public var format: String
    public var catalog: String?
    /// The scan's start date (UTC, `YYYY-MM-DD`), when the file records it.
    public var date: String?
    public var pass: Int, fail: Int, warn: Int, manual: Int, info: Int
}

/// A WARN or FAIL result that no mitigation references: a gap in the model.
public struct UncoveredFinding: Sendable, Codable, Equatable {
    public var host: String
    public var scan: String
    public var id: String
    public var title: String
    public var status: ScanStatus
    public var rawStatus: String
}

/// Everything the link stage found for one model.
public struct ModelEvidence: Sendable {
    public var scans: [ScanSummary] = []
    /// Mitigation ID → evidence.
    public var mitigations: [String: MitigationEvidence] = [:]
    /// Finding check reference → evidence for it.
    public var findings: [String: CheckEvidence] = [:]
    public var uncovered: [UncoveredFinding] = []

    public init() {}
}

/// What one benchmark result means for evidence, normalised across tools.
public enum ScanStatus: String, Sendable, Codable, Comparable {
    /// The check is satisfied.
    case pass
    /// The check failed (docker-bench WARN, kube-bench FAIL).
    case fail
    /// kube-bench WARN on an automated check: an unscored test failed or could not run; review it.
    case warn
    /// A manual check (docker-bench NOTE, kube-bench manual WARN): only a person can decide.
    case manual
    /// Informational, skipped or not applicable (INFO).
    case info

    /// How bad a result is when several hosts report the same check: the worst one wins.
    public var severity: Int {
        switch self {
        case .fail: 4
        case .warn: 3
        case .manual: 2
        case .info: 1
        case .pass: 0
        }
    }

    public static func < (lhs: ScanStatus, rhs: ScanStatus) -> Bool { lhs.severity < rhs.severity }

    /// WARN and FAIL: results that say something is wrong.
    public var isFinding: Bool { self == .fail || self == .warn }
}
