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

/// One test (or a few) per validation rule, each on a small inline model.
final class RuleTests: XCTestCase {
    func testMinimalModelIsClean() {
        let diagnostics = TestSupport.diagnose(minimalModel())
        XCTAssertEqual(diagnostics.filter { $0.severity != .note }.count, 0, "\(diagnostics)")
    }

    func testUnknownKeysSuggestTheClosestField() throws {
        let yaml = minimalModel().replacingOccurrences(of: "likelihood: low", with: "likelyhood: low")
        let diagnostics = TestSupport.diagnose(yaml)
        let unknown = try XCTUnwrap(diagnostics.with(.unknownKey).first)
        XCTAssertEqual(unknown.help, "did you mean 'likelihood'?")
        XCTAssertEqual(diagnostics.with(.missingField).count, 1, "the real field is now missing")
    }

    func testWrongTypeSaysWhatWasExpected() throws {
        let yaml = minimalModel().replacingOccurrences(of: "targets: [web]", with: "targets: web")
        let diagnostic = try XCTUnwrap(TestSupport.diagnose(yaml).with(.wrongType).first)
        XCTAssertTrue(diagnostic.message.contains("should be a list"), diagnostic.message)
        XCTAssertEqual(diagnostic.location?.line, 10)
    }

    func testInvalidKeywordsSuggest() throws {
        let yaml = minimalModel().replacingOccurrences(of: "stride: [S]", with: "stride: [spoofin]")
        let diagnostic = try XCTUnwrap(TestSupport.diagnose(yaml).with(.invalidValue).first)
        XCTAssertTrue(diagnostic.help.hasPrefix("did you mean 'spoofing'?"), diagnostic.help)
    }

    func testStrideLettersAndNamesAreAccepted() throws {
        let yaml = minimalModel().replacingOccurrences(of: "stride: [S]", with: "stride: [S, T, repudiation, I, D, elevation-of-privilege]")
        let model = try XCTUnwrap(TestSupport.pipeline().run(text: yaml).models?.first)
        XCTAssertEqual(model.threats[0].stride, StrideCategory.allCases)
    }

    func testIDPattern() {
        XCTAssertNil(IDsAreWellFormed.problem(with: "DKR-S1"))
        XCTAssertNil(IDsAreWellFormed.problem(with: "a.b_c-d"))
        XCTAssertNotNil(IDsAreWellFormed.problem(with: "1abc"))
        XCTAssertNotNil(IDsAreWellFormed.problem(with: "a..b"))
        XCTAssertNotNil(IDsAreWellFormed.problem(with: "a/b"))
        XCTAssertNotNil(IDsAreWellFormed.problem(with: String(repeating: "a", count: 65)))
        XCTAssertTrue(IDsAreWellFormed.problem(with: "web\u{202E}")!.contains("U+202E"))
        let yaml = minimalModel().replacingOccurrences(of: "id: web,", with: "id: ../etc,")
            .replacingOccurrences(of: "targets: [web]", with: "targets: [../etc]")
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.invalidID), ["5:11"])
    }

    func testDuplicateIDsIgnoreCaseAndShowBothPlaces() throws {
        let yaml = minimalModel() + "assets:\n  - { id: WEB, name: W, sensitivity: low }\n"
        let diagnostic = try XCTUnwrap(TestSupport.diagnose(yaml).with(.duplicateID).first)
        XCTAssertEqual(diagnostic.location?.line, 17)
        XCTAssertEqual(diagnostic.related.first?.location.line, 5)
        XCTAssertTrue(diagnostic.message.contains("(IDs ignore case)"), diagnostic.message)
    }

    func testDuplicateModelIDsAcrossFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("td-dup-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try minimalModel().write(to: root.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try minimalModel().replacingOccurrences(of: "id: demo", with: "id: Demo")
            .write(to: root.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let diagnostics = TestSupport.pipeline().run(paths: [root.path]).diagnostics.with(.duplicateModelID)
        XCTAssertEqual(diagnostics.count, 1)
        XCTAssertTrue(diagnostics[0].location!.file.hasSuffix("b.yaml"))
        XCTAssertTrue(diagnostics[0].related[0].location.file.hasSuffix("a.yaml"))
    }

    func testReferencesResolveWithSuggestions() throws {
        let yaml = minimalModel().replacingOccurrences(of: "targets: [web]", with: "targets: [wbe]")
            .replacingOccurrences(of: "mitigations: [m1]", with: "mitigations: [M1]")
        let diagnostics = TestSupport.diagnose(yaml).with(.unresolvedReference)
        XCTAssertEqual(diagnostics.map(\.help), ["did you mean 'web'?",
                                                 "did you mean 'm1'? IDs must be written with the same case everywhere"])
    }

    func testEveryReferenceFieldIsChecked() {
        let yaml = minimalModel().replacingOccurrences(of: "{ id: web, type: process, name: Web }",
            with: "{ id: web, type: process, name: Web, boundary: nob, assets: [noa] }") + """
            boundaries:
              - { id: b1, name: B, parent: nop }
            flows:
              - { id: f1, from: nof, to: not }
            findings:
              - { check: "docker:2.14", issue: x, threats: [nth] }
            gaps:
              - { target: nog, stride: [S], reason: r }

            """
        let refs = TestSupport.diagnose(yaml).with(.unresolvedReference).map { $0.message.components(separatedBy: "'")[1] }
        XCTAssertEqual(Set(refs), ["nob", "noa", "nop", "nof", "not", "nth", "nog"])
    }

    func testReferenceOfWrongKind() throws {
        let yaml = minimalModel().replacingOccurrences(of: "mitigations: [m1]", with: "mitigations: [m1, web]")
        let diagnostic = try XCTUnwrap(TestSupport.diagnose(yaml).with(.wrongReferenceKind).first)
        XCTAssertTrue(diagnostic.message.contains("'web' is a process"), diagnostic.message)
    }

    func testUnaddressedThreatIsAWarning() {
        let yaml = minimalModel().replacingOccurrences(of: "    mitigations: [m1]\n", with: "")
        let diagnostics = TestSupport.diagnose(yaml)
        XCTAssertEqual(diagnostics.positions(.unaddressedThreat), ["7:9"])
        XCTAssertEqual(diagnostics.with(.unaddressedThreat)[0].severity, .warning)
    }

    func testAcceptWithoutJustificationIsAnError() {
        let accepted = minimalModel().replacingOccurrences(of: "    mitigations: [m1]\n", with: "    response: accept\n")
        XCTAssertEqual(TestSupport.diagnose(accepted).positions(.missingJustification), ["13:15"])
        let justified = accepted.replacingOccurrences(of: "response: accept", with: "response: transfer\n    justification: Insured.")
        let diagnostics = TestSupport.diagnose(justified)
        XCTAssertEqual(diagnostics.with(.missingJustification).count, 0)
        XCTAssertEqual(diagnostics.with(.unaddressedThreat).count, 0)
    }

    func testUnusedMitigation() {
        let yaml = minimalModel() + "  - { id: m2, title: Spare, status: planned }\n"
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.unusedMitigation), ["16:11"])
    }

    func testStridePerElement() {
        let yaml = minimalModel().replacingOccurrences(of: "type: process", with: "type: datastore")
        // Spoofing does not apply to a data store.
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.strideNotApplicable), ["9:14"])
        let external = minimalModel().replacingOccurrences(of: "type: process", with: "type: external")
            .replacingOccurrences(of: "stride: [S]", with: "stride: [S, R, T]")
        XCTAssertEqual(TestSupport.diagnose(external).positions(.strideNotApplicable), ["9:20"])
    }

    func testCoverageNotesGapsAndSummarises() throws {
        let diagnostics = TestSupport.diagnose(minimalModel())
        let gap = try XCTUnwrap(diagnostics.with(.coverageGap).first)
        XCTAssertEqual(gap.severity, .note)
        XCTAssertTrue(gap.message.contains("Tampering, Repudiation, Information disclosure, Denial of service, Elevation of privilege"), gap.message)
        let summary = try XCTUnwrap(diagnostics.with(.coverageSummary).first)
        XCTAssertTrue(summary.message.contains("1 of 6 applicable categories covered"), summary.message)
    }

    func testAcknowledgedGapsAreNotReportedAndStaleOnesAre() {
        let yaml = minimalModel() + """
            gaps:
              - { target: web, stride: [T, R, I, D, E], reason: Out of scope. }
              - { target: web, stride: [S], reason: Stale. }

            """
        let diagnostics = TestSupport.diagnose(yaml)
        XCTAssertEqual(diagnostics.with(.coverageGap).count, 0)
        XCTAssertEqual(diagnostics.positions(.staleGap), ["18:29"])
        XCTAssertTrue(diagnostics.with(.coverageSummary)[0].message.contains("5 acknowledged, 0 open"))
    }

    func testBoundaryCycles() throws {
        let yaml = minimalModel() + """
            boundaries:
              - { id: a, name: A, parent: c }
              - { id: b, name: B, parent: a }
              - { id: c, name: C, parent: b }
              - { id: d, name: D, parent: a }
              - { id: self, name: S, parent: self }

            """
        let diagnostics = TestSupport.diagnose(yaml).with(.boundaryCycle)
        XCTAssertEqual(diagnostics.map(\.message), ["boundary 'a' is inside itself: a → c → b → a",
                                                    "boundary 'self' is inside itself: self → self"])
    }

    func testReviewDates() {
        func review(_ date: String) -> [Diagnostic] { TestSupport.diagnose(minimalModel() + "reviewed: \(date)\n") }
        XCTAssertEqual(review("2026-11-01").filter { $0.severity != .note }.count, 0)
        XCTAssertEqual(review("2026-11-27").codes().filter { $0 != "TD309" && $0 != "TD314" }, ["TD311"])
        XCTAssertEqual(review("2025-11-25").codes().filter { $0 != "TD309" && $0 != "TD314" }, ["TD312"])
        XCTAssertEqual(review("2026-02-30").codes().filter { $0 != "TD309" && $0 != "TD314" }, ["TD207"])
        let strict = Pipeline(options: ValidationOptions(today: TestSupport.today, maxReviewAgeDays: 10))
        XCTAssertEqual(strict.run(text: minimalModel() + "reviewed: 2026-11-01\n").diagnostics.with(.reviewOverdue).count, 1)
    }

    func testCalendarDateFromSourceDateEpoch() {
        XCTAssertEqual(CalendarDate.today(environment: ["SOURCE_DATE_EPOCH": "1795651200"]).description, "2026-11-26")
        XCTAssertEqual(CalendarDate(unixTime: 0).description, "1970-01-01")
        XCTAssertEqual(CalendarDate("2000-02-29")!.daysSinceEpoch, 11_016)
        XCTAssertNil(CalendarDate("2023-02-29"))
    }

    func testReferenceURLsAreAllowListed() {
        XCTAssertNil(LinkPolicy.problem(with: "https://example.com/a"))
        XCTAssertNil(LinkPolicy.problem(with: "mailto:sec@example.com"))
        XCTAssertNil(LinkPolicy.problem(with: "docs/runbook.md#step-2"))
        XCTAssertNotNil(LinkPolicy.problem(with: "javascript:alert(1)"))
        XCTAssertNotNil(LinkPolicy.problem(with: "JaVaScRiPt:alert(1)"))
        XCTAssertNotNil(LinkPolicy.problem(with: "\tjavascript:alert(1)"))
        XCTAssertNotNil(LinkPolicy.problem(with: "data:text/html,<script>"))
        XCTAssertNotNil(LinkPolicy.problem(with: "file:///etc/passwd"))
        XCTAssertNotNil(LinkPolicy.problem(with: "https:evil"))
        let yaml = minimalModel().replacingOccurrences(of: "status: implemented }", with: "status: implemented, references: [\"vbscript:x\"] }")
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.invalidURL), ["15:62"])
    }

    func testCheckReferences() {
        XCTAssertEqual(try CheckReference.parse("docker:2.14").get(), CheckReference(tool: .docker, version: nil, checkID: "2.14"))
        XCTAssertEqual(try CheckReference.parse("kubernetes@cis-1.9:1.2.16").get().version, "cis-1.9")
        XCTAssertThrowsError(try CheckReference.parse("dokcer:2.14").get()) { error in
            XCTAssertEqual((error as? CheckReference.Problem)?.help, "did you mean 'docker'?")
        }
        XCTAssertThrowsError(try CheckReference.parse("2.14").get())
        XCTAssertThrowsError(try CheckReference.parse("docker:").get())
        let yaml = minimalModel().replacingOccurrences(of: "status: implemented }", with: "status: implemented, checks: [\"docker 2.14\"] }")
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.invalidCheckReference), ["15:58"])
    }

    /// A check written as words from its title is answered with the catalog's search: the checks that
    /// match, in the catalog the model declares, and the command that lists every match.
    func testCheckReferenceWrittenAsWordsSuggestsTheChecks() throws {
        let yaml = minimalModel()
            .replacingOccurrences(of: "status: implemented }",
                                  with: "status: implemented, checks: [\"kubernetes:network policies\", \"kubernetes:zebra crossing\"] }")
            .replacingOccurrences(of: "threatdoc: 1\n", with: "threatdoc: 1\nbenchmarks: { kubernetes: cis-1.12 }\n")
        let found = TestSupport.diagnose(yaml).filter { $0.code == .invalidCheckReference }
        XCTAssertEqual(found.count, 2)
        let words = try XCTUnwrap(found.first)
        XCTAssertEqual(words.message, "'kubernetes:network policies' is not a check reference: a check is named by its number, not by words from its title")
        XCTAssertTrue(words.help.contains("kubernetes:5.3.2 (Ensure that all Namespaces have NetworkPolicies defined)"), words.help)
        XCTAssertTrue(words.help.contains("`threatdoc bench list kubernetes --catalog cis-1.12 --search \"network policies\"`"), words.help)
        XCTAssertEqual(found.last?.help, "write the check's number; `threatdoc bench list kubernetes --catalog cis-1.12 --search \"zebra crossing\"` looks for it")
        // A version in the reference, a number before the words, a tool's nickname, and words a shell would
        // read as code.
        let more = yaml.replacingOccurrences(of: "\"kubernetes:zebra crossing\"",
                                             with: "\"kubernetes@cis-1.9:network policies\", \"kubernetes:5.3.2 network policies\", \"k8s:5.3.2\", \"kubernetes:x\\\" ; rm -rf ~ \\\"\"")
        let helps = TestSupport.diagnose(more).filter { $0.code == .invalidCheckReference }.map(\.help)
        XCTAssertEqual(helps.count, 5, "\(helps)")
        XCTAssertTrue(helps[1].contains("kubernetes@cis-1.9:5.3.2 (Ensure that all Namespaces have NetworkPolicies defined)"), helps[1])
        XCTAssertTrue(helps[1].contains("--catalog cis-1.9 --search"), helps[1])
        XCTAssertEqual(helps[2], "write the check's number alone: did you mean kubernetes:5.3.2 (Ensure that all Namespaces have NetworkPolicies defined)?")
        XCTAssertEqual(helps[3], "did you mean 'kubernetes'?")
        XCTAssertFalse(helps[4].contains("rm -rf"), helps[4])
        // Validation without the catalogs still reports the error, with the syntax's own help.
        let structural = Validator(options: ValidationOptions(today: CalendarDate("2026-11-26")!))
        let loaded = try XCTUnwrap(ModelLoader().load(text: yaml, path: "model.yaml").models.first)
        XCTAssertEqual(structural.validate([loaded]).diagnostics.sorted.filter { $0.code == .invalidCheckReference }.count, 2)
    }

    func testRiskMatrix() {
        XCTAssertEqual(RiskMatrix.risk(likelihood: .low, impact: .low), .low)
        XCTAssertEqual(RiskMatrix.risk(likelihood: .medium, impact: .critical), .high)
        XCTAssertEqual(RiskMatrix.risk(likelihood: .critical, impact: .high), .critical)
        XCTAssertEqual(RiskMatrix.risk(likelihood: .high, impact: .low), .medium)
    }

    func testEveryCodeIsUniqueAndBelongsToARule() {
        let ids = DiagnosticCode.all.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        let ruleCodes = Validator.modelRules.flatMap { type(of: $0).codes } + Validator.projectRules.flatMap { type(of: $0).codes }
        for code in ruleCodes { XCTAssertTrue(DiagnosticCode.all.contains(code), code.id) }
    }
}
