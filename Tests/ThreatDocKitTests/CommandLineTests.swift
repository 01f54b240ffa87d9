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

/// The `threatdoc` executable end to end: output, golden diagnostics and exit codes.
final class CommandLineTests: XCTestCase {
    func testShippedModelsValidateCleanly() throws {
        let run = try TestSupport.run(["validate", "--no-project"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.hasSuffix("6 files checked, 2 models loaded: 0 errors, 0 warnings, 6 notes\n"), run.stdout)
    }

    /// With the committed scans (named in .threatdoc.yaml), every evidence state shows, and uncovered findings are listed.
    func testCommittedScansShowEveryEvidenceState() throws {
        let run = try TestSupport.run(["validate", "--format", "json"])
        XCTAssertEqual(run.status, 0, "contradictions are warnings: \(run.stdout)")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let diagnostics = try XCTUnwrap(object["diagnostics"] as? [[String: Any]])
        func messages(_ code: String, file: String) -> [String] {
            diagnostics.filter { $0["code"] as? String == code && ($0["file"] as? String ?? "").hasSuffix(file) }
                .compactMap { $0["message"] as? String }
        }
        let docker = messages("TD420", file: "docker.yaml")
        for state in ["verified", "unverified", "failing-as-expected"] {
            XCTAssertTrue(docker.contains { $0.contains("' is \(state):") }, "no \(state) mitigation in \(docker)")
        }
        XCTAssertEqual(messages("TD421", file: "docker.yaml").count, 1, "live restore is contradicted on docker-host-b")
        XCTAssertTrue(messages("TD421", file: "docker.yaml")[0].contains("'live-restore'"))
        let uncovered = messages("TD423", file: ".threatdoc.yaml")
        XCTAssertTrue(uncovered.contains { $0.hasPrefix("scan docker-host-a:") && $0.contains("5.26") }, "\(uncovered)")
        XCTAssertTrue(uncovered.contains { $0.hasPrefix("scan control-plane-1:") }, "\(uncovered)")
    }

    func testScanFlagAndBrokenProjectFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-project-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = TestSupport.packageRoot.appendingPathComponent("models/docker.yaml").path
        let scan = TestSupport.packageRoot.appendingPathComponent("models/scans/docker-bench-docker-host-b.json").path
        let flagged = try TestSupport.run(["validate", model, "--scan", scan, "--strict"], in: dir)
        XCTAssertEqual(flagged.status, 1, "--strict fails on the contradicted mitigation")
        XCTAssertTrue(flagged.stdout.contains("warning[TD421]"), flagged.stdout)
        try "modles: [x]\n".write(to: dir.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
        let broken = try TestSupport.run(["validate", model], in: dir)
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.stdout.contains(".threatdoc.yaml:1:1: error[TD201]: unknown key 'modles' in the project file"), broken.stdout)
    }

    /// A scan that does not exist is a file that could not be read (exit 2), like a model: without a
    /// place when given on the command line, at the project file's line when named there.
    func testAMissingScanIsAnIOFailure() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-scan-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = TestSupport.packageRoot.appendingPathComponent("models/docker.yaml").path
        let flag = try TestSupport.run(["validate", model, "--no-project", "--scan", "nope.json", "--format", "json"], in: dir)
        XCTAssertEqual(flag.status, 2, flag.stdout)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(flag.stdout.utf8)) as? [String: Any])
        let diagnostic = try XCTUnwrap((object["diagnostics"] as? [[String: Any]])?.first { $0["code"] as? String == "TD100" })
        XCTAssertEqual(diagnostic["message"] as? String, "no such scan file: nope.json")
        XCTAssertNil(diagnostic["line"], "a file that does not exist has no place")
        try "scans:\n  - { file: scans/gone.json, host: a }\n".write(to: dir.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
        let project = try TestSupport.run(["validate", model], in: dir)
        XCTAssertEqual(project.status, 2, project.stdout)
        XCTAssertTrue(project.stdout.contains(".threatdoc.yaml:2:13: error[TD100]: no such scan file:"), project.stdout)
    }

    /// Search by word stems and CamelCase parts ("network policy" finds NetworkPolicies), and a search
    /// that finds nothing says so, with the closest titles.
    func testBenchSearchFindsStemsAndSaysWhenNothingMatches() throws {
        let found = try TestSupport.run(["bench", "list", "kubernetes", "--search", "network", "policy"])
        XCTAssertEqual(found.status, 0, found.stderr)
        XCTAssertTrue(found.stdout.contains("kubernetes:5.3.2\tEnsure that all Namespaces have NetworkPolicies defined"), found.stdout)
        let quoted = try TestSupport.run(["bench", "list", "kubernetes", "--search", "network policies"])
        XCTAssertEqual(quoted.stdout, found.stdout)
        let none = try TestSupport.run(["bench", "list", "kubernetes", "--search", "network", "quantum"])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("no check in cis-1.12 has every word of 'network quantum' in its title; closest: kubernetes:"), none.stderr)
    }

    func testBenchCommands() throws {
        let show = try TestSupport.run(["bench", "show", "docker:2.15"])
        XCTAssertEqual(show.status, 0)
        XCTAssertTrue(show.stdout.contains("docker:2.15  Ensure live restore is enabled"), show.stdout)
        XCTAssertTrue(show.stdout.contains("cis-docker-1.1.0: 2.14"), "shows where the number drifts: \(show.stdout)")
        let search = try TestSupport.run(["bench", "list", "docker", "--search", "live", "restore"])
        XCTAssertEqual(search.stdout, "docker:2.15\tEnsure live restore is enabled  [scored]\n")
        let kube = try TestSupport.run(["bench", "list", "kubernetes", "--catalog", "cis-1.23", "--search", "audit-log-path"])
        XCTAssertTrue(kube.stdout.hasPrefix("kubernetes:1.2.19\t"), kube.stdout)
        let missing = try TestSupport.run(["bench", "show", "docker:live-restore"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("did you mean docker:2.15"), missing.stderr)
        let catalogs = try TestSupport.run(["bench", "list"])
        XCTAssertTrue(catalogs.stdout.contains("kubernetes\tcis-1.12\t"), catalogs.stdout)
        let scan = try TestSupport.run(["bench", "scan", "Tests/ThreatDocKitTests/Fixtures/scans/kube-bench-cis-1.12.json"])
        XCTAssertTrue(scan.stdout.contains("kube-bench JSON ({Controls, Totals}), catalog cis-1.12: 4 results"), scan.stdout)
    }

    func testGoldenTextDiagnosticsForBrokenFixtures() throws {
        let run = try TestSupport.run(["validate", "broken"], in: TestSupport.fixtures)
        XCTAssertEqual(run.status, 1)
        try TestSupport.assertGolden(run.stdout, "broken.txt")
    }

    func testGoldenJSONDiagnosticsForBrokenFixtures() throws {
        let run = try TestSupport.run(["validate", "broken", "--format", "json"], in: TestSupport.fixtures)
        XCTAssertEqual(run.status, 1)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)))
        try TestSupport.assertGolden(run.stdout, "broken.json")
    }

    func testTenMistakesAreAllReportedInOneRunAtTheirPositions() throws {
        let run = try TestSupport.run(["validate", "broken/ten-mistakes.yaml", "--format", "json"], in: TestSupport.fixtures)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let errors = (object["diagnostics"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "error" }
        let found = errors.map { "\($0["line"]!):\($0["column"]!) \($0["code"]!)" }
        XCTAssertEqual(found, [
            "4:1 TD201",    // ownr → owner
            "5:11 TD207",   // 2026-02-30
            "9:26 TD204",   // proces
            "10:60 TD303",  // boundary dmzz
            "11:11 TD301",  // Gateway duplicates gateway
            "12:11 TD206",  // 9lives
            "21:5 TD109",   // second likelihood
            "27:14 TD202",  // targets: ledger
            "30:15 TD306",  // accept without justification
            "35:18 TD208",  // javascript: URL
        ])
    }

    func testStrictTurnsWarningsIntoFailure() throws {
        let fixture = TestSupport.fixtures.appendingPathComponent("broken/boundary-cycle.yaml").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-strict-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let warningOnly = try String(contentsOfFile: fixture, encoding: .utf8)
            .replacingOccurrences(of: ", parent: inner", with: "")
        try warningOnly.write(to: dir.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try TestSupport.run(["validate", "m.yaml"], in: dir).status, 0)
        XCTAssertEqual(try TestSupport.run(["validate", "--strict", "m.yaml"], in: dir).status, 1)
    }

    func testUsageAndIOFailuresExitWithTwo() throws {
        XCTAssertEqual(try TestSupport.run(["validate", "--format", "yaml"]).status, 2)
        XCTAssertEqual(try TestSupport.run(["frobnicate"]).status, 2)
        let missing = try TestSupport.run(["validate", "no/such/path"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stdout.contains("no such file or folder: no/such/path"), missing.stdout)
    }

    func testVersionAndHelp() throws {
        let version = try TestSupport.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout, ThreatDocKit.version + " (development build)\n", "a release names its commit instead")
        for command in [["--help"], ["validate", "--help"], ["schema", "--help"], ["bench", "--help"],
                        ["bench", "list", "--help"], ["bench", "show", "--help"], ["bench", "scan", "--help"]] {
            let help = try TestSupport.run(command)
            XCTAssertEqual(help.status, 0, "\(command)")
            XCTAssertTrue(help.stdout.contains("Example"), "\(command) shows examples")
        }
    }

    func testColourOnlyWhenAskedAndNeverWithNoColor() throws {
        let plain = try TestSupport.run(["validate", "broken/ten-mistakes.yaml"], in: TestSupport.fixtures)
        XCTAssertFalse(plain.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        let forced = try TestSupport.run(["validate", "--color", "always", "broken/ten-mistakes.yaml"], in: TestSupport.fixtures)
        XCTAssertTrue(forced.stdout.contains("\u{1B}[1;31m"))
    }

    func testSchemaCommandPrintsTheSchema() throws {
        let run = try TestSupport.run(["schema"])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stdout, ModelSchema.json)
    }

    func testMaxFileSizeFlag() throws {
        let small = try TestSupport.run(["validate", "--max-file-size", "1K", "models/docker.yaml"])
        XCTAssertEqual(small.status, 1)
        XCTAssertTrue(small.stdout.contains("error[TD101]"), small.stdout)
        XCTAssertEqual(try TestSupport.run(["validate", "--max-file-size", "2M", "models/docker.yaml"]).status, 0)
        XCTAssertEqual(try TestSupport.run(["validate", "--max-file-size", "lots"]).status, 2)
    }

    func testTextOutputHasCaretAndHelp() throws {
        let run = try TestSupport.run(["validate", "broken/ten-mistakes.yaml"], in: TestSupport.fixtures)
        XCTAssertTrue(run.stdout.contains("""
            broken/ten-mistakes.yaml:4:1: error[TD201]: unknown key 'ownr' in the model
              4 | ownr: payments-team
                | ^~~~
              = help: did you mean 'owner'?
            """), run.stdout)
    }
}
