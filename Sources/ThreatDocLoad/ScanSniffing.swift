import ThreatDocModel
import ThreatDocSupport
import Foundation

/// Whether a JSON file in a models folder is a scan report (evidence, not a model): the loader skips
/// it, and the scan reader uses the same test.
public enum ScanSniffing {
    public static func looksLikeReport(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let trimmed = head.drop { $0.isWhitespace }
        return trimmed.hasPrefix("[") || ["\"dockerbenchsecurity\"", "\"Controls\"", "\"SummaryControls\"",
                                          "\"ClusterComplianceReport\"", "\"RelatedResources\""].contains { head.contains($0) }
    }

}
