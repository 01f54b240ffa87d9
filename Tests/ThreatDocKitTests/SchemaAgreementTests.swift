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

/// The JSON Schema that editors use and threatdoc's own loader must agree: every shipped model passes
/// both, and every structurally broken fixture fails both. The schema side runs Python's `jsonschema`,
/// an independent implementation; `.ci/test` installs it.
final class SchemaAgreementTests: XCTestCase {
    struct SchemaResult: Decodable {
        var file: String
        var valid: Bool
        var errors: [String]
    }

    private func python() throws -> String {
        let candidates = [ProcessInfo.processInfo.environment["THREATDOC_PYTHON"], "/usr/bin/python3", "python3"]
            .compactMap { $0 }
        for candidate in candidates where (try? TestSupport.runProgram(tool: candidate, ["-c", "import jsonschema, yaml"]))?.status == 0 {
            return candidate
        }
        XCTFail("no Python 3 with the jsonschema and yaml modules; run .ci/test, which installs python3-jsonschema and python3-yaml")
        throw XCTSkip("required tool missing (reported as a failure above)")
    }

    private func schemaCheck(_ files: [URL]) throws -> [String: SchemaResult] {
        let schema = FileManager.default.temporaryDirectory.appendingPathComponent("td-schema-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: schema) }
        try Data(ModelSchema.json.utf8).write(to: schema)
        let run = try TestSupport.runProgram(tool: try python(), [TestSupport.fixtures.appendingPathComponent("schema_check.py").path, schema.path]
                                             + files.map(\.path))
        XCTAssertEqual(run.status, 0, run.stderr)
        var results: [String: SchemaResult] = [:]
        for line in run.stdout.split(separator: "\n") {
            let result = try JSONDecoder().decode(SchemaResult.self, from: Data(line.utf8))
            results[result.file] = result
        }
        return results
    }

    func testShippedModelsPassSchemaAndLoader() throws {
        let valid = try FileManager.default.contentsOfDirectory(
            at: TestSupport.fixtures.appendingPathComponent("schema-valid"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
        XCTAssertFalse(valid.isEmpty)
        let models = ["docker.yaml", "kubernetes.yaml"].map {
            TestSupport.packageRoot.appendingPathComponent("models").appendingPathComponent($0)
        } + valid
        let results = try schemaCheck(models)
        for model in models {
            let result = try XCTUnwrap(results[model.path])
            XCTAssertTrue(result.valid, "\(model.lastPathComponent) fails the schema: \(result.errors)")
            let outcome = TestSupport.pipeline().run(paths: [model.path])
            XCTAssertFalse(outcome.hasErrors, "\(model.lastPathComponent) fails the loader: \(outcome.diagnostics)")
        }
    }

    func testBrokenFixturesFailSchemaAndLoader() throws {
        var fixtures = try FileManager.default.contentsOfDirectory(
            at: TestSupport.fixtures.appendingPathComponent("schema-broken"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.path < $1.path }
        fixtures.append(TestSupport.fixtures.appendingPathComponent("broken/ten-mistakes.yaml"))
        XCTAssertGreaterThanOrEqual(fixtures.count, 14)
        let results = try schemaCheck(fixtures)
        for fixture in fixtures {
            let result = try XCTUnwrap(results[fixture.path])
            XCTAssertFalse(result.valid, "\(fixture.lastPathComponent) passes the schema")
            XCTAssertTrue(TestSupport.pipeline().run(paths: [fixture.path]).hasErrors,
                          "\(fixture.lastPathComponent) passes the loader")
        }
    }

    func testShippedSchemaFileMatchesTheBinary() throws {
        let shipped = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("models/threatdoc.schema.json"),
                                 encoding: .utf8)
        XCTAssertEqual(shipped, ModelSchema.json, "run `threatdoc schema > models/threatdoc.schema.json`")
    }

    func testSchemaKnowsEveryFieldTheLoaderKnows() throws {
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ModelSchema.json.utf8)) as? [String: Any])
        let definitions = try XCTUnwrap(schema["definitions"] as? [String: Any])
        func keys(_ object: Any?) -> Set<String> {
            Set(((object as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        XCTAssertEqual(keys(schema), Set(ModelFormat.model.erased.names))
        for format in ModelFormat.objects.dropFirst() {
            XCTAssertEqual(keys(definitions[format.name]), Set(format.names), format.name)
        }
        XCTAssertEqual(ModelFormat.objects.map(\.name), ["model", "asset", "boundary", "element", "flow", "threat", "mitigation",
                                                        "finding", "gap", "source"])
    }
}
