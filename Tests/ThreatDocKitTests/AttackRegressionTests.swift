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

/// What an attacker's trial of the output, cache and log guarantees found, kept from coming back.
final class AttackRegressionTests: ProjectTestCase {
    func assertNoForgedLine(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for row in text.split(separator: "\n") {
            XCTAssertFalse(row.hasPrefix("::"), "forged workflow command: \(row)", file: file, line: line)
        }
        XCTAssertFalse(text.contains("\u{1B}[2J"), "a raw ESC sequence", file: file, line: line)
    }

    func testAGateReasonCannotForgeAWorkflowCommand() throws {
        try write("threatdoc: 1\nid: zz\ntitle: t\nelements:\n  - { id: a, type: process, name: A }\nthreats:\n"
                  + "  - {id: T1, title: \"x\\n::error::forged\", stride: [S], targets: [a], likelihood: high, impact: high}\n",
                  to: "models/zz.yaml")
        for format in ["text", "sarif", "github", "json"] {
            let result = try run(["check", "--no-project", "--no-output-check", "--fail-on", "unaddressed:low", "--format", format, "models"],
                                 environment: ["GITHUB_STEP_SUMMARY": root.appendingPathComponent("summary.md").path])
            XCTAssertEqual(result.status, 1, result.stderr)
            assertNoForgedLine(result.stderr)
            // GitHub's own annotations start with "::"; none may be the forged one.
            for row in result.stdout.split(separator: "\n") { XCTAssertFalse(row.hasPrefix("::error::forged"), "\(format): \(row)") }
        }
    }

    /// Check IDs that are not numbers in a numbered catalog, or numbers past Int, once crashed the
    /// suggestions; many unknown checks in one file once took two minutes.
    func testUnknownCheckIDsGetLocatedErrorsNotACrash() throws {
        try write("threatdoc: 1\nid: c1\ntitle: Crash\nbenchmarks: { kubernetes: eks-stig-kubernetes-v1r6, docker: cis-docker-1.6.0 }\n"
                  + "mitigations:\n  - { id: m1, title: x, status: planned, checks: [\"kubernetes:99\", \"docker:2.-9223372036854775808\", \"docker:2.99999999999\"] }\n"
                  + "findings:\n  - { check: \"docker:3.-9223372036854775808\", issue: x }\n", to: "models/c1.yaml")
        let crash = try run(["validate", "--no-project", "models/c1.yaml"])
        XCTAssertEqual(crash.status, 1, crash.stderr)
        XCTAssertEqual(crash.stdout.components(separatedBy: "error[TD4").count - 1, 4, crash.stdout)
        XCTAssertFalse(crash.stderr.contains("Fatal") || crash.stderr.contains("runtime failure"), crash.stderr)
        let show = try run(["bench", "show", "kubernetes@eks-stig-kubernetes-v1r6:99"])
        XCTAssertEqual(show.status, 1, show.stderr)

        let checks = (0..<40).map { "docker:x\($0)-0" }.joined(separator: ", ")
        var many = "threatdoc: 1\nid: many\ntitle: Many\nbenchmarks: { docker: cis-docker-1.6.0 }\nmitigations:\n"
        for index in 0..<1_500 { many += "  - { id: m\(index), title: x, status: planned, checks: [\(checks)] }\n" }
        try write(many, to: "models/many.yaml")
        let result = try run(["validate", "--no-project", "--format", "json", "models/many.yaml"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("59950 more"), "the 60,000 unknown checks past the first 50 are counted in one note")
    }

    func testAScanCannotForgeLinesInBenchScan() throws {
        try write(#"{"dockerbenchsecurity": "1.6.0\n::error title=pwned::x\u001b[2J", "start": 1, "tests": [], "checks": 0, "score": 0, "end": 2}"#,
                  to: "evil\n::warning file=x::y.json")
        let result = try run(["bench", "scan", "evil\n::warning file=x::y.json"])
        assertNoForgedLine(result.stdout)
        assertNoForgedLine(result.stderr)
        XCTAssertTrue(result.stdout.contains("<U+000A>"), result.stdout)
    }

    /// The default models folder, the project file and template files stay inside the project.
    func testNothingOutsideTheProjectIsReadThroughLinks() throws {
        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("td-secrets-\(UUID())")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: secrets) }
        try "oauth_token: TOP-SECRET-TOKEN\n".write(to: secrets.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        try "TOP-SECRET-KEY: 1\n".write(to: secrets.appendingPathComponent("project.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: root.appendingPathComponent("models"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("models"), withDestinationURL: secrets)
        let models = try run(["validate"])
        XCTAssertTrue(models.stdout.contains("error[TD114]"), models.stdout)
        XCTAssertFalse((models.stdout + models.stderr).contains("TOP-SECRET"), models.stdout)

        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent(".threatdoc.yaml"),
                                                   withDestinationURL: secrets.appendingPathComponent("project.yaml"))
        let project = try run(["validate"])
        XCTAssertTrue(project.stdout.contains(".threatdoc.yaml:1:1: error[TD114]"), project.stdout)
        XCTAssertFalse((project.stdout + project.stderr).contains("TOP-SECRET"), project.stdout)

        // A project file named with --project inside the repository is the repository's too.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("ci"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("ci/threatdoc.yaml"),
                                                   withDestinationURL: secrets.appendingPathComponent("project.yaml"))
        let named = try run(["validate", "--project", "ci/threatdoc.yaml"])
        XCTAssertTrue(named.stdout.contains("error[TD114]"), named.stdout)
        XCTAssertFalse((named.stdout + named.stderr).contains("TOP-SECRET"), named.stdout)
    }

    /// Scans named by a project file, which a pull request can edit, stay inside its folder: neither an
    /// absolute path, nor `..`, nor a link to elsewhere is read, or even looked at.
    func testAProjectFileCannotNameScansOutsideTheProject() throws {
        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("td-scan-secrets-\(UUID())")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: secrets) }
        let scan = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("models/scans/docker-bench-docker-host-b.json"), encoding: .utf8)
        try scan.write(to: secrets.appendingPathComponent("runner.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("scans"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("scans/link.json"),
                                                   withDestinationURL: secrets.appendingPathComponent("runner.json"))
        try write(minimalModel(), to: "models/demo.yaml")
        for file in [secrets.appendingPathComponent("runner.json").path, "../\(secrets.lastPathComponent)/runner.json", "scans/link.json", "/etc/shadow"] {
            try write("scans:\n  - { file: \"\(file)\" }\n", to: ".threatdoc.yaml")
            let result = try run(["validate", "--format", "json"])
            XCTAssertEqual(result.status, 1, "\(file): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("TD114") && result.stdout.contains("lies outside the project file's folder"), "\(file): \(result.stdout)")
            XCTAssertFalse(result.stdout.contains("TD100") || result.stdout.contains("TD410") || result.stdout.contains("TD421"), "\(file): not read")
        }
    }

    func testATemplateLinkedOutsideIsNotCopiedIntoTheSite() throws {
        try write(minimalModel(), to: "models/demo.yaml")
        let secret = root.appendingPathComponent("environ")
        try "SECRET_TOKEN=hunter2\n".write(to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("templates/html"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("templates/html/env.css"), withDestinationURL: secret)
        let result = try run(["render", "--no-project"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("templates/html/env.css:1:1: error[TD114]"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path))
    }

    func testAStylesheetNameCannotSmuggleALineIntoTheManifest() throws {
        try write(minimalModel(), to: "models/demo.yaml")
        try write("body{}", to: "templates/html/x\nCNAME\n.css")
        let result = try run(["render", "--no-project"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("error[TD100]"), result.stderr)
    }

    /// A threatdoc 0.1 marker owns only the pages that say threatdoc generated them.
    func testALegacyMarkerDoesNotClaimTheUsersPages() throws {
        try write(minimalModel(), to: "models/demo.yaml")
        try write(OutputWriter.legacyMarkerText, to: "output/.threatdoc-output")
        try write("# My notes\n", to: "output/NOTES.md")
        try write("<p>about us</p>", to: "output/html/about.html")
        try write("# Old\n\nGenerated by threatdoc 0.1.0.\n", to: "output/gone.md")
        let refused = try run(["render", "--no-project"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("output/NOTES.md") && refused.stderr.contains("output/html/"), refused.stderr)
        let kept = try run(["render", "--no-project", "--keep-foreign"])
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("output/NOTES.md"), encoding: .utf8), "# My notes\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("output/html/about.html").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("output/gone.md").path))
    }

    func testKeepForeignKeepsFolderModes() throws {
        try write(minimalModel(), to: "models/demo.yaml")
        XCTAssertEqual(try run(["render", "--no-project"]).status, 0)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("output/.ssh"), withIntermediateDirectories: true)
        try write("key", to: "output/.ssh/id")
        XCTAssertEqual(chmod(root.appendingPathComponent("output/.ssh").path, 0o700), 0)
        XCTAssertEqual(chmod(root.appendingPathComponent("output").path, 0o750), 0)
        XCTAssertEqual(try run(["render", "--no-project", "--keep-foreign"]).status, 0)
        func mode(_ path: String) throws -> Int {
            try XCTUnwrap(FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)[.posixPermissions] as? Int)
        }
        XCTAssertEqual(try mode("output/.ssh"), 0o700)
        XCTAssertEqual(try mode("output"), 0o750)
    }

    /// What a page shows of its scans is in the page key: a new scan version or a changed mapping
    /// re-renders a warm page exactly as a cold render would.
    func testAScansVersionAndMappingReachWarmPages() throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent("models"))
        let repository = TestSupport.packageRoot
        try FileManager.default.copyItem(at: repository.appendingPathComponent("models"), to: root.appendingPathComponent("models"))
        try FileManager.default.copyItem(at: repository.appendingPathComponent(".threatdoc.yaml"), to: root.appendingPathComponent(".threatdoc.yaml"))
        XCTAssertEqual(try run(["render", "--cache-dir", "cache"]).status, 0)
        let scan = root.appendingPathComponent("models/scans/docker-bench-docker-host-a.json")
        try String(contentsOf: scan, encoding: .utf8).replacingOccurrences(of: "\"dockerbenchsecurity\": \"1.6.0\"", with: "\"dockerbenchsecurity\": \"1.6.1\"")
            .write(to: scan, atomically: true, encoding: .utf8)
        let project = root.appendingPathComponent(".threatdoc.yaml")
        try String(contentsOf: project, encoding: .utf8).replacingOccurrences(of: "host: docker-host-b, models: [docker]", with: "host: docker-host-b, models: [kubernetes]")
            .write(to: project, atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["render", "--cache-dir", "cache"]).status, 0)
        XCTAssertEqual(try run(["render", "--no-cache", "--output", "cold"]).status, 0)
        XCTAssertEqual(try DeterminismTests.files(in: root.appendingPathComponent("output")),
                       try DeterminismTests.files(in: root.appendingPathComponent("cold")))
    }

    // MARK: The second round

    func testALinkedTemplatesFolderIsRefused() throws {
        try write(minimalModel(), to: "models/demo.yaml")
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("td-tpl-\(UUID())")
        try FileManager.default.createDirectory(at: outside.appendingPathComponent("html"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try "SECRET_CSS{}".write(to: outside.appendingPathComponent("html/x.css"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("templates"), withDestinationURL: outside)
        let whole = try run(["render", "--no-project"])
        XCTAssertEqual(whole.status, 2, whole.stderr)
        XCTAssertTrue(whole.stderr.contains("is a symbolic link to a folder outside this project"), whole.stderr)
        try FileManager.default.removeItem(at: root.appendingPathComponent("templates"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("templates/html"), withDestinationURL: outside.appendingPathComponent("html"))
        let format = try run(["render", "--no-project"])
        XCTAssertEqual(format.status, 2, format.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path))
    }

    /// `diff git:REF` reads a revision's project file; what it names stays inside that revision, and
    /// diffs running at once never take each other's folders for debris.
    func testDiffReadsNothingOutsideTheRevisionAndRunsConcurrently() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("td-secret-\(UUID()).yaml")
        try minimalModel().replacingOccurrences(of: "title: Demo", with: "title: TOP-SECRET-TITLE").replacingOccurrences(of: "id: demo", with: "id: leak")
            .write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        try write(minimalModel(), to: "models/demo.yaml")
        func git(_ arguments: [String]) throws {
            let result = try TestSupport.runProgram(tool: "git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"] + arguments, in: root)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        try git(["init", "-q"])
        try git(["add", "."])
        try git(["commit", "-qm", "one"])
        try write("models: [models, \(secret.path)]\n", to: ".threatdoc.yaml")
        try git(["add", "."])
        try git(["commit", "-qm", "two"])
        let diff = try run(["diff", "git:HEAD~1", "git:HEAD"])
        XCTAssertFalse((diff.stdout + diff.stderr).contains("TOP-SECRET"), diff.stdout + diff.stderr)
        XCTAssertNotEqual(diff.status, 0, "a revision that names a file outside it cannot be compared")

        let runs = (0..<6).map { _ in Thread.detachNewThreadWithResult { [root] in try? TestSupport.run(["diff", "git:HEAD~1", "git:HEAD~1"], in: root) } }
        for pending in runs { XCTAssertEqual(pending.value()?.status, 0, pending.value()?.stderr ?? "") }
    }

    func testRawMarkdownIsJudgedByTheValuesPathNotItsName() throws {
        try write(minimalModel() + "assets:\n  - { id: a, name: A, sensitivity: high, description: \"<script>x</script>\" }\n", to: "models/demo.yaml")
        for (template, format) in TemplateSet.builtin["markdown"]! .map({ ($0.key, $0.value) }) {
            try write(format, to: "templates/markdown/\(template).mustache")
        }
        let glance = try XCTUnwrap(TemplateSet.builtin["markdown"]?["glance"])
        try write(glance + "{{#assets}}{{{description}}}{{/assets}}\n", to: "templates/markdown/glance.mustache")
        let result = try run(["render", "--no-project"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("error[TD505]: template 'glance' emits 'description' unescaped"), result.stderr)
    }

    /// A manifest line a pull request adds deletes nothing: a file that no longer gets written is
    /// removed only if it still reads as threatdoc's page.
    func testAManifestLineAloneDeletesNothing() throws {
        try write(minimalModel(), to: "models/demo.yaml")
        XCTAssertEqual(try run(["render", "--no-project"]).status, 0)
        try write("# my notes\n", to: "output/NOTES.md")
        let manifest = root.appendingPathComponent("output/.threatdoc-output")
        try (String(contentsOf: manifest, encoding: .utf8) + "NOTES.md\n").write(to: manifest, atomically: true, encoding: .utf8)
        let refused = try run(["render", "--no-project"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("output/NOTES.md"), refused.stderr)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("output/NOTES.md"), encoding: .utf8), "# my notes\n")
        XCTAssertEqual(try run(["render", "--no-project", "--keep-foreign"]).status, 0)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("output/NOTES.md"), encoding: .utf8), "# my notes\n")
    }
}
