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

/// Catalog lookups, scan readers for every format variant, and the evidence each mitigation gets.
final class EvidenceTests: XCTestCase {
    static let scans = TestSupport.fixtures.appendingPathComponent("scans")

    static func scan(_ name: String, host: String? = nil) -> Pipeline.ScanInput {
        Pipeline.ScanInput(path: scans.appendingPathComponent(name).path, host: host ?? name)
    }

    static let dockerModel = """
        threatdoc: 1
        id: d
        title: Docker
        benchmarks: { docker: cis-docker-1.6.0 }
        elements:
          - { id: dockerd, type: process, name: dockerd }
        threats:
          - { id: T1, title: Escape, stride: [E], targets: [dockerd], likelihood: low, impact: low, mitigations: [nnp, live, proxy, tls, users, trusted] }
          - { id: T2, title: Crash, stride: [D], targets: [dockerd], likelihood: low, impact: low, mitigations: [proxy] }
        mitigations:
          - { id: nnp, title: No new privileges, status: implemented, checks: ["docker:2.14"] }
          - { id: live, title: Live restore, status: implemented, checks: ["docker:2.15"] }
          - { id: proxy, title: Userland proxy off, status: not-started, checks: ["docker:2.16"] }
          - { id: tls, title: TLS, status: planned, checks: ["docker:2.7"] }
          - { id: users, title: Trusted users, status: implemented, checks: ["docker:1.1.2"] }
          - { id: trusted, title: Trusted images, status: implemented, checks: ["docker:4.2"] }

        """

    func run(_ yaml: String, scans: [Pipeline.ScanInput]) -> Pipeline.Outcome {
        Pipeline(options: ValidationOptions(today: TestSupport.today), scans: scans).run(text: yaml)
    }

    func states(_ outcome: Pipeline.Outcome) throws -> [String: EvidenceState] {
        let model = try XCTUnwrap(outcome.models?.first, "\(outcome.diagnostics.filter { $0.severity == .error })")
        return Dictionary(uniqueKeysWithValues: model.mitigations.map { ($0.id, $0.evidence.state) })
    }

    // MARK: Catalogs

    func testBundledCatalogs() throws {
        let docker = try XCTUnwrap(BenchmarkCatalog.find(tool: .docker, version: "cis-docker-1.6.0"))
        XCTAssertEqual(docker.check("2.14")?.title, "Ensure containers are restricted from acquiring new privileges")
        XCTAssertEqual(docker.check("2.15")?.title, "Ensure live restore is enabled")
        XCTAssertEqual(docker.check("2.16")?.title, "Ensure Userland Proxy is Disabled")
        let old = try XCTUnwrap(BenchmarkCatalog.find(tool: .docker, version: "cis-docker-1.1.0"))
        XCTAssertEqual(old.check("2.14")?.title, "Ensure live restore is Enabled", "the Docker Hub image's numbering")
        XCTAssertEqual(old.check("2.18")?.title, "Ensure containers are restricted from acquiring new privileges")
        for version in ["cis-1.8", "cis-1.9", "cis-1.10", "cis-1.11", "cis-1.12", "cis-1.23", "cis-1.24", "eks-1.5.0", "gke-1.6.0", "aks-1.7"] {
            XCTAssertNotNil(BenchmarkCatalog.find(tool: .kubernetes, version: version), version)
        }
        let k12 = try XCTUnwrap(BenchmarkCatalog.find(tool: .kubernetes, version: "cis-1.12"))
        XCTAssertEqual(k12.check("1.2.16")?.title, "Ensure that the --audit-log-path argument is set")
        XCTAssertEqual(k12.check("1.2.1")?.isManual, true)
        XCTAssertEqual(k12.check("4.2.1")?.nodeType, "node")
        XCTAssertEqual(BenchmarkCatalog.find(tool: .kubernetes, version: "cis-1.23")?.check("1.2.19")?.title,
                       "Ensure that the --audit-log-path argument is set", "IDs drift between versions")
    }

    func testSuggestionsByWordsAndByNumber() throws {
        let docker = try XCTUnwrap(BenchmarkCatalog.find(tool: .docker, version: "cis-docker-1.6.0"))
        XCTAssertEqual(docker.suggestions(for: "live-restore").map(\.id), ["2.15"])
        XCTAssertEqual(docker.suggestions(for: "userland_proxy").map(\.id), ["2.16"])
        XCTAssertEqual(docker.suggestions(for: "2.99").map(\.id), ["2.9", "2.18"])
    }

    func testUnknownAndMisrememberedChecksAreLocatedWithSuggestions() {
        let yaml = Self.dockerModel.replacingOccurrences(of: "\"docker:2.7\"", with: "\"docker:2.99\"")
            .replacingOccurrences(of: "\"docker:1.1.2\"", with: "\"docker:live-restore\"")
        let unknown = TestSupport.diagnose(yaml).with(.unknownCheck)
        XCTAssertEqual(unknown.map { "\($0.location!.line):\($0.location!.column)" }, ["14:54", "15:70"])
        XCTAssertTrue(unknown[0].help.contains("docker:2.9 (Enable user namespace support)"), unknown[0].help)
        XCTAssertEqual(unknown[1].help, "did you mean docker:2.15 (Ensure live restore is enabled)?")
    }

    func testUndeclaredToolAndUnknownCatalog() {
        let undeclared = Self.dockerModel.replacingOccurrences(of: "\"docker:2.7\"", with: "\"kubernetes:1.2.1\"")
        XCTAssertEqual(TestSupport.diagnose(undeclared).positions(.undeclaredBenchmark), ["14:54"])
        let unknown = Self.dockerModel.replacingOccurrences(of: "docker: cis-docker-1.6.0", with: "docker: cis-docker-1.6")
        let diagnostic = TestSupport.diagnose(unknown).with(.unknownCatalog)
        XCTAssertEqual(diagnostic.count, 1)
        XCTAssertTrue(diagnostic[0].help.hasPrefix("did you mean 'cis-docker-1.6.0'?"), diagnostic[0].help)
        let defaults = Self.dockerModel.replacingOccurrences(of: "benchmarks: { docker: cis-docker-1.6.0 }\n", with: "")
        XCTAssertFalse(TestSupport.pipeline().run(text: defaults).hasErrors, "without `benchmarks:`, defaults apply")
    }

    // MARK: Scan formats

    func read(_ name: String) -> (ScanReport?, [Diagnostic]) {
        var diagnostics = DiagnosticBag()
        let report = ScanReader.read(path: Self.scans.appendingPathComponent(name).path, label: nil, into: &diagnostics)
        return (report, diagnostics.sorted)
    }

    func testDockerBench16() throws {
        let report = try XCTUnwrap(read("docker-bench-1.6.json").0)
        XCTAssertEqual(report.tool, .docker)
        XCTAssertEqual(report.catalogVersion, "cis-docker-1.6.0", "5.1 is swarm mode: master numbering")
        XCTAssertEqual(report.results.count, 8)
        XCTAssertEqual(report.counts(), [.pass: 3, .fail: 3, .info: 1, .manual: 1])
        XCTAssertEqual(report.label, "docker-bench-1.6")
        XCTAssertEqual(report.started, 1_795_400_000)
    }

    func testDockerBench134() throws {
        let report = try XCTUnwrap(read("docker-bench-1.3.4.json").0)
        XCTAssertEqual(report.catalogVersion, "cis-docker-1.1.0")
        XCTAssertEqual(report.results.first { $0.id == "2.14" }?.title, "Ensure live restore is Enabled")
        XCTAssertEqual(report.counts(), [.pass: 1, .fail: 4, .info: 2])
    }

    func testDockerBench136WithRemediation() throws {
        let report = try XCTUnwrap(read("docker-bench-1.3.6-remediation.json").0)
        XCTAssertEqual(report.catalogVersion, "cis-docker-1.4.0")
        XCTAssertEqual(report.counts(), [.pass: 2, .fail: 1])
    }

    func testUnescapedDockerBenchOutputGetsALocatedError() throws {
        let (report, diagnostics) = read("docker-bench-unescaped.json")
        XCTAssertNil(report)
        let error = try XCTUnwrap(diagnostics.first)
        XCTAssertEqual(error.code, .scanUnreadable)
        XCTAssertEqual(error.location?.line, 13)
        XCTAssertTrue(error.help.contains("does not escape"), error.help)
    }

    func testKubeBenchWithTotals() throws {
        let report = try XCTUnwrap(read("kube-bench-cis-1.12.json").0)
        XCTAssertEqual(report.tool, .kubernetes)
        XCTAssertEqual(report.catalogVersion, "cis-1.12")
        XCTAssertEqual(report.format, "kube-bench JSON ({Controls, Totals})")
        XCTAssertEqual(report.counts(), [.pass: 1, .fail: 2, .manual: 1])
        XCTAssertEqual(report.results.first { $0.id == "4.2.1" }?.nodeType, "node")
    }

    func testKubeBenchBareArrayOldFields() throws {
        let report = try XCTUnwrap(read("kube-bench-1.5-nototals.json").0)
        XCTAssertEqual(report.catalogVersion, "cis-1.5", "\"1.5\" is the pre-2021 way of writing cis-1.5")
        XCTAssertEqual(report.format, "kube-bench JSON (bare array, --nototals)")
        XCTAssertEqual(report.counts(), [.pass: 1, .fail: 1])
    }

    func testTextOutputIsRejectedWithAHint() throws {
        let (report, diagnostics) = read("kube-bench-text-output.txt")
        XCTAssertNil(report)
        XCTAssertEqual(diagnostics.first?.location?.line, 1)
        XCTAssertTrue(diagnostics.first?.help.contains("--json") == true)
    }

    func testTrivySummaryReport() throws {
        let report = try XCTUnwrap(read("trivy-docker-summary.json").0)
        XCTAssertEqual(report.tool, .docker)
        XCTAssertEqual(report.catalogVersion, "cis-docker-1.6.0")
        XCTAssertEqual(report.counts(), [.pass: 1, .fail: 1, .manual: 1])
        let yaml = Self.dockerModel.replacingOccurrences(of: "\"docker:4.2\"", with: "\"docker:4.5\"")
        let outcome = run(yaml, scans: [Self.scan("trivy-docker-summary.json", host: "image-scan")])
        XCTAssertEqual(try states(outcome)["trusted"], .contradicted, "content trust (4.5) fails in the Trivy report")
    }

    func testTrivyOperatorReportRemapsByTitle() throws {
        let report = try XCTUnwrap(read("trivy-operator-k8s.json").0)
        XCTAssertEqual(report.tool, .kubernetes)
        XCTAssertEqual(report.catalogVersion, "cis-1.23")
        XCTAssertEqual(report.counts(), [.pass: 1, .fail: 1, .manual: 1])
        let yaml = """
            threatdoc: 1
            id: k
            title: K
            benchmarks: { kubernetes: cis-1.12 }
            elements:
              - { id: api, type: process, name: API server }
            threats:
              - { id: T1, title: T, stride: [R], targets: [api], likelihood: low, impact: low, mitigations: [audit, nodes] }
            mitigations:
              - { id: audit, title: Audit log, status: implemented, checks: ["kubernetes:1.2.16"] }
              - { id: nodes, title: NodeRestriction, status: implemented, checks: ["kubernetes:1.2.14"] }

            """
        let outcome = run(yaml, scans: [Self.scan("trivy-operator-k8s.json", host: "cluster")])
        XCTAssertEqual(try states(outcome), ["audit": .verified, "nodes": .contradicted],
                       "cis-1.23's 1.2.19 is cis-1.12's 1.2.16, and its 1.2.16 is cis-1.12's 1.2.14")
        XCTAssertEqual(outcome.diagnostics.with(.checkRemapped).count, 2)
    }

    func testUnknownJSONIsRejected() throws {
        var diagnostics = DiagnosticBag()
        XCTAssertNil(ScanReader.parse(Data(#"{"hello": 1}"#.utf8), path: "x.json", label: "x", into: &diagnostics))
        XCTAssertEqual(diagnostics.diagnostics.codes(), ["TD411"])
    }

    // MARK: Evidence

    func testEveryEvidenceState() throws {
        let outcome = run(Self.dockerModel, scans: [Self.scan("docker-bench-1.6.json", host: "host-a")])
        XCTAssertEqual(try states(outcome), [
            "nnp": .verified, "live": .contradicted, "proxy": .failingAsExpected, "tls": .verified,
            "users": .unverified, "trusted": .unverified,
        ])
        XCTAssertEqual(outcome.diagnostics.with(.contradictedEvidence).count, 1)
        XCTAssertEqual(outcome.diagnostics.with(.contradictedEvidence)[0].severity, .warning)
        XCTAssertEqual(outcome.diagnostics.with(.statusBehindEvidence).count, 1, "tls is planned but passes")
        let flagged = outcome.diagnostics.with(.threatContradicted).map { $0.message.components(separatedBy: "'")[1] }
        XCTAssertEqual(flagged, ["T1"])
        let model = try XCTUnwrap(outcome.models?.first)
        XCTAssertEqual(model.threats.map(\.contradicted), [true, false])
        XCTAssertEqual(model.scans.map(\.host), ["host-a"])
        XCTAssertEqual(model.scans.first?.date, "2026-11-23")
    }

    func testNoScanMeansUnverified() throws {
        XCTAssertEqual(Set(try states(run(Self.dockerModel, scans: [])).values), [.unverified])
        XCTAssertTrue(run(Self.dockerModel, scans: []).diagnostics.with(.evidence).isEmpty)
    }

    func testUncoveredFindingsAreListedPerScan() throws {
        let outcome = run(Self.dockerModel, scans: [Self.scan("docker-bench-1.6.json", host: "host-a")])
        let model = try XCTUnwrap(outcome.models?.first)
        XCTAssertEqual(model.uncoveredFindings.map(\.id), ["5.26"])
        let note = try XCTUnwrap(outcome.diagnostics.with(.uncoveredFindings).first)
        XCTAssertTrue(note.message.contains("host-a: 1 WARN or FAIL result that no mitigation of 'd' covers: 5.26"), note.message)
    }

    func testDriftedNumberingIsRemappedByTitle() throws {
        let outcome = run(Self.dockerModel, scans: [Self.scan("docker-bench-1.3.4.json", host: "hub-image")])
        let states = try states(outcome)
        XCTAssertEqual(states["nnp"], .verified, "the 1.3.4 scan's 2.18 is no-new-privileges")
        XCTAssertEqual(states["live"], .contradicted, "the 1.3.4 scan's 2.14 is live restore")
        XCTAssertEqual(states["proxy"], .failingAsExpected, "the 1.3.4 scan's 2.15 is the userland proxy")
        let notes = outcome.diagnostics.with(.checkRemapped).map(\.message)
        XCTAssertEqual(notes.count, 5, "2.14, 2.15, 2.16, and 2.7 (scan 2.6) and 1.1.2 (scan 1.4) drifted too")
        XCTAssertTrue(notes.contains { $0.contains("numbers 'Ensure live restore is enabled' as 2.14; counted as docker:2.15") }, "\(notes)")
        let live = try XCTUnwrap(outcome.models?.first?.mitigations.first { $0.id == "live" })
        XCTAssertEqual(live.evidence.checks.first?.results.first?.scannedAs, "2.14")
        // The 1.3.4 scan's own 2.14 must not count as the model's 2.14.
        let nnp = try XCTUnwrap(outcome.models?.first?.mitigations.first { $0.id == "nnp" })
        XCTAssertEqual(nnp.evidence.checks.first?.results.first?.rawStatus, "PASS")
    }

    func testSeveralHostsAggregate() throws {
        let outcome = run(Self.dockerModel, scans: [Self.scan("docker-bench-1.6.json", host: "host-a"),
                                                    Self.scan("docker-bench-1.3.6-remediation.json", host: "host-b")])
        let model = try XCTUnwrap(outcome.models?.first)
        let live = try XCTUnwrap(model.mitigations.first { $0.id == "live" })
        XCTAssertEqual(live.evidence.checks[0].results.map { "\($0.host) \($0.rawStatus)" }, ["host-a WARN", "host-b PASS"])
        XCTAssertEqual(live.evidence.state, .contradicted, "passing counts only when it passes everywhere")
        let nnp = try XCTUnwrap(model.mitigations.first { $0.id == "nnp" })
        XCTAssertEqual(nnp.evidence.state, .verified, "a host that did not report the check does not count against it")
        XCTAssertEqual(model.scans.map(\.host), ["host-a", "host-b"])
    }

    func testKubernetesEvidenceAcrossBenchmarkVersions() throws {
        let yaml = """
            threatdoc: 1
            id: k
            title: K
            benchmarks: { kubernetes: cis-1.12 }
            elements:
              - { id: api, type: process, name: API server }
            threats:
              - { id: T1, title: Spoofing, stride: [S], targets: [api], likelihood: low, impact: low, mitigations: [anon, audit, retention, kubelet] }
            mitigations:
              - { id: anon, title: No anonymous API, status: implemented, checks: ["kubernetes:1.2.1"] }
              - { id: audit, title: Audit log, status: implemented, checks: ["kubernetes:1.2.16"] }
              - { id: retention, title: Retention, status: in-progress, checks: ["kubernetes:1.2.17"] }
              - { id: kubelet, title: Kubelet auth, status: implemented, checks: ["kubernetes:4.2.1"] }

            """
        let outcome = run(yaml, scans: [Self.scan("kube-bench-cis-1.12.json", host: "cp-1"),
                                        Self.scan("kube-bench-1.5-nototals.json", host: "old-node")])
        XCTAssertEqual(try states(outcome), ["anon": .unverified, "audit": .verified, "retention": .failingAsExpected,
                                             "kubelet": .contradicted])
        let kubelet = try XCTUnwrap(outcome.models?.first?.mitigations.first { $0.id == "kubelet" })
        XCTAssertEqual(kubelet.evidence.checks[0].results.map(\.host), ["cp-1", "old-node"],
                       "4.2.1 keeps its number in cis-1.5; the API server's 1.2.1 with the same title is not confused with it")
        let uncovered = try XCTUnwrap(outcome.models?.first?.uncoveredFindings)
        XCTAssertEqual(uncovered.map { "\($0.host) \($0.id)" }, ["old-node 4.2.6"])
    }

    /// A status the tool does not write is said (TD414, naming the file and the check) and counts as
    /// informational, never as a pass.
    func testAnUnknownScanStatusIsANoteNotAPass() throws {
        let source = TestSupport.packageRoot.appendingPathComponent("models/scans/kube-bench-control-plane-1.json")
        let text = try String(contentsOf: source, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "\"status\":\"PASS\"", with: "\"status\":\"ERROR\"")
        XCTAssertNotEqual(changed, text)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("td-kb-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try changed.write(to: file, atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticBag()
        let report = try XCTUnwrap(ScanReader.read(path: file.path, label: nil, into: &diagnostics))
        let notes = diagnostics.diagnostics.filter { $0.code == .scanStatusUnknown }
        XCTAssertFalse(notes.isEmpty)
        guard !notes.isEmpty else { return }
        XCTAssertTrue(notes[0].message.contains("has the status 'ERROR'") && notes[0].message.contains(file.path), notes[0].message)
        XCTAssertFalse(report.results.contains { $0.rawStatus == "ERROR" && $0.status == .pass })
        XCTAssertTrue(report.results.filter { $0.rawStatus == "ERROR" }.allSatisfy { $0.status == .info })
    }

    func testABrokenScanDoesNotStopTheOthers() throws {
        let outcome = run(Self.dockerModel, scans: [Self.scan("docker-bench-unescaped.json"),
                                                    Self.scan("docker-bench-1.6.json", host: "host-a")])
        XCTAssertEqual(outcome.diagnostics.with(.scanUnreadable).count, 1)
        XCTAssertEqual(outcome.diagnostics.with(.contradictedEvidence).count, 1, "the good scan still counts")
    }

    func testScanReportsInAModelFolderAreNotModels() throws {
        let outcome = Pipeline(options: ValidationOptions(today: TestSupport.today)).run(paths: [Self.scans.path])
        XCTAssertEqual(outcome.diagnostics.with(.scanInModelFolder).count, 8)
        XCTAssertEqual(outcome.modelCount, 0)
    }

    // MARK: Real samples (when the team's reference material is beside the project)

    func testEverySharedSampleLoadsOrGetsAClearError() throws {
        let shared = TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/samples")
        guard FileManager.default.fileExists(atPath: shared.path) else {
            throw XCTSkip("../shared/samples is not present (it is optional; the fixtures above cover every format)")
        }
        for tool in ["docker-bench", "kube-bench", "trivy"] {
            let folder = shared.appendingPathComponent(tool)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            where name != "SOURCE.txt" && !name.hasSuffix(".yaml") {
                var diagnostics = DiagnosticBag()
                let report = ScanReader.read(path: folder.appendingPathComponent(name).path, label: nil, into: &diagnostics)
                if name.hasSuffix(".json") {
                    XCTAssertNotNil(report, "\(name): \(diagnostics.diagnostics.map(\.message))")
                    XCTAssertFalse(report?.results.isEmpty ?? true, name)
                } else {
                    XCTAssertNil(report, name)
                    XCTAssertEqual(diagnostics.diagnostics.first?.code, .scanUnreadable, name)
                    XCTAssertEqual(diagnostics.diagnostics.first?.location?.line, 1, name)
                }
                if name.contains("v1.3.4") { XCTAssertEqual(report?.catalogVersion, "cis-docker-1.1.0", name) }
            }
        }
    }
}
