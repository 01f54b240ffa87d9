import Foundation
import XCTest
@testable import ThreatDocKit
@testable import ThreatDocValidate
@testable import ThreatDocBench
@testable import ThreatDocReport
@testable import ThreatDocRender
@testable import ThreatDocOutput
@testable import ThreatDocModel
@testable import ThreatDocSupport
@testable import ThreatDocLoad

/// Nothing overwritten, nothing leaked: model IDs that would replace threatdoc's own files or cannot
/// be checked out on Windows, links out of the models folder, files that are not scans, and file
/// names that would forge lines in a CI log.
final class NameSafetyTests: ProjectTestCase {
    func model(id: String) -> String {
        minimalModel().replacingOccurrences(of: "\nid: demo\n", with: "\nid: \(id)\n")
    }

    func testReservedAndWindowsUnsafeModelIDsAreLocatedErrors() {
        for id in ["README", "readme", "Index", "index", "threatdoc", "ThreatDoc", "CON", "con", "con.backup", "Nul", "PRN",
                   "aux.prod", "COM1", "com9", "LPT1", "lpt0.x", "COM0"] {
            let diagnostics = TestSupport.diagnose(model(id: id))
            XCTAssertEqual(diagnostics.positions(.reservedModelID), ["2:5"], "\(id): \(diagnostics.codes())")
            XCTAssertTrue(diagnostics.with(.reservedModelID).first?.message.contains("'\(id)'") ?? false, id)
        }
        for id in ["console", "com10", "indexer", "readme-service", "auxiliary", "nullable", "lpt", "threatdoc-site"] {
            XCTAssertEqual(TestSupport.diagnose(model(id: id)).with(.reservedModelID), [], id)
        }
    }

    func testALinkOutOfTheModelsFolderIsReportedAndNotRead() throws {
        let secret = root.appendingPathComponent("secret.yaml")
        try "threatdoc: 1\nid: leaked\ntitle: TOP-SECRET-TOKEN-4711\nbogus: [\n".write(to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("models/evil.yaml").path, withDestinationPath: secret.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("models/relative.yaml").path, withDestinationPath: "../secret.yaml")
        try model(id: "inside").write(to: root.appendingPathComponent("models/real.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("models/alias.yaml").path, withDestinationPath: "real.yaml")
        for format in ["text", "json"] {
            let run = try TestSupport.run(["validate", "--no-project", "--format", format, "models"], in: root)
            XCTAssertEqual(run.status, 1)
            XCTAssertFalse((run.stdout + run.stderr).contains("TOP-SECRET"), run.stdout)
            XCTAssertFalse((run.stdout + run.stderr).contains("leaked"), run.stdout)
            XCTAssertTrue(run.stdout.contains("TD114"), run.stdout)
        }
        let text = try TestSupport.run(["validate", "--no-project", "models"], in: root).stdout
        XCTAssertTrue(text.contains("models/evil.yaml:1:1: error[TD114]"), text)
        XCTAssertTrue(text.contains("models/relative.yaml:1:1: error[TD114]"), text)
        // A link that stays inside the folder is read like the file it names (so the ID is a duplicate).
        XCTAssertTrue(text.contains("error[TD302]"), text)
    }

    /// The project file can be edited by a pull request: the model paths it names stay inside the
    /// project's folder; a link to a folder outside a models folder is reported too.
    func testTheProjectFileCannotReachOutsideTheProject() throws {
        let project = root.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("models"), withIntermediateDirectories: true)
        let secret = root.appendingPathComponent("shadow")
        try "root:TOP-SECRET-HASH:19000:0:99999:7:::\n".write(to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent("models/shadow.yaml").path, withDestinationPath: secret.path)
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent("models/elsewhere").path, withDestinationPath: root.path)
        for listed in ["models/shadow.yaml", secret.path, "../shadow"] {
            try "models: [\(listed)]\n".write(to: project.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
            let run = try TestSupport.run(["validate"], in: project)
            XCTAssertFalse((run.stdout + run.stderr).contains("TOP-SECRET"), "\(listed): \(run.stdout)")
            XCTAssertTrue(run.stdout.contains("error[TD114]"), "\(listed): \(run.stdout)")
        }
        try "models: [models]\n".write(to: project.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
        let folder = try TestSupport.run(["validate"], in: project)
        XCTAssertTrue(folder.stdout.contains("models/elsewhere:1:1: error[TD114]: not read: this is a symbolic link to a folder outside"), folder.stdout)
        XCTAssertFalse(folder.stdout.contains("TOP-SECRET"), folder.stdout)
    }

    func testAScanThatIsNotJSONIsNeverQuoted() throws {
        try model(id: "demo").write(to: root.appendingPathComponent("models/a.yaml"), atomically: true, encoding: .utf8)
        try "root:x:0:0:TOP-SECRET-TOKEN:/root:/bin/bash\n".write(to: root.appendingPathComponent("passwd"), atomically: true, encoding: .utf8)
        try "{\"a\": TOP-SECRET-TOKEN}\n".write(to: root.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        for scan in ["passwd", "broken.json"] {
            let run = try TestSupport.run(["validate", "--no-project", "--scan", scan, "models"], in: root)
            XCTAssertTrue(run.stdout.contains("\(scan):1:"), run.stdout)
            XCTAssertTrue(run.stdout.contains("error[TD410]"), run.stdout)
            XCTAssertFalse(run.stdout.contains("TOP-SECRET"), run.stdout)
        }
    }

    /// A file name with a newline cannot start a `::warning` line, which GitHub Actions would run as a
    /// command; ESC and bidirectional controls are shown, not obeyed.
    func testTextOutputEscapesControlCharactersInPathsAndMessages() throws {
        let name = "a\n::warning file=x::forged\u{1B}[31m\u{202E}.yaml"
        try (model(id: "demo") + "bogus: 1\n").write(to: root.appendingPathComponent("models").appendingPathComponent(name),
                                                     atomically: true, encoding: .utf8)
        let run = try TestSupport.run(["validate", "--no-project", "--color", "never", "models"], in: root)
        XCTAssertEqual(run.status, 1)
        for line in (run.stdout + run.stderr).split(separator: "\n") {
            XCTAssertFalse(line.hasPrefix("::"), "a forged workflow command: \(line)")
        }
        XCTAssertFalse(run.stdout.contains("\u{1B}") || run.stdout.contains("\u{202E}"), run.stdout)
        XCTAssertTrue(run.stdout.contains("models/a<U+000A>::warning file=x::forged<U+001B>[31m<U+202E>.yaml:16:1: error[TD201]"), run.stdout)

        let github = try TestSupport.run(["check", "--no-project", "--format", "github", "--no-output-check", "models"], in: root,
                                         environment: ["GITHUB_STEP_SUMMARY": root.appendingPathComponent("summary.md").path])
        for line in github.stdout.split(separator: "\n") where line.hasPrefix("::") {
            XCTAssertTrue(line.hasPrefix("::error ") || line.hasPrefix("::warning ") || line.hasPrefix("::notice "), String(line))
            XCTAssertFalse(line.contains("\u{1B}") || line.contains("\u{202E}"), String(line))
        }
        XCTAssertFalse(github.stdout.contains("\n::warning file=x::forged"), github.stdout)
    }

    func testTerminalTextEscapesWhatATerminalWouldObey() {
        XCTAssertEqual(TerminalText.escape("plain/path.yaml"), "plain/path.yaml")
        XCTAssertEqual(TerminalText.escape("a\nb\rc\u{1B}d\u{7F}e\u{85}f\u{2028}g\u{2066}h\u{200F}i\tj"),
                       "a<U+000A>b<U+000D>c<U+001B>d<U+007F>e<U+0085>f<U+2028>g<U+2066>h<U+200F>i<U+0009>j")
        XCTAssertEqual(TerminalText.escape("x\ty", keepingTabs: true), "x\ty")
        XCTAssertEqual(TerminalText.escape("café 😈"), "café 😈")
    }

    /// `diff git:REF` unpacks into the system temp folder; a killed diff's folder is removed by the
    /// next one, and nothing else is.
    func testAKilledDiffsTemporaryFolderIsRemovedByTheNext() throws {
        let temporary = FileManager.default.temporaryDirectory
        let dead = temporary.appendingPathComponent("threatdoc-diff-99999999-\(UUID().uuidString)")
        let live = temporary.appendingPathComponent("threatdoc-diff-\(getpid())-\(UUID().uuidString)")
        let other = temporary.appendingPathComponent("threatdoc-diff-notes-\(UUID().uuidString)")
        for folder in [dead, live, other] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("models"), withIntermediateDirectories: true)
            try "x".write(to: folder.appendingPathComponent("models/a.yaml"), atomically: true, encoding: .utf8)
        }
        defer { for folder in [live, other] { try? FileManager.default.removeItem(at: folder) } }
        // A live diff holds its folder locked; the dead one's name says 99999999 but the lock decides.
        let held = open(live.path, O_RDONLY | O_DIRECTORY)
        XCTAssertEqual(flock(held, LOCK_EX), 0)
        defer { close(held) }
        XCTAssertGreaterThanOrEqual(RevisionReader.removeAbandonedFolders(), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: other.path))
    }
}
