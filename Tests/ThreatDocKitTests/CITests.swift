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

/// threatdoc in CI: SARIF, GitHub annotations, gates, output freshness and semantic diffs.
final class CITests: XCTestCase {
    // MARK: SARIF

    func testSARIFFromBrokenFixturesValidatesAgainstTheOfficialSchema() throws {
        let run = try TestSupport.run(["validate", "broken", "--format", "sarif"], in: TestSupport.fixtures)
        XCTAssertEqual(run.status, 1)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("td-\(UUID()).sarif")
        defer { try? FileManager.default.removeItem(at: file) }
        try run.stdout.write(to: file, atomically: true, encoding: .utf8)
        let verdict = try python(["json_schema_check.py", TestSupport.fixtures.appendingPathComponent("sarif-schema-2.1.0.json").path, file.path])
        XCTAssertEqual(verdict.trimmingCharacters(in: .whitespacesAndNewlines), "valid \(file.path)")

        let sarif = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let runs = try XCTUnwrap(sarif["runs"] as? [[String: Any]])
        XCTAssertEqual(runs[0]["columnKind"] as? String, "unicodeCodePoints")
        let results = try XCTUnwrap(runs[0]["results"] as? [[String: Any]])
        let rules = try XCTUnwrap((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])["rules"] as? [[String: Any]]
        XCTAssertEqual(Set(rules?.compactMap { $0["id"] as? String } ?? []), Set(results.compactMap { $0["ruleId"] as? String }),
                       "one rule per code that occurs")
        let ownr = try XCTUnwrap(results.first { ($0["message"] as? [String: Any])?["text"] as? String ?? "" == "unknown key 'ownr' in the model (did you mean 'owner'?)" })
        let location = try XCTUnwrap((ownr["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        XCTAssertEqual((location["artifactLocation"] as? [String: Any])?["uri"] as? String, "broken/ten-mistakes.yaml")
        XCTAssertEqual((location["region"] as? [String: Any])?["startLine"] as? Int, 4)
        XCTAssertEqual((location["region"] as? [String: Any])?["startColumn"] as? Int, 1)
        XCTAssertEqual(ownr["level"] as? String, "error")
        XCTAssertNotNil((ownr["partialFingerprints"] as? [String: String])?["threatdoc/v2"])
    }

    /// Adding a threat (lines move, coverage counts change) leaves every other result's fingerprint as
    /// it was; the default SARIF holds no notes, and --min-severity note brings them back.
    func testAddingAThreatLeavesEveryOtherFingerprintUnchanged() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-fp-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("models/docker.yaml"), encoding: .utf8)
        func prints(_ text: String) throws -> (all: [String: String], levels: Set<String>) {
            try text.write(to: dir.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
            let run = try TestSupport.run(["validate", "m.yaml", "--no-project", "--format", "sarif", "--min-severity", "note"], in: dir)
            let sarif = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let results = try XCTUnwrap((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
            var byPrint: [String: String] = [:]
            for result in results {
                let print = try XCTUnwrap((result["partialFingerprints"] as? [String: String])?["threatdoc/v2"])
                XCTAssertNil(byPrint[print], "fingerprints are unique in a run")
                byPrint[print] = "\(result["ruleId"] ?? "") \((result["message"] as? [String: Any])?["text"] ?? "")"
            }
            return (byPrint, Set(results.compactMap { $0["level"] as? String }))
        }
        let before = try prints(model)
        XCTAssertTrue(before.levels.contains("note"), "the model has notes to compare")
        // A new threat near the top moves every line below it and changes the coverage counts.
        let threat = "  - { id: NEW-1, title: Added, stride: [R], targets: [admin], likelihood: low, impact: low }\n"
        let after = try prints(model.replacingOccurrences(of: "threats:\n", with: "threats:\n" + threat))
        XCTAssertTrue(model.contains("threats:\n"))
        let lost = Set(before.all.keys).subtracting(after.all.keys)
        XCTAssertEqual(lost.map { before.all[$0]! }.sorted(), [], "every earlier result keeps its fingerprint")

        let defaultRun = try TestSupport.run(["validate", "m.yaml", "--no-project", "--format", "sarif"], in: dir)
        XCTAssertFalse(defaultRun.stdout.contains("\"level\" : \"note\""), "no note-level results by default")
    }

    // MARK: GitHub

    func testGitHubWorkflowCommandsAreEscaped() {
        let diagnostic = Diagnostic(.unknownKey, "50% of\nthis, too", at: SourceLocation(file: "models/a,b:c.yaml", line: 4, column: 2, length: 3))
        XCTAssertEqual(GitHubFormatter.commands([diagnostic]),
                       "::error file=models/a%2Cb%3Ac.yaml,line=4,col=2,endColumn=5,title=TD201 unknown-key::50%25 of%0Athis, too%0A\(DiagnosticCode.unknownKey.help)\n")
    }

    func testGitHubFormatWritesAStepSummary() throws {
        let summary = FileManager.default.temporaryDirectory.appendingPathComponent("td-summary-\(UUID()).md")
        defer { try? FileManager.default.removeItem(at: summary) }
        let run = try TestSupport.run(["validate", "broken/ten-mistakes.yaml", "--format", "github"], in: TestSupport.fixtures,
                                      environment: ["GITHUB_STEP_SUMMARY": summary.path])
        XCTAssertTrue(run.stdout.contains("::error file=broken/ten-mistakes.yaml,line=4,col=1,endColumn=5,title=TD201 unknown-key::"), run.stdout)
        let text = try String(contentsOf: summary, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("## threatdoc"), text)
        XCTAssertTrue(text.contains("| error | TD201 |"), text)
    }

    // MARK: Gates

    func outcome(_ yaml: String, scans: [Pipeline.ScanInput] = []) -> Pipeline.Outcome {
        Pipeline(options: ValidationOptions(today: TestSupport.today), scans: scans).run(text: yaml)
    }

    func failing(_ gate: Gate, _ outcome: Pipeline.Outcome) -> Bool {
        !GateEvaluator.evaluate([gate], outcome: outcome).isEmpty
    }

    func testErrorGate() {
        XCTAssertFalse(failing(.error, outcome(minimalModel())))
        XCTAssertTrue(failing(.error, outcome(minimalModel() + "bogus: 1\n")))
    }

    func testWarningGate() {
        XCTAssertFalse(failing(.warning, outcome(minimalModel())), "notes do not count")
        XCTAssertTrue(failing(.warning, outcome(minimalModel() + "  - { id: m2, title: Spare, status: planned }\n")))
    }

    func testUnaddressedGate() {
        let unaddressed = minimalModel().replacingOccurrences(of: "    mitigations: [m1]\n", with: "")
            .replacingOccurrences(of: "  - { id: m1, title: Auth, status: implemented }\n", with: "  []\n")
            .replacingOccurrences(of: "mitigations:\n  []", with: "mitigations: []")
        XCTAssertFalse(failing(.unaddressed(.low), outcome(minimalModel())))
        XCTAssertTrue(failing(.unaddressed(.low), outcome(unaddressed)), "a low-risk unaddressed threat")
        XCTAssertFalse(failing(.unaddressed(.high), outcome(unaddressed)), "below the level")
        let high = unaddressed.replacingOccurrences(of: "likelihood: low", with: "likelihood: high")
            .replacingOccurrences(of: "impact: low", with: "impact: critical")
        XCTAssertTrue(failing(.unaddressed(.high), outcome(high)))
    }

    func testContradictedGate() {
        let scan = EvidenceTests.scan("docker-bench-1.6.json", host: "h")
        XCTAssertTrue(failing(.contradicted, outcome(EvidenceTests.dockerModel, scans: [scan])), "live restore warns")
        let fixed = EvidenceTests.dockerModel.replacingOccurrences(of: "title: Live restore, status: implemented", with: "title: Live restore, status: planned")
        XCTAssertFalse(failing(.contradicted, outcome(fixed, scans: [scan])))
        XCTAssertFalse(failing(.contradicted, outcome(EvidenceTests.dockerModel)), "no scan, no contradiction")
    }

    func testUncoveredGate() {
        let scan = EvidenceTests.scan("docker-bench-1.6.json", host: "h")
        XCTAssertTrue(failing(.uncovered, outcome(EvidenceTests.dockerModel, scans: [scan])), "5.26 warns and no mitigation links it")
        let covered = EvidenceTests.dockerModel.replacingOccurrences(of: "checks: [\"docker:4.2\"]", with: "checks: [\"docker:4.2\", \"docker:5.26\"]")
        XCTAssertFalse(failing(.uncovered, outcome(covered, scans: [scan])))
    }

    func testGateNames() {
        XCTAssertEqual(Gate.parse("unaddressed:high"), .unaddressed(.high))
        XCTAssertNil(Gate.parse("unaddressed:severe"))
        XCTAssertNil(Gate.parse("errors"))
        XCTAssertEqual(Gate.parse("unimplemented:critical"), .unimplemented(.critical))
        XCTAssertEqual(Gate.parse("coverage:80"), .coverage(80))
        XCTAssertEqual(Gate.parse("coverage:80%"), .coverage(80))
        XCTAssertNil(Gate.parse("coverage:101"))
        XCTAssertNil(Gate.parse("coverage:-1"))
    }

    /// A critical threat whose only mitigation is not started passes `unaddressed` (it has a mitigation)
    /// but fails `unimplemented`; a model below a coverage floor fails `coverage`.
    func testUnimplementedAndCoverageGates() throws {
        let yaml = """
            threatdoc: 1
            id: m
            title: M
            elements: [{ id: vault, type: datastore, name: Vault }]
            threats:
              - { id: E1, title: T, stride: [I], targets: [vault], likelihood: high, impact: critical, mitigations: [later] }
            mitigations:
              - { id: later, title: Later, status: not-started }
            """
        let outcome = TestSupport.pipeline().run(text: yaml)
        XCTAssertEqual(GateEvaluator.evaluate([.unaddressed(.high)], outcome: outcome), [])
        XCTAssertEqual(GateEvaluator.evaluate([.unimplemented(.high)], outcome: outcome).map(\.reason),
                       ["threats at or above high risk without an implemented mitigation: m/E1 (critical)"])
        // One of four applicable categories (T, R, I, D) is covered: 25%.
        XCTAssertEqual(GateEvaluator.evaluate([.coverage(25)], outcome: outcome), [])
        XCTAssertEqual(GateEvaluator.evaluate([.coverage(26)], outcome: outcome).map(\.reason),
                       ["STRIDE coverage (covered or acknowledged) below 26%: m (1 of 4, 25%)"])
    }

    // MARK: check

    func testCheckFailsOnStaleOutputAndPassesAfterRendering() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-check-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try minimalModel().write(to: dir.appendingPathComponent("models/demo.yaml"), atomically: true, encoding: .utf8)
        let missing = try TestSupport.run(["check"], in: dir)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("missing: output/demo.md"), missing.stderr)
        XCTAssertEqual(try TestSupport.run(["render"], in: dir).status, 0)
        let fresh = try TestSupport.run(["check"], in: dir)
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        XCTAssertTrue(fresh.stderr.contains("check passed"))
        try minimalModel().replacingOccurrences(of: "title: Spoofed web", with: "title: Spoofed web server")
            .write(to: dir.appendingPathComponent("models/demo.yaml"), atomically: true, encoding: .utf8)
        let stale = try TestSupport.run(["check"], in: dir)
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.stderr.contains("stale: output/demo.md"), stale.stderr)
        XCTAssertTrue(stale.stderr.contains("stale: output/html/demo.html"), stale.stderr)
        XCTAssertTrue(stale.stderr.contains("run `threatdoc render`"), stale.stderr)
        XCTAssertEqual(try TestSupport.run(["render"], in: dir).status, 0)
        XCTAssertEqual(try TestSupport.run(["check"], in: dir).status, 0)
    }

    func testCheckOnThisRepositoryAndItsGates() throws {
        let run = try TestSupport.run(["check"])
        XCTAssertEqual(run.status, 0, "the committed output must be fresh: \(run.stderr)")
        let gated = try TestSupport.run(["check", "--fail-on", "error,contradicted", "--no-output-check"])
        XCTAssertEqual(gated.status, 1)
        XCTAssertTrue(gated.stderr.contains("gate 'contradicted' failed: mitigations contradicted by scans: docker/live-restore, kubernetes/rbac-and-strong-auth"), gated.stderr)
        XCTAssertEqual(try TestSupport.run(["check", "--fail-on", "nonsense"]).status, 2)
    }

    // MARK: diff

    func git(_ arguments: [String], in directory: URL) throws {
        let run = try TestSupport.runProgram(tool: "git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
                                             + arguments, in: directory)
        XCTAssertEqual(run.status, 0, "git \(arguments.joined(separator: " "))")
    }

    func testDiffBetweenGitRevisions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-diff-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("models/demo.yaml")
        try git(["init", "-q"], in: dir)
        try minimalModel().write(to: model, atomically: true, encoding: .utf8)
        try git(["add", "."], in: dir)
        try git(["commit", "-q", "-m", "v1"], in: dir)
        let v2 = minimalModel()
            .replacingOccurrences(of: "likelihood: low\n    impact: low", with: "likelihood: high\n    impact: high")
            .replacingOccurrences(of: "status: implemented", with: "status: planned")
            .replacingOccurrences(of: "elements:\n", with: "elements:\n  - { id: db, type: datastore, name: DB }\n")
        try v2.write(to: model, atomically: true, encoding: .utf8)
        try git(["commit", "-q", "-am", "v2"], in: dir)

        let markdown = try TestSupport.run(["diff", "git:HEAD~1", "git:HEAD"], in: dir)
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssertTrue(markdown.stdout.contains("| demo | changed | 0/0/1 | 0/0/1 | 1/0/0 | 0/0/0 | 1 | 4 / 0 |"), markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("- **risk up** changed threat T1 (Spoofed web): risk low → high; likelihood low → high; impact low → high"), markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("changed mitigation m1 (Auth): status implemented → planned"), markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("- new coverage gap: db: Tampering"), markdown.stdout)
        XCTAssertEqual(try TestSupport.run(["diff", "git:HEAD~1", "git:HEAD", "--fail-on-risk-increase"], in: dir).status, 1)
        XCTAssertEqual(try TestSupport.run(["diff", "git:HEAD", "git:HEAD~1", "--fail-on-risk-increase"], in: dir).status, 0,
                       "going back lowers the risk")
        let json = try TestSupport.run(["diff", "git:HEAD~1", "models", "--format", "json"], in: dir)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["models"] as? [[String: Any]])?.first?["status"] as? String, "changed")
        XCTAssertEqual(try TestSupport.run(["diff", "git:no-such-ref", "models"], in: dir).status, 2)
    }

    /// Both sides of `diff` are read as `validate` reads them (the project file, its scans, `--scan`),
    /// so a clean checkout compared with its own working tree has no changes: the working tree's side
    /// once read no scans and showed 14 evidence changes that were not real.
    func testDiffReadsBothSidesAlike() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-diff-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for item in ["models", ".threatdoc.yaml"] {
            try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        try git(["init", "-q"], in: dir)
        try git(["add", "."], in: dir)
        try git(["commit", "-q", "-m", "models"], in: dir)
        let scan = "models/scans/docker-bench-docker-host-a.json"
        for arguments in [["git:HEAD", "models/"], ["git:HEAD", "models"], ["models", "git:HEAD"],
                          ["git:HEAD", "models/docker.yaml"], ["models/kubernetes.yaml", "git:HEAD"],
                          ["git:HEAD", "models/", "--no-project"], ["git:HEAD", "models/", "--scan", scan],
                          ["git:HEAD", "models/", "--no-project", "--scan", scan]] {
            let result = try TestSupport.run(["diff"] + arguments + ["--format", "json"], in: dir)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(arguments)")
            let models = try XCTUnwrap(object["models"] as? [[String: Any]])
            let single = arguments.contains { $0.hasSuffix(".yaml") }
            XCTAssertEqual(models.count, single ? 1 : 2, "\(arguments): a side that is one file compares that model only")
            XCTAssertEqual(models.compactMap { $0["status"] as? String }, Array(repeating: "unchanged", count: models.count),
                           "\(arguments): \(result.stdout.prefix(600))")
        }
        let markdown = try TestSupport.run(["diff", "git:HEAD", "models/"], in: dir)
        XCTAssertTrue(markdown.stdout.contains("No changes in meaning."), markdown.stdout)

        // A side that cannot be loaded is named, with the file and position of its first error.
        try "threatdoc: 1\nid: bad\ntitle: Bad\nelements:\n  - { id: x, type: bogus, name: X }\n"
            .write(to: dir.appendingPathComponent("models/bad.yaml"), atomically: true, encoding: .utf8)
        let broken = try TestSupport.run(["diff", "git:HEAD", "models/"], in: dir)
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.contains("models/ has 1 error and cannot be compared; the first: models/bad.yaml:5:"), broken.stderr)
    }

    /// A `git:` side reads the other side's path in that revision: from a subfolder, in a monorepo,
    /// and for a base revision that has no models yet (the pull request that adds the first one).
    func testDiffGitSideReadsTheOtherSidesPath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-diff-paths-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("security"), withIntermediateDirectories: true)
        try "# a monorepo\n".write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try git(["init", "-q"], in: dir)
        try git(["add", "."], in: dir)
        try git(["commit", "-q", "-m", "no models yet"], in: dir)
        try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent("models"),
                                         to: dir.appendingPathComponent("security/models"))
        try git(["add", "."], in: dir)
        try git(["commit", "-q", "-m", "models"], in: dir)

        func models(_ arguments: [String], in folder: URL) throws -> [String: String] {
            let result = try TestSupport.run(["diff"] + arguments + ["--format", "json", "--no-project"], in: folder)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(arguments)")
            let list = try XCTUnwrap(object["models"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as? String ?? "", $0["status"] as? String ?? "") })
        }
        XCTAssertEqual(try models(["git:HEAD", "security/models"], in: dir), ["docker": "unchanged", "kubernetes": "unchanged"])
        XCTAssertEqual(try models(["git:HEAD", "models"], in: dir.appendingPathComponent("security")),
                       ["docker": "unchanged", "kubernetes": "unchanged"], "from a subfolder")
        XCTAssertEqual(try models(["git:HEAD~1", "security/models"], in: dir), ["docker": "added", "kubernetes": "added"])

        let outside = try TestSupport.run(["diff", "git:HEAD", "../elsewhere"], in: dir.appendingPathComponent("security"))
        XCTAssertEqual(outside.status, 2)
        XCTAssertTrue(outside.stderr.contains("../elsewhere is outside this folder"), outside.stderr)
        // A project file named on the command line that a side does not have is an error, as for validate.
        let missing = try TestSupport.run(["diff", "git:HEAD", "security/models", "--project", "nonexistent.yaml"], in: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("nonexistent.yaml"), missing.stderr)
        XCTAssertFalse(missing.stderr.contains("threatdoc-diff-"), "no temporary path: \(missing.stderr)")
    }

    /// A changed technology or description of an element, a flow's assets, and the justification of an
    /// accepted threat are changes a reviewer must see.
    func testDiffReportsEveryFieldAReviewerReads() throws {
        func model(_ technology: String, _ justification: String, _ assets: String) throws -> ResolvedModel {
            let yaml = """
                threatdoc: 1
                id: m
                title: M
                assets: [{ id: a, name: A, sensitivity: low }, { id: b, name: B, sensitivity: low }]
                elements:
                  - { id: web, type: process, name: Web, technology: \(technology) }
                  - { id: db, type: datastore, name: DB }
                flows: [{ id: f, from: web, to: db, assets: [\(assets)] }]
                threats:
                  - { id: T1, title: T, stride: [S], targets: [web], likelihood: low, impact: low, response: accept, justification: \(justification) }
                """
            return try XCTUnwrap(TestSupport.pipeline().run(text: yaml).models?.first)
        }
        let diff = ModelDiff.compare(base: [try model("nginx 1.25", "internal only", "a")],
                                     head: [try model("nginx 1.27", "exposed now", "a, b")], baseName: "old", headName: "new")
        let details = diff.models.flatMap(\.changes).flatMap(\.details)
        XCTAssertEqual(Set(details), ["technology nginx 1.25 → nginx 1.27", "justification internal only → exposed now", "assets a → a, b"])
        XCTAssertTrue(diff.markdown().contains("\n\n**Verdict: risk unchanged** (0 increases, 0 decreases): threats 0 added, 0 removed, 1 changed; "
                                               + "0 mitigation changes, 1 element change, 1 flow change; in 1 model.\n\n|"), diff.markdown())
        // A threat removed lowers the risk; one added raises it, and the verdict says so first.
        let base = try model("nginx 1.25", "internal only", "a")
        var fewer = base
        fewer.threats = []
        XCTAssertTrue(ModelDiff.compare(base: [base], head: [fewer], baseName: "a", headName: "b").verdict.hasPrefix("**Verdict: risk down** (0 increases, 1 decrease)"))
        XCTAssertTrue(ModelDiff.compare(base: [fewer], head: [base], baseName: "a", headName: "b").verdict.hasPrefix("**Verdict: risk up** (1 increase, 0 decreases)"))
        // The terminal form: the same verdict without Markdown, one marked line per change, and model
        // text with its control characters shown, never sent to the terminal.
        var hostile = base
        hostile.threats[0].title = "T\u{1B}[2J"
        let text = ModelDiff.compare(base: [fewer], head: [hostile], baseName: "a", headName: "b").text()
        XCTAssertEqual(text.components(separatedBy: "\n").prefix(4).joined(separator: "\n"), """
            Threat model changes: a → b
            Verdict: risk up (1 increase, 0 decreases): threats 1 added, 0 removed, 0 changed; 0 mitigation changes, 0 element changes, 0 flow changes; in 1 model.

            m (M): changed
            """)
        XCTAssertTrue(text.contains("  + ↑ threat T1 (T<U+001B>[2J)"), text)
        XCTAssertFalse(text.contains("\u{1B}"), text)
        XCTAssertEqual(ModelDiff.compare(base: [base], head: [base], baseName: "a", headName: "b").text(),
                       "Threat model changes: a → b\nNo changes in meaning.\n")
    }

    /// Assets, boundaries and acknowledged gaps are part of a model's meaning: a lowered sensitivity, an
    /// un-nested boundary or a gap waved away with a new reason are changes a reviewer must see.
    func testDiffShowsAssetsBoundariesAndAcknowledgedGaps() throws {
        func model(_ sensitivity: String, _ parent: String, _ reason: String, threats: String) throws -> ResolvedModel {
            let yaml = """
                threatdoc: 1
                id: m
                title: M
                assets: [{ id: pii, name: PII, sensitivity: \(sensitivity) }]
                boundaries: [{ id: outer, name: Outer }, { id: inner, name: Inner\(parent) }]
                elements:
                  - { id: web, type: process, name: Web, boundary: inner, assets: [pii] }
                  - { id: user, type: external, name: User }
                threats:
                \(threats)
                gaps:
                  - { target: user, stride: [repudiation], reason: \(reason) }
                """
            return try XCTUnwrap(TestSupport.pipeline().run(text: yaml).models?.first)
        }
        let critical = "  - { id: T1, title: Spoofed user, stride: [S], targets: [user, web], likelihood: high, impact: critical }"
        let old = try model("high", ", parent: outer", "Users sign in elsewhere.", threats: critical)
        let new = try model("low", "", "nobody cares", threats: "  []")
        let diff = ModelDiff.compare(base: [old], head: [new], baseName: "a", headName: "b")
        let lines = diff.text().components(separatedBy: "\n")
        XCTAssertTrue(lines.contains("  - ↓ threat T1 (Spoofed user): risk critical; STRIDE S"), diff.text())
        XCTAssertTrue(lines.contains("  ~ asset pii (PII): sensitivity high → low"), diff.text())
        XCTAssertTrue(lines.contains("  ~ boundary inner (Inner): inside outer → none"), diff.text())
        XCTAssertTrue(lines.contains("  ~ acknowledged gap user: Repudiation (nobody cares): reason Users sign in elsewhere. → nobody cares"), diff.text())
        XCTAssertTrue(diff.markdown().contains("- **risk down** removed threat T1 (Spoofed user): risk critical; STRIDE S"), diff.markdown())
        // The JSON form is versioned, carries the verdict, and each field change as data.
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(diff.json().utf8)) as? [String: Any])
        XCTAssertEqual(json["version"] as? Int, 1)
        let verdict = try XCTUnwrap(json["verdict"] as? [String: Any])
        XCTAssertEqual(verdict["risk"] as? String, "down")
        XCTAssertEqual(verdict["decreases"] as? Int, 1)
        let changes = try XCTUnwrap(((json["models"] as? [[String: Any]])?.first?["changes"]) as? [[String: Any]])
        let asset = try XCTUnwrap(changes.first { $0["kind"] as? String == "asset" })
        XCTAssertEqual(asset["fields"] as? [[String: String]], [["field": "sensitivity", "from": "high", "to": "low"]])
    }

    func testDiffTextFormatFromTheCommandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("td-difftext-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let model = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("models/docker.yaml"), encoding: .utf8)
        try model.write(to: folder.appendingPathComponent("old.yaml"), atomically: true, encoding: .utf8)
        try model.replacingOccurrences(of: "    likelihood: low\n", with: "    likelihood: high\n")
            .write(to: folder.appendingPathComponent("new.yaml"), atomically: true, encoding: .utf8)
        let run = try TestSupport.run(["diff", "old.yaml", "new.yaml", "--no-project", "--format", "text"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("Threat model changes: old.yaml → new.yaml\nVerdict: risk up"), run.stdout)
        XCTAssertTrue(run.stdout.contains("  ~ ↑ threat "), run.stdout)
        XCTAssertFalse(run.stdout.contains("**"), "no Markdown in the text form")
    }

    func python(_ arguments: [String]) throws -> String {
        try TestSupport.runProgram(tool: TestSupport.python,
                                   [TestSupport.fixtures.appendingPathComponent(arguments[0]).path] + arguments.dropFirst()).stdout
    }
}

/// `threatdoc export --format json`: the resolved model as data, evidence included, the same bytes each time.
final class ExportTests: XCTestCase {
    func testJSONExportCarriesTheResolvedModelAndIsDeterministic() throws {
        let first = try TestSupport.run(["export", "models/docker.yaml", "--format", "json"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try TestSupport.run(["export", "models/docker.yaml", "--format", "json"])
        XCTAssertEqual(first.stdout, second.stdout, "byte-identical for the same input")
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(document["format"] as? String, "threatdoc-model")
        XCTAssertEqual(document["version"] as? Int, 1)
        let model = try XCTUnwrap(document["model"] as? [String: Any])
        XCTAssertEqual(model["id"] as? String, "docker")
        // It decodes back into the resolved model the report is made from.
        let decoded = try JSONDecoder().decode(ResolvedModel.self, from: JSONSerialization.data(withJSONObject: model))
        let expected = try XCTUnwrap(TestSupport.pipeline().run(paths: [TestSupport.packageRoot.appendingPathComponent("models/docker.yaml").path]).models?.first)
        // (The test pipeline reads no scans, so compare what scans do not change.)
        XCTAssertEqual(decoded.threats.map { "\($0.id) \($0.risk) \($0.targets)" }, expected.threats.map { "\($0.id) \($0.risk) \($0.targets)" })
        XCTAssertEqual(decoded.elements, expected.elements)
        // The project file's scans are read, so evidence states are there.
        let states = Set(decoded.mitigations.map(\.evidence.state))
        XCTAssertTrue(states.isSuperset(of: [.verified, .contradicted]), "\(states)")
        // A model with errors is not exported; -o writes the file.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("td-export-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "threatdoc: 1\nid: broken\n".write(to: folder.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let broken = try TestSupport.run(["export", "broken.yaml", "--format", "json", "--no-project"], in: folder)
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.stderr.contains("error[TD203]"), broken.stderr)
        let written = try TestSupport.run(["export", TestSupport.packageRoot.appendingPathComponent("models/docker.yaml").path,
                                           "--format", "json", "--no-project", "-o", "docker.json"], in: folder)
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("docker.json").path))
    }
}
