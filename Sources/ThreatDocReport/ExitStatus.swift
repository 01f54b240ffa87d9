import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
/// The documented exit codes.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// Errors found, or warnings with `--strict`.
    public static let findings: Int32 = 1
    /// Bad usage, or a file or folder that could not be read.
    public static let failure: Int32 = 2

    public static func `for`(_ outcome: Pipeline.Outcome, strict: Bool) -> Int32 {
        if outcome.diagnostics.contains(where: { $0.code == .ioError }) { return failure }
        if outcome.hasErrors { return findings }
        if strict && outcome.diagnostics.contains(where: { $0.severity == .warning }) { return findings }
        return success
    }
}

