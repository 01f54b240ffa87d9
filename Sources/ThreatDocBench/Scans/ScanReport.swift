import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate

/// One check result in a scan.
public struct ScanResult: Sendable, Hashable, Codable {
    public var id: String
    /// The title without its "(Scored)"-style suffix.
    public var title: String
    public var status: ScanStatus
    /// The status as the tool wrote it (`PASS`, `WARN`, `FAIL`, `INFO`, `NOTE`).
    public var rawStatus: String
    /// kube-bench node type of the control the result belongs to; empty for Docker.
    public var nodeType: String
    /// The catalog version the result's numbering follows, when known.
    public var catalogVersion: String?
    public var details: String?
}

/// One scan file, parsed: which tool wrote it, for which host or node, and its results.
public struct ScanReport: Sendable {
    public var path: String
    /// The host or node the scan ran on (from the project file, or the file name).
    public var label: String
    public var tool: CheckReference.Tool
    /// How the file was recognised, for notes: "docker-bench-security 1.6.0 JSON", "kube-bench JSON (bare array)".
    public var format: String
    /// The catalog whose numbering the scan follows, when it could be told.
    public var catalogVersion: String?
    /// When the scan started (Unix time), when the file says.
    public var started: Int?
    public var results: [ScanResult]

    public func counts() -> [ScanStatus: Int] {
        Dictionary(grouping: results, by: \.status).mapValues(\.count)
    }
}
