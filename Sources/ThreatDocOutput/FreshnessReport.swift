import ThreatDocModel
import ThreatDocSupport
import Foundation
/// Whether the committed output is what rendering would write now.
public struct FreshnessReport: Sendable, Equatable {
    /// Files whose content differs.
    public var stale: [String] = []
    /// Files rendering would write that are not there.
    public var missing: [String] = []
    /// Files there that rendering would not write.
    public var extra: [String] = []

    public init() {}

    public var isFresh: Bool { stale.isEmpty && missing.isEmpty && extra.isEmpty }

    public var all: [String] { (stale + missing + extra).sorted() }

    /// Compares `expected` (relative path → content, without the manifest) with the files under
    /// `directory`. The manifest is compared too; files it does not list are the user's and ignored.
    /// With `pagesOf`, only those models' own pages are compared (a check of some models of a project):
    /// the index, the stylesheet, the manifest and the other models' pages are not this run's to judge.
    public static func compare(expected files: [String: String], directory: String, pagesOf models: Set<String>? = nil) -> FreshnessReport {
        var report = FreshnessReport()
        var expected = files
        if let models {
            expected = files.filter { models.contains(SiteBuilder.modelID(ofPage: $0.key) ?? "") }
            for path in expected.keys.sorted() {
                guard let data = FileManager.default.contents(atPath: directory + "/" + path) else {
                    report.missing.append(path)
                    continue
                }
                if data != Data(expected[path]!.utf8) { report.stale.append(path) }
            }
            return report
        }
        expected[OutputWriter.marker] = OutputWriter.manifestText(for: files.keys)
        let present = Set(OutputTree.files(in: directory))
        let onDisk = (OutputWriter.ownedFiles(in: directory).map { $0.union([OutputWriter.marker]) } ?? present).intersection(present)
        for (path, content) in expected.sorted(by: { $0.key < $1.key }) {
            guard present.contains(path) else {
                report.missing.append(path)
                continue
            }
            let data = FileManager.default.contents(atPath: directory + "/" + path) ?? Data()
            if data != Data(content.utf8) { report.stale.append(path) }
        }
        report.extra = onDisk.subtracting(expected.keys).sorted()
        return report
    }
}
