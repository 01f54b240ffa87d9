import XCTest
import Foundation
import ThreatDocKit

/// `threatdoc init` and `threatdoc new model`, as a new user runs them: in an empty git repository,
/// each template gives a project that validates, renders and passes check; a second init changes
/// nothing; files that exist are kept unless --force.
final class InitTests: ProjectTestCase {
    func git(_ arguments: [String], in folder: URL) throws {
        let run = try TestSupport.runProgram(tool: "git", ["-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    func testEveryTemplateValidatesRendersAndPassesCheck() throws {
        for template in Scaffold.Template.allCases {
            let folder = root.appendingPathComponent("project-\(template.rawValue)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try git(["init", "-q"], in: folder)
            let initRun = try TestSupport.run(["init", "--template", template.rawValue], in: folder)
            XCTAssertEqual(initRun.status, 0, initRun.stderr)
            for path in [".threatdoc.yaml", "models/\(template.defaultID).yaml", "models/threatdoc.schema.json", ".github/workflows/threatdoc.yml", ".gitignore"] {
                XCTAssertTrue(initRun.stderr.contains("created   \(path)"), "\(template): \(initRun.stderr)")
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path), path)
            }
            let validate = try TestSupport.run(["validate", "--strict"], in: folder)
            XCTAssertEqual(validate.status, 0, "\(template): \(validate.stdout)\(validate.stderr)")
            XCTAssertTrue(validate.stdout.contains("0 errors, 0 warnings"), validate.stdout)
            let render = try TestSupport.run(["render"], in: folder)
            XCTAssertEqual(render.status, 0, render.stderr)
            let check = try TestSupport.run(["check"], in: folder)
            XCTAssertEqual(check.status, 0, "\(template): \(check.stderr)")
            // A second init changes nothing, and says so.
            let before = try TestSupport.outputTree(folder)
            let again = try TestSupport.run(["init", "--template", template.rawValue], in: folder)
            XCTAssertEqual(again.status, 0)
            XCTAssertTrue(again.stderr.contains("nothing to do: every file exists"), again.stderr)
            XCTAssertEqual(try TestSupport.outputTree(folder), before, "\(template): the second init changed files")
        }
    }

    func testTheStarterModelTeachesEveryPartOfTheFormat() throws {
        let text = Scaffold.starterModel(.webApp, id: "shop", title: "Shop", today: TestSupport.today)
        for field in ModelFormat.model.erased.fields.map(\.name) where !["$schema", "source", "findings", "benchmarks"].contains(field) {
            XCTAssertTrue(text.contains("\n\(field):"), "the starter model lacks `\(field)`")
        }
        XCTAssertTrue(text.contains("# benchmarks:"), "benchmarks are shown, commented out")
        XCTAssertGreaterThan(text.split(separator: "\n").filter { $0.contains("#") }.count, 12, "comments teach the format")
    }

    func testExistingFilesAreKeptUnlessForced() throws {
        try write("models: [my-models]\n", to: ".threatdoc.yaml")
        try write(".build/\n", to: ".gitignore")
        let run = try self.run(["init"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("exists    .threatdoc.yaml (kept; --force replaces it"), run.stderr)
        XCTAssertTrue(run.stderr.contains("extended  .gitignore"), run.stderr)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent(".threatdoc.yaml"), encoding: .utf8), "models: [my-models]\n")
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8),
                       ".build/\n" + "# threatdoc: the render cache, when CI keeps it in the workspace (--cache-dir .threatdoc-cache)\n.threatdoc-cache/\n")
        let forced = try self.run(["init", "--force"])
        XCTAssertTrue(forced.stderr.contains("replaced  .threatdoc.yaml"), forced.stderr)
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent(".threatdoc.yaml"), encoding: .utf8).contains("models: [models]"))
    }

    func testNewModelWritesAStarterThatValidatesAndNeverOverwrites() throws {
        let run = try self.run(["new", "model", "payments", "--title", "Payments: \"v2\" # not a comment"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let model = try XCTUnwrap(TestSupport.pipeline().run(paths: [root.appendingPathComponent("models/payments.yaml").path]).models?.first)
        XCTAssertEqual(model.id, "payments")
        XCTAssertEqual(model.title, "Payments: \"v2\" # not a comment")
        let before = try String(contentsOf: root.appendingPathComponent("models/payments.yaml"), encoding: .utf8)
        let again = try self.run(["new", "model", "payments", "--template", "docker"])
        XCTAssertTrue(again.stderr.contains("exists    models/payments.yaml"), again.stderr)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("models/payments.yaml"), encoding: .utf8), before)
        XCTAssertEqual(try self.run(["new", "model", "../x"]).status, 2, "an ID that is a path is refused")
    }

    /// What the attacker trial found: init writes through no link (a .gitignore linked to a secret stays a
    /// link and the secret stays out; a models folder linked out of the project is refused), placeholder
    /// names in values are not replaced twice, and a reserved ID is refused before anything is written.
    func testInitWritesThroughNoLinkAndNewModelKeepsValues() throws {
        let secret = root.appendingPathComponent("secret")
        try "aws_secret_access_key=SEKRIT\n".write(to: secret, atomically: true, encoding: .utf8)
        let project = root.appendingPathComponent("p1")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent(".gitignore").path, withDestinationPath: secret.path)
        let run = try TestSupport.run(["init"], in: project)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: project.appendingPathComponent(".gitignore").path), secret.path)
        XCTAssertEqual(try String(contentsOf: secret, encoding: .utf8), "aws_secret_access_key=SEKRIT\n")
        let outside = root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let second = root.appendingPathComponent("p2")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: second.appendingPathComponent("models").path, withDestinationPath: outside.path)
        let refused = try TestSupport.run(["init"], in: second)
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("leads outside the project through a link"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside.path), [])
        // Placeholder names in values, and reserved IDs.
        let dated = try self.run(["new", "model", "REVIEW_DATE", "--title", "MODEL_ID and REVIEW_DATE"])
        XCTAssertEqual(dated.status, 0, dated.stderr)
        let model = try XCTUnwrap(TestSupport.pipeline().run(paths: [root.appendingPathComponent("models/REVIEW_DATE.yaml").path]).models?.first)
        XCTAssertEqual(model.id, "REVIEW_DATE")
        XCTAssertEqual(model.title, "MODEL_ID and REVIEW_DATE")
        for reserved in [["new", "model", "index"], ["init", "--id", "README"]] {
            let run = try self.run(reserved)
            XCTAssertEqual(run.status, 2, "\(reserved): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("TD210"), run.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("models/index.yaml").path))
    }

    /// The README's workflow is the one `init` writes.
    func testReadmeWorkflowIsTheOneInitWrites() throws {
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("```yaml\n" + Scaffold.workflow + "```"), "README's workflow differs from Scaffold.workflow")
    }
}
