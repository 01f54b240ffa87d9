import Foundation
import XCTest
import ThreatDocCorpus
@testable import ThreatDocKit
@testable import ThreatDocValidate
@testable import ThreatDocBench
@testable import ThreatDocReport
@testable import ThreatDocRender
@testable import ThreatDocOutput
@testable import ThreatDocModel
@testable import ThreatDocSupport
@testable import ThreatDocLoad

/// Every class of hostile file gets a located error and a clean stop. Speed and memory for the same
/// corpus are measured by `threatdoc-bench`, not asserted here.
final class HostileInputTests: XCTestCase {
    func testEveryHostileClassGetsALocatedError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("td-hostile-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        XCTAssertGreaterThanOrEqual(HostileCorpus.cases.count, 15)
        for hostile in HostileCorpus.cases {
            let file = directory.appendingPathComponent("\(hostile.name).yaml")
            try Data(hostile.bytes).write(to: file)
            let outcome = TestSupport.pipeline().run(paths: [file.path])
            let matching = outcome.diagnostics.filter { $0.code.id == hostile.expectedCode }
            XCTAssertFalse(matching.isEmpty, "\(hostile.name): expected \(hostile.expectedCode), got \(outcome.diagnostics.codes())")
            XCTAssertTrue(matching.allSatisfy { ($0.location?.line ?? 0) >= 1 }, "\(hostile.name): error has no location")
            XCTAssertTrue(outcome.hasErrors, hostile.name)
            XCTAssertNil(outcome.models, "\(hostile.name): a hostile file must not resolve")
        }
    }

    func testAliasBombIsNeverExpanded() throws {
        // 9^12 strings if expanded; the reader must stop at the first anchor without building them.
        let hostile = try XCTUnwrap(HostileCorpus.cases.first { $0.name == "alias-bomb-keys" })
        let outcome = TestSupport.pipeline().run(text: String(decoding: hostile.bytes, as: UTF8.self))
        XCTAssertEqual(outcome.diagnostics.with(.aliasNotAllowed).count, 2)
    }

    func testRepeatedMistakesAreCappedWithACount() throws {
        let hostile = try XCTUnwrap(HostileCorpus.cases.first { $0.name == "duplicate-keys" })
        let outcome = TestSupport.pipeline().run(text: String(decoding: hostile.bytes, as: UTF8.self))
        XCTAssertEqual(outcome.diagnostics.with(.duplicateKey).count, Pipeline.maxRepeatsPerCode)
        let note = try XCTUnwrap(outcome.diagnostics.with(.repeatsOmitted).first)
        XCTAssertTrue(note.message.hasPrefix("\(40_000 - 1 - Pipeline.maxRepeatsPerCode) more TD109"), note.message)
    }

    func testDevicesAndPipesAreRefused() {
        let outcome = TestSupport.pipeline().run(paths: ["/dev/zero"])
        XCTAssertEqual(outcome.diagnostics.codes(), ["TD100"])
        XCTAssertTrue(outcome.diagnostics[0].message.contains("not a regular file"))
    }

    func testSyntheticLargeModelIsValid() {
        let yaml = SyntheticModel.yaml(elements: 30, flows: 30, threats: 120, mitigations: 20)
        let outcome = TestSupport.pipeline().run(text: yaml)
        XCTAssertFalse(outcome.hasErrors, "\(outcome.diagnostics.filter { $0.severity == .error }.prefix(3))")
    }
}
