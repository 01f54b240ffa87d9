import ThreatDocSupport
import ThreatDocModel
/// Bounds that keep hostile files from costing time or memory. Every one is reported, never silently applied.
public struct LoadLimits: Sendable, Equatable {
    /// Largest model file read, in bytes (`--max-file-size`).
    public var maxFileBytes: Int
    /// Largest single scalar, in bytes.
    public var maxScalarBytes: Int
    /// Deepest nesting of lists and mappings. A model needs five levels.
    public var maxDepth: Int

    public static let `default` = LoadLimits(maxFileBytes: 1 << 20, maxScalarBytes: 64 << 10, maxDepth: 16)

    public init(maxFileBytes: Int, maxScalarBytes: Int, maxDepth: Int) {
        self.maxFileBytes = maxFileBytes
        self.maxScalarBytes = maxScalarBytes
        self.maxDepth = maxDepth
    }
}

extension SourceFile {
    /// SHA-256 of the file's bytes as read, in hex: part of every cache key that depends on this file.
    public var digest: String {
        Digest.ofBytes((bomLength == 3 ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8))
    }
}
