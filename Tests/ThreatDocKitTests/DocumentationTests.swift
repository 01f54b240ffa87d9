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

/// The README is the format's reference: it must name every diagnostic code and every field, and the
/// shipped models must carry the editor schema line and the seed's content.
final class DocumentationTests: XCTestCase {
    private func readme() throws -> String {
        try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    }

    func testReadmeListsEveryDiagnosticCode() throws {
        let text = try readme()
        for code in DiagnosticCode.all {
            let row = "| \(code.id) | \(code.name) | \(code.severity.rawValue) |"
            XCTAssertTrue(text.contains(row), "README lacks the row \(row)")
        }
    }

    /// The README's field tables say what the format's declaration says: the same fields in the same
    /// order, the same required ones, and every allowed value of a keyword field.
    func testReadmeFieldTablesMatchTheFormatDeclaration() throws {
        let lines = try readme().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func table(under heading: String) -> [[String]] {
            guard let start = lines.firstIndex(of: heading) else { return [] }
            return lines[(start + 1)...].drop { !$0.hasPrefix("| field") }.dropFirst(2).prefix { $0.hasPrefix("|") }.map { row in
                row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                    .map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        var headings = [ModelFormat.model.name: "### Top level"]
        for field in ModelFormat.objects.flatMap(\.fields) {
            if case .objects(let format) = field.type { headings[format.name] = "### `\(field.name)`" }
            if case .object(let format) = field.type { headings[format.name] = "### `\(field.name)`" }
        }
        XCTAssertEqual(headings.count, ModelFormat.objects.count)
        for format in ModelFormat.objects {
            let heading = try XCTUnwrap(headings[format.name])
            let rows = table(under: heading)
            XCTAssertEqual(rows.map { $0[0] }, format.fields.map { "`\($0.name)`" }, "README table under \(heading)")
            for (row, field) in zip(rows, format.fields) {
                XCTAssertEqual(row[1], field.required ? "yes" : "", "README: is `\(field.name)` of \(format.article) required?")
                var keywords: KeywordType?
                if case .keyword(let type) = field.type { keywords = type }
                if case .list(.keyword(let type), _) = field.type { keywords = type }
                for value in keywords?.values ?? [] {
                    XCTAssertTrue(row.last?.contains("`\(value)`") == true, "README: `\(field.name)` of \(format.article) does not name `\(value)`")
                }
            }
        }
    }

    func testModelsStartWithTheEditorSchemaLine() throws {
        for name in ["docker.yaml", "kubernetes.yaml"] {
            let text = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("models/\(name)"), encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("# yaml-language-server: $schema=threatdoc.schema.json\n"), name)
        }
    }

    private func model(_ name: String) throws -> ResolvedModel {
        let path = TestSupport.packageRoot.appendingPathComponent("models/\(name)").path
        let outcome = TestSupport.pipeline().run(paths: [path])
        return try XCTUnwrap(outcome.models?.first, "\(outcome.diagnostics.filter { $0.severity == .error })")
    }

    func testDockerModelCarriesTheSeed() throws {
        let docker = try model("docker.yaml")
        let titles = Set(docker.threats.map(\.title))
        for seed in ["Unauthorized access to the Docker host", "Image and container integrity",
                     "Unauthorized image deployment", "Container breakout", "Resource exhaustion"] {
            XCTAssertTrue(titles.contains(seed), seed)
        }
        XCTAssertTrue(docker.threats.contains { $0.stride.contains(.elevationOfPrivilege) })
        XCTAssertEqual(docker.findings.map(\.check), ["docker:2.14", "docker:2.15", "docker:2.16"])
        let checks = Set(docker.mitigations.flatMap(\.checks))
        XCTAssertTrue(checks.isSuperset(of: ["docker:2.14", "docker:2.15", "docker:2.16"]))
        // Live restore bears on denial of service.
        let liveRestore = try XCTUnwrap(docker.findings.first { $0.check == "docker:2.15" })
        let threats = docker.threats.filter { liveRestore.threats.contains($0.id) }
        XCTAssertTrue(threats.allSatisfy { $0.stride.contains(.denialOfService) } && !threats.isEmpty)
        XCTAssertTrue(liveRestore.issue?.contains("Live restore can pose security risks") == true)
    }

    func testKubernetesModelCarriesTheSeedAndThePodSecurityCorrection() throws {
        let kubernetes = try model("kubernetes.yaml")
        let titles = Set(kubernetes.threats.map(\.title))
        for seed in ["Unauthorized access to the Kubernetes API", "Pod and cluster configuration tampering",
                     "Unauthorized pod creation", "Insecure communication channels",
                     "Resource exhaustion and pod disruption"] {
            XCTAssertTrue(titles.contains(seed), seed)
        }
        XCTAssertTrue(kubernetes.threats.contains { $0.stride.contains(.elevationOfPrivilege) })
        let psa = try XCTUnwrap(kubernetes.mitigations.first { $0.id == "pod-security-admission" })
        XCTAssertTrue(psa.description?.contains("PodSecurityPolicies") == true, "keeps the seed's words")
        XCTAssertTrue(psa.note?.contains("removed in 1.25") == true, "adds the correction")
    }
}
