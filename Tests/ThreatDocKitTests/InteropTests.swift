import XCTest
import Foundation
@testable import ThreatDocInterop
import ThreatDocKit

/// `threatdoc import` and `threatdoc export` for Threat Dragon v2, OTM and the OWASP Threat Model Library
/// format: the real files of each format import to valid models, the seed models export to documents that
/// the formats' own JSON Schemas accept (checked by Python's jsonschema), round trips lose exactly what
/// `RoundTrip.losses` declares, and hostile files get located errors and leave no file behind.
final class InteropTests: ProjectTestCase {
    static let interop = TestSupport.fixtures.appendingPathComponent("interop")

    /// The real files of each format (copies of ../shared/samples/interop, Apache-2.0; see SOURCE.txt).
    static var samples: [(URL, InteropFormat)] {
        let td = ["cryptocurrency-wallet", "generic-cms", "iot-device", "online-game", "payment-online", "renting-car", "v2-threat-model"]
        return td.map { (interop.appendingPathComponent("threat-dragon-v2/\($0).json"), .threatDragon) }
            + ["EXAMPLE.json", "EXAMPLE.yaml", "threat-dragon-example.otm.json"].map { (interop.appendingPathComponent("otm/\($0)"), .otm) }
            + [(interop.appendingPathComponent("tm-library/huskyai.json"), .tmLibrary)]
    }

    static func schema(_ format: InteropFormat) -> URL {
        switch format {
        case .threatDragon: interop.appendingPathComponent("threat-dragon-v2/threat-dragon-v2.schema.json")
        case .otm: interop.appendingPathComponent("otm/otm_schema.json")
        case .tmLibrary: interop.appendingPathComponent("tm-library/threat-model.schema.json")
        }
    }

    // MARK: Import

    /// Every real file imports, with its format detected, to a model that `threatdoc validate` passes with
    /// no errors; a second import of the same file writes the same bytes; the header counts what was not
    /// mapped, as standard error does.
    func testEverySampleImportsToAValidModel() throws {
        var table: [String] = []
        for (index, (file, format)) in Self.samples.enumerated() {
            let output = "models/sample-\(index).yaml"
            let run = try self.run(["import", file.path, "--id", "sample-\(index)", "-o", output])
            XCTAssertEqual(run.status, 0, "\(file.lastPathComponent): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("as \(format.title) (detected)"), run.stderr)
            let validate = try self.run(["validate", output, "--no-project", "--format", "json"])
            XCTAssertEqual(validate.status, 0, "\(file.lastPathComponent) does not validate: \(validate.stdout)")
            let yaml = try String(contentsOf: root.appendingPathComponent(output), encoding: .utf8)
            XCTAssertTrue(yaml.hasPrefix("# yaml-language-server: $schema=threatdoc.schema.json\n"))
            XCTAssertFalse(yaml.contains(Self.interop.path), "no absolute paths in the model")
            // Stable: the same file imports to the same bytes.
            let again = try self.run(["import", file.path, "--id", "sample-\(index)", "-o", "-"])
            XCTAssertEqual(again.stdout, yaml, "\(file.lastPathComponent) imports differently the second time")
            // What was not mapped is counted in the header and on standard error alike.
            let imported = try ModelImporter.read(file.path, format: nil, modelID: "sample-\(index)", writingTo: output)
            if imported.result.unmappedCount > 0 {
                XCTAssertTrue(yaml.contains("# Not mapped (\(imported.result.unmappedCount)):"), yaml)
                XCTAssertTrue(run.stderr.contains("not mapped: \(imported.result.unmappedCount) "), run.stderr)
            }
            table.append("\(file.lastPathComponent): source \(imported.result.sourceCounts); model \(imported.result.resultCounts); not mapped \(imported.result.unmappedCount)")
        }
        print(table.joined(separator: "\n"))
    }

    /// The mapping, checked on what each real file holds.
    func testImportMapsStructureThreatsAndTaxonomies() throws {
        func load(_ path: String, _ id: String) throws -> ResolvedModel {
            let imported = try ModelImporter.read(Self.interop.appendingPathComponent(path).path, format: nil, modelID: id, writingTo: nil)
            XCTAssertTrue(imported.isValid, imported.diagnostics.map(\.message).joined(separator: "\n"))
            return try XCTUnwrap(TestSupport.pipeline().run(text: imported.yaml, path: "models/\(id).yaml").models?.first)
        }
        // Threat Dragon: boxes hold elements by their centres and nest; UUIDs become names; threats keep
        // their category, severity and mitigation; a flow's encryption and a store's credentials carry over.
        let game = try load("threat-dragon-v2/online-game.json", "game")
        XCTAssertEqual(game.boundaries.count, 3)
        XCTAssertTrue(game.elements.allSatisfy { $0.id.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil }, "\(game.elements.map(\.id))")
        XCTAssertTrue(game.elements.contains { $0.boundary != nil })
        let demo = try load("threat-dragon-v2/v2-threat-model.json", "demo")
        XCTAssertEqual(demo.threats.count, 12)
        XCTAssertTrue(demo.threats.allSatisfy { $0.id.range(of: "^TD-[STRIDE][0-9]+$", options: .regularExpression) != nil })
        let credentials = try XCTUnwrap(demo.threats.first { $0.title == "Accessing DB credentials" })
        XCTAssertEqual(credentials.stride, [.informationDisclosure])
        XCTAssertEqual(credentials.impact, .high)
        XCTAssertEqual(credentials.mitigations.count, 1)
        XCTAssertTrue(demo.elements.contains { $0.storesCredentials == true })
        // Boundary curves become boundaries that the flows drawn across them cross.
        XCTAssertEqual(demo.boundaries.filter { $0.source?.format == .threatDragon }.count, 3)
        XCTAssertFalse(demo.elements.filter { $0.boundary != nil }.isEmpty)
        // CIA categories map to STRIDE, and say so.
        let wallet = try load("threat-dragon-v2/cryptocurrency-wallet.json", "wallet")
        let integrity = try XCTUnwrap(wallet.threats.first)
        XCTAssertEqual(integrity.stride, [.tampering])
        XCTAssertEqual(integrity.note, "Threat Dragon category: Integrity (CIA).")
        XCTAssertEqual(integrity.impact, .critical)
        // OTM: zones, components by type, threats on every component and flow that links them.
        let otm = try load("otm/EXAMPLE.json", "otm-example")
        XCTAssertEqual(Set(otm.boundaries.map(\.name)), ["Internet", "Private"])
        XCTAssertEqual(otm.elements.first { $0.name == "Web Client" }?.kind, .external)
        XCTAssertEqual(otm.elements.first { $0.name == "Customer Database" }?.kind, .datastore)
        let threat = try XCTUnwrap(otm.threats.first)
        XCTAssertEqual(threat.stride, [.spoofing, .tampering])
        XCTAssertEqual(threat.likelihood, .medium)
        XCTAssertEqual(threat.impact, .critical)
        XCTAssertEqual(Set(threat.targets).count, 2, "a component and a dataflow link the threat")
        XCTAssertTrue(threat.references.contains("https://cwe.mitre.org/data/definitions/79.html"))
        XCTAssertEqual(otm.assets.first { $0.name == "Credit Card Data" }?.sensitivity, .critical)
        // The same model in YAML imports to the same model.
        XCTAssertEqual(RoundTrip.comparable(try load("otm/EXAMPLE.yaml", "otm-example")), RoundTrip.comparable(otm))
        // Threat Model Library: actors, components, data stores; data sets on their stores; risks rate threats.
        let husky = try load("tm-library/huskyai.json", "husky")
        XCTAssertEqual(husky.elements.filter { $0.kind == .external }.count, 4)
        XCTAssertEqual(husky.elements.filter { $0.kind == .datastore }.count, 7)
        XCTAssertEqual(husky.assets.count, 7)
        let ssh = try XCTUnwrap(husky.threats.first { $0.source?.id == "ssh-compromise-vulnerability" })
        XCTAssertEqual(ssh.likelihood, .medium)  // possible
        XCTAssertEqual(ssh.impact, .critical)    // severe
        XCTAssertTrue(ssh.stride.contains(.elevationOfPrivilege), "\(ssh.stride)")
        XCTAssertFalse(ssh.mitigations.isEmpty)
        XCTAssertEqual(husky.mitigations.first { $0.source?.id == "access-control-for-azure-blobs" }?.status, .implemented)
    }

    /// An existing file is never replaced without --force, and the format is reported when given.
    func testImportNeverOverwritesWithoutForce() throws {
        let file = Self.interop.appendingPathComponent("threat-dragon-v2/generic-cms.json").path
        try write("keep me\n", to: "models/cms.yaml")
        let refused = try run(["import", file, "--id", "cms"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("error[TD705]"), refused.stderr)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("models/cms.yaml"), encoding: .utf8), "keep me\n")
        let forced = try run(["import", file, "--id", "cms", "--force", "--format", "threat-dragon"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(forced.stderr.contains("as Threat Dragon v2\n"), forced.stderr)
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent("models/cms.yaml"), encoding: .utf8).contains("id: cms\n"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("models").path)
        XCTAssertEqual(leftovers, ["cms.yaml"], "no temporary files are left")
    }

    /// OTM trust zones whose parents form a circle: the link that closes it is dropped and listed, and the
    /// model still validates.
    func testCircularTrustZonesAreBrokenAndListed() throws {
        let otm = """
            {"otmVersion": "0.2.0", "project": {"name": "Circle", "id": "circle"},
             "trustZones": [{"id": "a", "name": "A", "risk": {"trustRating": 1}, "parent": {"trustZone": "b"}},
                            {"id": "b", "name": "B", "risk": {"trustRating": 1}, "parent": {"trustZone": "a"}}],
             "components": [{"id": "web", "name": "Web", "type": "web-service", "parent": {"trustZone": "a"}}]}
            """
        try write(otm, to: "circle.json")
        let run = try self.run(["import", "circle.json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("trust zone parent that closes a circle of parents (1)"), run.stderr)
        let model = try XCTUnwrap(TestSupport.pipeline().run(paths: [root.appendingPathComponent("models/circle.yaml").path]).models?.first)
        XCTAssertEqual(model.boundaries.filter { $0.parent != nil }.count, 1)
    }

    /// What a new user found: boxes hold only cells of their own diagram; a threat on a flow that could
    /// not be imported is listed once, as what it is; a placeholder mitigation is none; a mitigation's text
    /// survives Threat Dragon round trips unchanged; a missing models/ folder is created; an ID used by
    /// another model in the folder is refused.
    func testThreatDragonImportEdgeCasesFromTheNewUserTrial() throws {
        func node(_ id: String, _ shape: String, _ x: Int, _ y: Int, _ name: String, threats: [[String: Any]] = []) -> [String: Any] {
            ["id": id, "shape": shape, "position": ["x": x, "y": y], "size": ["width": 100, "height": 60],
             "data": ["name": name, "threats": threats]]
        }
        let threat: [String: Any] = ["title": "Spoofed user", "type": "Spoofing", "status": "Open", "severity": "High",
                                     "description": "d", "mitigation": "None as yet :)"]
        let flowThreat: [String: Any] = ["title": "Sniffed", "type": "Information disclosure", "status": "Open", "severity": "Low",
                                         "description": "d", "mitigation": "Use TLS. Pin certificates (e.g. for the API).\n\nRotate them yearly."]
        let main: [[String: Any]] = [
            ["id": "box", "shape": "trust-boundary-box", "position": ["x": 0, "y": 0], "size": ["width": 400, "height": 400], "data": ["name": "Corp"]],
            node("u1", "actor", 50, 50, "User", threats: [threat]), node("p1", "process", 200, 50, "API"),
            ["id": "f1", "shape": "flow", "source": ["cell": "u1"], "target": ["cell": "p1"], "labels": ["login"],
             "data": ["name": "", "threats": [flowThreat]]],
            ["id": "dangling", "shape": "flow", "source": ["cell": "u1"], "target": ["x": 900, "y": 900], "data": ["name": "loose", "threats": [flowThreat]]],
        ]
        // A second diagram whose cells sit where the first diagram's box is.
        let audit: [[String: Any]] = [node("u2", "actor", 50, 50, "Auditor"), node("s2", "store", 200, 50, "Audit log")]
        let document: [String: Any] = ["summary": ["title": "Two diagrams"], "detail": ["diagrams": [["title": "Main", "cells": main], ["title": "Audit", "cells": audit]]]]
        let fresh = root.appendingPathComponent("fresh")
        try FileManager.default.createDirectory(at: fresh, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: document).write(to: fresh.appendingPathComponent("two.json"))
        let run = try TestSupport.run(["import", "two.json", "--id", "two"], in: fresh)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("threat on a flow that was not imported (1)"), run.stderr)
        XCTAssertFalse(run.stderr.contains("trust boundary (format 1"), run.stderr)
        XCTAssertTrue(run.stderr.contains("read as no mitigation"), run.stderr)
        let model = try XCTUnwrap(TestSupport.pipeline().run(paths: [fresh.appendingPathComponent("models/two.yaml").path]).models?.first)
        XCTAssertEqual(model.elements.first { $0.name == "User" }?.boundary, "box")
        XCTAssertNil(model.elements.first { $0.name == "Auditor" }?.boundary, "a box holds only cells of its own diagram")
        XCTAssertNil(model.elements.first { $0.name == "Audit log" }?.boundary)
        XCTAssertEqual(model.flows.first?.label, "login", "a label written as a plain string")
        XCTAssertEqual(model.threats.first { $0.title == "Spoofed user" }?.mitigations, [])
        let mitigation = try XCTUnwrap(model.mitigations.first)
        XCTAssertEqual(mitigation.title, "Use TLS. Pin certificates (e.g. for the API).", "a short first paragraph is the title")
        XCTAssertEqual(mitigation.description, "Rotate them yearly.")
        XCTAssertEqual("Pin certificates (e.g. for the API) now. Then rotate them.".headline(), "Pin certificates (e.g. for the API) now",
                       "a sentence ends before a capital, not after e.g.")
        // Export to Threat Dragon and import again, twice: the mitigation's title and description hold.
        var current = model
        for round in 0..<2 {
            let file = fresh.appendingPathComponent("round-\(round).json")
            try ModelExporter.export(current, to: .threatDragon).text.write(to: file, atomically: true, encoding: .utf8)
            let again = try ModelImporter.read(file.path, format: nil, modelID: "two", writingTo: "-")
            current = try XCTUnwrap(TestSupport.pipeline().run(text: again.yaml, path: "models/two.yaml").models?.first)
            XCTAssertEqual(current.mitigations.map(\.title), model.mitigations.map(\.title))
            XCTAssertEqual(current.mitigations.map(\.description), model.mitigations.map(\.description))
        }
        // The same ID as another model in the folder is refused, and nothing is written.
        let clash = try TestSupport.run(["import", "two.json", "--id", "TWO", "-o", "models/other.yaml"], in: fresh)
        XCTAssertEqual(clash.status, 1, clash.stderr)
        XCTAssertTrue(clash.stderr.contains("error[TD302]"), clash.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.appendingPathComponent("models/other.yaml").path))
    }

    /// One-character paths: Foundation's NSString path functions trap on them, so they are not used.
    func testOneCharacterOutputPaths() throws {
        let export = try run(["export", TestSupport.packageRoot.appendingPathComponent("models/docker.yaml").path, "--no-project", "--format", "otm", "-o", "a"])
        XCTAssertEqual(export.status, 0, export.stderr)
        let render = try run(["render", TestSupport.packageRoot.appendingPathComponent("models/docker.yaml").path, "--no-project", "--output", "o"])
        XCTAssertEqual(render.status, 0, render.stderr)
        let imported = try run(["import", Self.interop.appendingPathComponent("otm/EXAMPLE.json").path, "-o", "b"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let stdout = try run(["import", Self.interop.appendingPathComponent("otm/EXAMPLE.json").path, "-o", "-"])
        XCTAssertEqual(stdout.status, 0, stdout.stderr)
        XCTAssertTrue(stdout.stdout.contains("threatdoc: 1\n"))
        for name in ["a", "o/README.md", "b"] { XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path), name) }
    }

    /// export -o replaces an earlier export in the same format, and nothing else without --force; never the
    /// model it reads.
    func testExportReplacesOnlyItsOwnEarlierOutput() throws {
        let model = root.appendingPathComponent("models/docker.yaml")
        try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent("models/docker.yaml"), to: model)
        let first = try run(["export", "models/docker.yaml", "--no-project", "--format", "otm", "-o", "docker.otm.json"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("wrote docker.otm.json"), first.stderr)
        XCTAssertEqual(try run(["export", "models/docker.yaml", "--no-project", "--format", "otm", "-o", "docker.otm.json"]).status, 0)
        let other = try run(["export", "models/docker.yaml", "--no-project", "--format", "threat-dragon", "-o", "docker.otm.json"])
        XCTAssertEqual(other.status, 2)
        XCTAssertTrue(other.stderr.contains("error[TD705]"), other.stderr)
        let itself = try run(["export", "models/docker.yaml", "--no-project", "--format", "otm", "-o", "models/docker.yaml", "--force"])
        XCTAssertEqual(itself.status, 2)
        XCTAssertTrue(itself.stderr.contains("is the model being exported"), itself.stderr)
        XCTAssertTrue(try String(contentsOf: model, encoding: .utf8).hasPrefix("# yaml-language-server"), "the model is untouched")
        try write("notes\n", to: "notes.txt")
        XCTAssertEqual(try run(["export", "models/docker.yaml", "--no-project", "--format", "otm", "-o", "notes.txt"]).status, 2)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8), "notes\n")
        XCTAssertEqual(try run(["export", "models/docker.yaml", "--no-project", "--format", "otm", "-o", "notes.txt", "--force"]).status, 0)
    }

    // MARK: Export

    /// The seed models export to each format; each document validates against the format's official JSON
    /// Schema with an independent validator, and the same model gives the same bytes.
    func testSeedModelsExportToDocumentsTheOfficialSchemasAccept() throws {
        for format in InteropFormat.allCases {
            var documents: [String] = []
            for model in ["docker", "kubernetes"] {
                let path = root.appendingPathComponent("\(model).\(format.rawValue).json").path
                let run = try TestSupport.run(["export", "models/\(model).yaml", "--format", format.rawValue, "-o", path])
                XCTAssertEqual(run.status, 0, run.stderr)
                XCTAssertTrue(run.stderr.contains("note[TD707]"), "the losses are named: \(run.stderr)")
                let again = try TestSupport.run(["export", "models/\(model).yaml", "--format", format.rawValue])
                XCTAssertEqual(again.stdout, try String(contentsOfFile: path, encoding: .utf8), "byte-identical")
                documents.append(path)
            }
            let verdict = try TestSupport.runProgram(tool: TestSupport.python, [
                TestSupport.fixtures.appendingPathComponent("json_schema_check.py").path, Self.schema(format).path] + documents)
            XCTAssertEqual(verdict.stdout.split(separator: "\n").filter { $0.hasPrefix("valid ") }.count, 2, "\(format): \(verdict.stdout)\(verdict.stderr)")
        }
    }

    /// The validator is not lenient: a document that breaks each schema is refused.
    func testTheSchemaCheckRefusesBrokenExports() throws {
        for format in InteropFormat.allCases {
            let model = try XCTUnwrap(TestSupport.pipeline().run(paths: [TestSupport.packageRoot.appendingPathComponent("models/docker.yaml").path]).models?.first)
            var text = ModelExporter.export(model, to: format).text
            let key = switch format {
            case .otm: "\"otmVersion\""
            case .tmLibrary: "\"scope\""
            case .threatDragon: "\"detail\""
            }
            text = text.replacingOccurrences(of: key, with: "\"renamed\"")
            let path = root.appendingPathComponent("broken.\(format.rawValue).json")
            try text.write(to: path, atomically: true, encoding: .utf8)
            let verdict = try TestSupport.runProgram(tool: TestSupport.python, [
                TestSupport.fixtures.appendingPathComponent("json_schema_check.py").path, Self.schema(format).path, path.path])
            XCTAssertTrue(verdict.stdout.hasPrefix("invalid "), "\(format): \(verdict.stdout)\(verdict.stderr)")
        }
    }

    /// The Threat Dragon export opens in Threat Dragon: every element sits inside the box of its boundary,
    /// boxes inside their parents, no two element cells overlap, and threats stay on their cells.
    func testThreatDragonExportPlacesCellsOnAGridByBoundary() throws {
        let model = try XCTUnwrap(TestSupport.pipeline().run(paths: [TestSupport.packageRoot.appendingPathComponent("models/kubernetes.yaml").path]).models?.first)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ModelExporter.export(model, to: .threatDragon).text.utf8)) as? [String: Any])
        let diagram = try XCTUnwrap(((document["detail"] as? [String: Any])?["diagrams"] as? [[String: Any]])?.first)
        let cells = try XCTUnwrap(diagram["cells"] as? [[String: Any]])
        func rect(_ cell: [String: Any]) -> CGRect? {
            guard let p = cell["position"] as? [String: Double], let s = cell["size"] as? [String: Double] else { return nil }
            return CGRect(x: p["x"]!, y: p["y"]!, width: s["width"]!, height: s["height"]!)
        }
        let byID = Dictionary(uniqueKeysWithValues: cells.map { ($0["id"] as! String, $0) })
        for element in model.elements {
            let r = try XCTUnwrap(byID[element.id].flatMap(rect), element.id)
            if let boundary = element.boundary { XCTAssertTrue(try XCTUnwrap(byID[boundary].flatMap(rect)).contains(r), "\(element.id) in \(boundary)") }
            for other in model.elements where other.id < element.id {
                XCTAssertFalse(r.intersects(byID[other.id].flatMap(rect)!), "\(element.id) overlaps \(other.id)")
            }
        }
        for boundary in model.boundaries {
            if let parent = boundary.parent { XCTAssertTrue(byID[parent].flatMap(rect)!.contains(byID[boundary.id].flatMap(rect)!)) }
        }
        let onCells = cells.reduce(0) { $0 + (((($1["data"] as? [String: Any])?["threats"]) as? [Any])?.count ?? 0) }
        XCTAssertEqual(onCells, model.threats.reduce(0) { $0 + $1.targets.count * $1.stride.count }, "one per target and category")
    }

    // MARK: Round trips

    /// Export, then import: the model comes back equal once the format's declared losses are set aside,
    /// and each declared loss is real (without it, some seed model does not come back equal).
    func testRoundTripsLoseExactlyTheDeclaredParts() throws {
        // The seed models, and a model that uses every field an export can lose.
        let models = try ["models/docker.yaml", "models/kubernetes.yaml", "Tests/ThreatDocKitTests/Fixtures/roundtrip/every-field.yaml"].map { path in
            try XCTUnwrap(TestSupport.pipeline().run(paths: [TestSupport.packageRoot.appendingPathComponent(path).path]).models?.first, path)
        }
        for format in InteropFormat.allCases {
            let losses = RoundTrip.losses(format)
            var pairs: [(ResolvedModel, ResolvedModel)] = []
            for model in models {
                let file = root.appendingPathComponent("\(model.id).\(format.rawValue).json")
                try ModelExporter.export(model, to: format).text.write(to: file, atomically: true, encoding: .utf8)
                let imported = try ModelImporter.read(file.path, format: nil, modelID: model.id, writingTo: "models/\(model.id).yaml")
                XCTAssertTrue(imported.isValid, "\(format) \(model.id): \(imported.diagnostics.filter { $0.severity == .error }.map(\.message))")
                let back = try XCTUnwrap(TestSupport.pipeline().run(text: imported.yaml, path: "models/\(model.id).yaml").models?.first)
                pairs.append((model, back))
            }
            func setAside(_ model: ResolvedModel, _ chosen: [RoundTrip.Loss]) -> ResolvedModel {
                var m = RoundTrip.comparable(model)
                for loss in chosen { loss.setAside(&m) }
                return RoundTrip.comparable(m)
            }
            for (original, back) in pairs {
                let expected = setAside(original, losses), actual = setAside(back, losses)
                // Part by part first, so that a failure names the part.
                let label = "\(format) \(original.id): the round trip loses more than it declares"
                for (index, element) in expected.elements.enumerated() { XCTAssertEqual(actual.elements.dropFirst(index).first, element, label) }
                for (index, flow) in expected.flows.enumerated() { XCTAssertEqual(actual.flows.dropFirst(index).first, flow, label) }
                for (index, threat) in expected.threats.enumerated() { XCTAssertEqual(actual.threats.dropFirst(index).first, threat, label) }
                for (index, mitigation) in expected.mitigations.enumerated() { XCTAssertEqual(actual.mitigations.dropFirst(index).first, mitigation, label) }
                XCTAssertEqual(actual.boundaries, expected.boundaries, label)
                XCTAssertEqual(actual.assets, expected.assets, label)
                XCTAssertEqual(actual.gaps, expected.gaps, label)
                XCTAssertEqual([actual.id, actual.title, actual.summary, actual.owner, actual.reviewed],
                               [expected.id, expected.title, expected.summary, expected.owner, expected.reviewed], label)
                XCTAssertEqual(actual.benchmarks, expected.benchmarks, label)
                XCTAssertEqual(actual.findings, expected.findings, label)
                XCTAssertEqual(actual.threats.count + actual.mitigations.count + actual.elements.count + actual.flows.count,
                               expected.threats.count + expected.mitigations.count + expected.elements.count + expected.flows.count, label)
            }
            for (index, loss) in losses.enumerated() {
                var others = losses
                others.remove(at: index)
                let real = pairs.contains { setAside($0.0, others) != setAside($0.1, others) }
                XCTAssertTrue(real, "\(format): '\(loss.name)' is declared but nothing is lost")
            }
        }
    }

    /// The README lists each format's round-trip losses as `RoundTrip.losses` declares them.
    func testReadmeListsTheRoundTripLosses() throws {
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for format in InteropFormat.allCases {
            let row = try XCTUnwrap(readme.split(separator: "\n").first { $0.hasPrefix("| `\(format.rawValue)` |") }, "README row for \(format)")
            for loss in RoundTrip.losses(format) { XCTAssertTrue(row.contains(loss.name), "README \(format) row lacks '\(loss.name)'") }
        }
    }

    /// The README's worked example shows what the import really prints.
    func testReadmeImportExampleShowsTheRealOutput() throws {
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let command = "threatdoc import Tests/ThreatDocKitTests/Fixtures/interop/threat-dragon-v2/v2-threat-model.json --id demo"
        XCTAssertTrue(readme.contains("```sh\n\(command)\n```"))
        let start = try XCTUnwrap(readme.range(of: "```text\nthreatdoc: read Tests/"))
        let end = try XCTUnwrap(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let shown = String(readme[readme.index(start.lowerBound, offsetBy: 8)..<end.lowerBound])
        let folder = root.appendingPathComponent("Tests/ThreatDocKitTests/Fixtures/interop/threat-dragon-v2")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.interop.appendingPathComponent("threat-dragon-v2/v2-threat-model.json"),
                                         to: folder.appendingPathComponent("v2-threat-model.json"))
        let run = try self.run(Array(command.split(separator: " ").dropFirst().map(String.init)))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, shown)
    }

    // MARK: Hostile input

    /// Malformed and hostile files, at least 20 per format: each gets a located error (the file, and a
    /// JSON path where the shape is wrong), exit 1 or 2, never a crash, and no file is written.
    func testHostileFilesGetLocatedErrorsAndNoFile() throws {
        let td = try String(contentsOf: Self.interop.appendingPathComponent("threat-dragon-v2/v2-threat-model.json"), encoding: .utf8)
        let otm = try String(contentsOf: Self.interop.appendingPathComponent("otm/EXAMPLE.json"), encoding: .utf8)
        let tml = try String(contentsOf: Self.interop.appendingPathComponent("tm-library/huskyai.json"), encoding: .utf8)
        var cases: [(InteropFormat, String, Data, String)] = []  // format, name, bytes, expected text in stderr
        func add(_ format: InteropFormat, _ name: String, _ text: String, _ expect: String) { cases.append((format, name, Data(text.utf8), expect)) }
        func json(_ object: Any) -> String { String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self) }
        func mutate(_ base: String, _ change: (inout [String: Any]) -> Void) -> String {
            var object = try! JSONSerialization.jsonObject(with: Data(base.utf8)) as! [String: Any]
            change(&object)
            return json(object)
        }
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        for (format, base) in [(InteropFormat.threatDragon, td), (.otm, otm), (.tmLibrary, tml)] {
            add(format, "truncated", String(base.prefix(base.count / 2)), "error[TD103]")
            add(format, "empty", "", "error[")
            add(format, "root list", "[]", "expected an object")
            add(format, "root string", "\"hello\"", "expected an object")
            add(format, "deeply nested", "{\"x\": \(deep), " + base.dropFirst(), "error[TD106]")
            add(format, "huge scalar", "{\"x\": \"\(String(repeating: "a", count: 300_000))\", " + base.dropFirst(), "error[TD107]")
            add(format, "duplicate key", "{\"a\": 1, \"a\": 2, " + base.dropFirst(), "error[TD109]")
            add(format, "tag", "!!python/object:os.system\n" + base, "error[TD110]")
            add(format, "two documents", base + "\n---\n" + base, "error[TD104]")
            add(format, "alias", "x: &a [1]\ny: *a\n" + "z: 1\n", "error[TD105]")
            add(format, "not JSON or YAML at all", "<html><body>not a model</body></html>", "expected an object")
            switch format {
            case .threatDragon:
                add(format, "detail missing", mutate(base) { $0["detail"] = nil }, "$: the required field 'detail' is missing")
                add(format, "detail a string", mutate(base) { $0["detail"] = "x" }, "at $.detail: expected an object")
                add(format, "detail null", mutate(base) { $0["detail"] = NSNull() }, "'detail' is missing")
                add(format, "diagrams an object", mutate(base) { var d = $0["detail"] as! [String: Any]; d["diagrams"] = ["a": 1]; $0["detail"] = d }, "at $.detail.diagrams: expected a list")
                add(format, "cells a number", mutate(base) { var d = $0["detail"] as! [String: Any]; var g = d["diagrams"] as! [[String: Any]]; g[0]["cells"] = 3; d["diagrams"] = g; $0["detail"] = d }, "at $.detail.diagrams[0].cells: expected a list")
                add(format, "cell without id", mutate(base) { var d = $0["detail"] as! [String: Any]; var g = d["diagrams"] as! [[String: Any]]; var c = g[0]["cells"] as! [[String: Any]]; c[2]["id"] = nil; g[0]["cells"] = c; d["diagrams"] = g; $0["detail"] = d }, "at $.detail.diagrams[0].cells[2]: the required field 'id'")
                add(format, "duplicate cell id", mutate(base) { var d = $0["detail"] as! [String: Any]; var g = d["diagrams"] as! [[String: Any]]; var c = g[0]["cells"] as! [[String: Any]]; c[3]["id"] = c[2]["id"]; g[0]["cells"] = c; d["diagrams"] = g; $0["detail"] = d }, "a second cell with the ID")
                add(format, "position not a number", mutate(base) { var d = $0["detail"] as! [String: Any]; var g = d["diagrams"] as! [[String: Any]]; var c = g[0]["cells"] as! [[String: Any]]; c[0]["position"] = ["x": "left", "y": 1]; g[0]["cells"] = c; d["diagrams"] = g; $0["detail"] = d }, "at $.detail.diagrams[0].cells[0].position.x: expected a number")
                add(format, "threats an object", mutate(base) { var d = $0["detail"] as! [String: Any]; var g = d["diagrams"] as! [[String: Any]]; var c = g[0]["cells"] as! [[String: Any]]; var data = c[0]["data"] as! [String: Any]; data["threats"] = ["x": 1]; c[0]["data"] = data; g[0]["cells"] = c; d["diagrams"] = g; $0["detail"] = d }, "at $.detail.diagrams[0].cells[0].data.threats: expected a list")
                add(format, "threat a list", mutate(base) { var d = $0["detail"] as! [String: Any]; var g = d["diagrams"] as! [[String: Any]]; var c = g[0]["cells"] as! [[String: Any]]; var data = c[0]["data"] as! [String: Any]; data["threats"] = [[1, 2]]; c[0]["data"] = data; g[0]["cells"] = c; d["diagrams"] = g; $0["detail"] = d }, "at $.detail.diagrams[0].cells[0].data.threats[0]: expected an object")
                add(format, "too many cells", json(["summary": ["title": "x"], "detail": ["diagrams": [["cells": (0...ThreatDragonImport.maxCells).map { ["id": "c\($0)", "shape": "actor"] }]]]]), "error[TD703]")
                add(format, "a curve with too many points", json(["summary": ["title": "x"], "detail": ["diagrams": [["cells":
                    [["id": "a", "shape": "actor", "position": ["x": 0, "y": 0], "size": ["width": 10, "height": 10]],
                     ["id": "b", "shape": "process", "position": ["x": 500, "y": 0], "size": ["width": 10, "height": 10]],
                     ["id": "f", "shape": "flow", "source": ["cell": "a"], "target": ["cell": "b"], "vertices": (0..<3000).map { ["x": $0 % 500, "y": $0 % 7] }],
                     ["id": "c", "shape": "trust-boundary-curve", "source": ["x": 250, "y": -100], "target": ["x": 250, "y": 100],
                      "vertices": (0..<3000).map { ["x": 250 + $0 % 3, "y": $0 % 100] }]]]]]]), "error[TD703]")
            case .otm:
                add(format, "otmVersion missing", mutate(base) { $0["otmVersion"] = nil }, "the required field 'otmVersion' is missing")
                add(format, "project missing", mutate(base) { $0["project"] = nil }, "the required field 'project' is missing")
                add(format, "project a list", mutate(base) { $0["project"] = [1] }, "at $.project: expected an object")
                add(format, "components an object", mutate(base) { $0["components"] = ["a": 1] }, "at $.components: expected a list")
                add(format, "component without parent", mutate(base) { var c = $0["components"] as! [[String: Any]]; c[0]["parent"] = nil; $0["components"] = c }, "at $.components[0]: the required field 'parent'")
                add(format, "component name a list", mutate(base) { var c = $0["components"] as! [[String: Any]]; c[1]["name"] = ["x"]; $0["components"] = c }, "at $.components[1].name: expected text")
                add(format, "threat risk missing", mutate(base) { var t = $0["threats"] as! [[String: Any]]; t[0]["risk"] = nil; $0["threats"] = t }, "at $.threats[0]: the required field 'risk'")
                add(format, "impact text", mutate(base) { var t = $0["threats"] as! [[String: Any]]; t[0]["risk"] = ["likelihood": 1, "impact": "high"]; $0["threats"] = t }, "at $.threats[0].risk.impact: expected a number")
                add(format, "asset risk a string", mutate(base) { var a = $0["assets"] as! [[String: Any]]; a[0]["risk"] = "high"; $0["assets"] = a }, "at $.assets[0].risk: expected an object")
                add(format, "dataflow source an object", mutate(base) { var f = $0["dataflows"] as! [[String: Any]]; f[0]["source"] = ["id": 1]; $0["dataflows"] = f }, "at $.dataflows[0].source: expected text")
                add(format, "mitigation riskReduction text", mutate(base) { var m = $0["mitigations"] as! [[String: Any]]; m[0]["riskReduction"] = "half"; $0["mitigations"] = m }, "at $.mitigations[0].riskReduction: expected a number")
                add(format, "duplicate component ID", mutate(base) { var c = $0["components"] as! [[String: Any]]; c[1]["id"] = c[0]["id"]; $0["components"] = c }, "at $.components[1]: a second component with the ID")
                add(format, "link without state", mutate(base) { var c = $0["components"] as! [[String: Any]]; c[1]["threats"] = [["threat": "x"]]; $0["components"] = c }, "at $.components[1].threats[0]: the required field 'state'")
            case .tmLibrary:
                add(format, "scope missing", mutate(base) { $0["scope"] = nil }, "the required field 'scope' is missing")
                add(format, "scope a number", mutate(base) { $0["scope"] = 1 }, "at $.scope: expected an object")
                add(format, "version missing", mutate(base) { $0["version"] = nil }, "the required field 'version' is missing")
                add(format, "title missing", mutate(base) { var s = $0["scope"] as! [String: Any]; s["title"] = nil; $0["scope"] = s }, "at $.scope: the required field 'title'")
                add(format, "actors an object", mutate(base) { $0["actors"] = ["a": 1] }, "at $.actors: expected a list")
                add(format, "actor without name", mutate(base) { var a = $0["actors"] as! [[String: Any]]; a[0]["symbolic_name"] = nil; $0["actors"] = a }, "at $.actors[0]: the required field 'symbolic_name'")
                add(format, "flow source a string", mutate(base) { var f = $0["data_flows"] as! [[String: Any]]; f[0]["source"] = "x"; $0["data_flows"] = f }, "at $.data_flows[0].source: expected an object")
                add(format, "flow without destination", mutate(base) { var f = $0["data_flows"] as! [[String: Any]]; f[1]["destination"] = nil; $0["data_flows"] = f }, "at $.data_flows[1]: the required field 'destination'")
                add(format, "threat without event", mutate(base) { var t = $0["threats"] as! [[String: Any]]; t[0]["event"] = nil; $0["threats"] = t }, "at $.threats[0]: the required field 'event'")
                add(format, "encrypted a string", mutate(base) { var f = $0["data_flows"] as! [[String: Any]]; f[0]["encrypted"] = "yes"; $0["data_flows"] = f }, "at $.data_flows[0].encrypted: expected true or false")
                add(format, "risk without likelihood", mutate(base) { var r = $0["risks"] as! [[String: Any]]; r[0]["likelihood"] = nil; $0["risks"] = r }, "at $.risks[0]: the required field 'likelihood'")
                add(format, "CAPEC number beyond any integer", mutate(base) { var t = $0["threats"] as! [[String: Any]]; t[0]["attack_mechanisms"] = [["capec_id": 1e300]]; $0["threats"] = t }, "at $.threats[0].attack_mechanisms[0].capec_id: expected a whole number")
                add(format, "CWE number with a fraction", mutate(base) { var t = $0["threats"] as! [[String: Any]]; t[0]["weaknesses"] = [["cwe_id": 120.9]]; $0["threats"] = t }, "at $.threats[0].weaknesses[0].cwe_id: expected a whole number")
                add(format, "duplicate actor", mutate(base) { var a = $0["actors"] as! [[String: Any]]; a[1]["symbolic_name"] = a[0]["symbolic_name"]; $0["actors"] = a }, "at $.actors[1]: a second actor with the ID")
                add(format, "control threats a string", mutate(base) { var c = $0["controls"] as! [[String: Any]]; c[0]["threats"] = "all"; $0["controls"] = c }, "at $.controls[0].threats: expected a list")
            }
        }
        // Bytes that are not text, and a file over the size cap.
        for format in InteropFormat.allCases {
            cases.append((format, "invalid UTF-8", Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), "error[TD102]"))
            cases.append((format, "over the size cap", Data(repeating: 0x20, count: SourceDocument.limits.maxFileBytes + 1), "error[TD101]"))
        }
        for format in InteropFormat.allCases {
            XCTAssertGreaterThanOrEqual(cases.filter { $0.0 == format }.count, 20, "\(format)")
        }
        for (index, (format, name, bytes, expect)) in cases.enumerated() {
            let input = root.appendingPathComponent("input-\(index).json")
            try bytes.write(to: input)
            let output = "models/out-\(index).yaml"
            let run = try self.run(["import", "input-\(index).json", "--format", format.rawValue, "-o", output])
            XCTAssertTrue(run.status == 1 || run.status == 2, "\(format) \(name): exit \(run.status) \(run.stderr.prefix(300))")
            XCTAssertTrue(run.stderr.contains(expect), "\(format) \(name): \(run.stderr.prefix(400))")
            XCTAssertTrue(run.stderr.contains("input-\(index).json:") || run.stderr.contains("input-\(index).json"), "\(format) \(name) names the file: \(run.stderr.prefix(300))")
            XCTAssertFalse(run.stderr.contains("Fatal error") || run.stderr.contains("Stack dump"), "\(format) \(name) crashed")
            XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent(output).path), "\(format) \(name) wrote a file")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("models").path)
        XCTAssertEqual(leftovers, [], "no partial or temporary files")
    }

    /// What the attacker trial found: JSON that YAML's reader does not take as written (surrogate-pair
    /// escapes, raw DEL and noncharacters) imports; exports escape such characters, so they import again;
    /// a model over the size cap is refused before it is written; --force never replaces a non-file; the
    /// JSON export holds no absolute path; the header comment shows what it cannot hold.
    func testCharactersSizesAndTargetsFromTheAttackerTrial() throws {
        let text = #"{"summary":{"title":"U \ud83d\ude00"},"detail":{"diagrams":[{"cells":[{"id":"p","shape":"process","data":{"name":"P"#
            + "\u{7F}" + #"Q","description":"a\uffffb","privilegeLevel":"x"# + "\u{FFFF}" + #"y"}}]}]}}"#
        try text.write(to: root.appendingPathComponent("odd.json"), atomically: true, encoding: .utf8)
        let imported = try run(["import", "odd.json", "--id", "odd"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let model = try XCTUnwrap(TestSupport.pipeline().run(paths: [root.appendingPathComponent("models/odd.yaml").path]).models?.first)
        XCTAssertEqual(model.title, "U 😀")
        XCTAssertEqual(model.elements.first?.name, "P\u{7F}Q")
        XCTAssertEqual(model.elements.first?.description, "a\u{FFFF}b")
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent("models/odd.yaml"), encoding: .utf8).contains("<U+FFFF>"), "the comment shows it")
        for format in InteropFormat.allCases {
            let exported = try run(["export", "models/odd.yaml", "--no-project", "--format", format.rawValue, "-o", "odd.\(format.rawValue).json"])
            XCTAssertEqual(exported.status, 0, exported.stderr)
            XCTAssertFalse(try String(contentsOf: root.appendingPathComponent("odd.\(format.rawValue).json"), encoding: .utf8).contains("\u{FFFF}"))
            let again = try ModelImporter.read(root.appendingPathComponent("odd.\(format.rawValue).json").path, format: nil, modelID: "odd", writingTo: "-")
            let back = try XCTUnwrap(TestSupport.pipeline().run(text: again.yaml, path: "odd.yaml").models?.first, format.rawValue)
            XCTAssertEqual(back.elements.first?.description, "a\u{FFFF}b", "\(format)")
            XCTAssertEqual(back.title, "U 😀", "\(format)")
        }
        // Over the size cap: refused before writing, located in the source.
        let assets = (0..<12_000).map { #"{"id":"asset-\#($0)","name":"Asset number \#($0) with a long enough name","risk":{"confidentiality":50,"integrity":50,"availability":50}}"# }
        let processed = (0..<12_000).map { #""asset-\#($0)""# }.joined(separator: ",")
        let components = #"[{"id":"c","name":"C","type":"web-service","parent":{"trustZone":"z"},"assets":{"processed":["# + processed + "]}}]"
        let otm = #"{"otmVersion":"0.2.0","project":{"name":"Big","id":"big"},"trustZones":[{"id":"z","name":"Z","risk":{"trustRating":1}}],"assets":["#
            + assets.joined(separator: ",") + #"],"components":"# + components + "}"
        try otm.write(to: root.appendingPathComponent("big.json"), atomically: true, encoding: .utf8)
        let big = try run(["import", "big.json", "--id", "big"])
        XCTAssertEqual(big.status, 1, big.stderr)
        XCTAssertTrue(big.stderr.contains("big.json:1:1: error[TD101]"), big.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("models/big.yaml").path))
        XCTAssertEqual(try run(["import", "big.json", "--id", "big", "--max-file-size", "8M"]).status, 0)
        // --force replaces files, never a pipe (or a device).
        XCTAssertEqual(mkfifo(root.appendingPathComponent("pipe.yaml").path, 0o644), 0)
        let pipe = try run(["import", "odd.json", "--id", "odd2", "-o", "pipe.yaml", "--force"])
        XCTAssertEqual(pipe.status, 2, pipe.stderr)
        XCTAssertTrue(pipe.stderr.contains("not a regular file"), pipe.stderr)
        // The JSON export of a model named by an absolute path holds no absolute path.
        let json = try run(["export", root.appendingPathComponent("models/odd.yaml").path, "--no-project", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertFalse(json.stdout.contains(root.path), "an absolute path in the export")
    }

    /// Script, markup and invisible characters in names import as inert text: the model validates, the
    /// YAML holds the text exactly (escaped where needed), and the rendered page shows it escaped.
    func testHostileNamesImportAsText() throws {
        let names = ["<script>alert(1)</script>", "\"quoted\": yes # not a comment", "null", "- [a, b]", "a\u{202E}reversed", "line\nbreak\ttab",
                     "{{template}}", "'; DROP TABLE threats; --", "emoji 🐉 and ünïcode"]
        let cells: [[String: Any]] = names.enumerated().map { index, name in
            ["id": "cell-\(index)", "shape": "process", "position": ["x": index * 200, "y": 0], "size": ["width": 100, "height": 100],
             "data": ["type": "tm.Process", "name": name, "description": name, "threats": [["title": name, "type": "Tampering", "status": "Open",
                                                                                             "severity": "High", "description": name, "mitigation": name]]]]
        }
        let document: [String: Any] = ["summary": ["title": "<b>hostile</b>"], "detail": ["diagrams": [["cells": cells]]]]
        try JSONSerialization.data(withJSONObject: document).write(to: root.appendingPathComponent("hostile.json"))
        let run = try self.run(["import", "hostile.json", "--id", "hostile"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let model = try XCTUnwrap(TestSupport.pipeline().run(paths: [root.appendingPathComponent("models/hostile.yaml").path]).models?.first)
        XCTAssertEqual(model.title, "<b>hostile</b>")
        for name in names {
            XCTAssertTrue(model.elements.contains { $0.description == name }, "description \(name.debugDescription) kept exactly")
            XCTAssertTrue(model.mitigations.contains { $0.description == name || $0.title == name.headline() }, name.debugDescription)
        }
        let render = try self.run(["render", "models/hostile.yaml", "--no-project", "--formats", "html", "--output", "site"])
        XCTAssertTrue(render.status == 0 || render.status == 1, render.stderr)
        let page = try String(contentsOf: root.appendingPathComponent("site/html/hostile.html"), encoding: .utf8)
        XCTAssertFalse(page.contains("<script>alert(1)</script>"))
        XCTAssertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    /// The YAML writer's quoting: any string comes back from the loader as written.
    func testWrittenScalarsReadBackExactly() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 -_:#,[]{}&*!|>'\"%@`\\/\n\t\r\u{0}\u{7}\u{85}\u{2028}\u{202E}\u{200B}\u{FEFF}é🐉yesnonull~") .map(String.init)
        var values = ["yes", "No", "null", "~", "1.0", "2026-01-01", "-x", "? x", ": x", "a: b", "a #b", "", " lead", "trail ", "\nx", "x\n", "x\n\n", "a\n\nb"]
        for _ in 0..<300 {
            values.append((0..<Int.random(in: 1...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
        }
        for value in values {
            var model = ThreatDragonImport.emptyModel(id: "m", title: "t")
            model.summary = value
            model.owner = value.isEmpty ? nil : value
            let yaml = ModelYAMLWriter.body(model)
            let outcome = TestSupport.pipeline().run(text: yaml, path: "models/m.yaml")
            let back = outcome.models?.first
            XCTAssertEqual(back?.summary, value, "\(value.debugDescription) → \(yaml)")
        }
    }
}
