import Foundation
import ThreatDocCorpus
import XCTest

/// The same models give the same bytes, whatever the cache state, the number of models rendered
/// together, or the cores available: `check` in CI depends on it.
final class DeterminismTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("td-det-\(UUID())")
        let models = root.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        for (name, yaml) in ClusteredCorpus.models(count: 10) {
            try yaml.write(to: models.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func render(into output: String, cache: String?, models: [String] = ["models"]) throws {
        let cacheArguments = cache.map { ["--cache-dir", $0] } ?? ["--no-cache"]
        let run = try TestSupport.run(["render", "--no-project", "--output", output] + cacheArguments + models, in: root)
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    /// Every file of a folder by relative path; the bytes, not a digest, so a failure shows the change.
    static func files(in directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            result[String(url.path.dropFirst(directory.path.count + 1))] = try Data(contentsOf: url)
        }
        return result
    }

    func assertSame(_ output: String, as reference: [String: Data], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let files = try Self.files(in: root.appendingPathComponent(output))
        XCTAssertEqual(Set(files.keys), Set(reference.keys), what, file: file, line: line)
        for (path, data) in reference where files[path] != data {
            XCTFail("\(what): \(path) differs from the first render", file: file, line: line)
        }
    }

    /// Ten models with nested boundaries, five renders each with a fresh cache folder, then with no
    /// cache, a warm cache, a half-warm cache and one core: every byte equal.
    func testOutputIsByteIdenticalWhateverTheCacheState() throws {
        try render(into: "out-0", cache: "cache-0")
        let reference = try Self.files(in: root.appendingPathComponent("out-0"))
        XCTAssertEqual(reference.keys.filter { $0.hasPrefix("html/system-") }.count, 10)
        XCTAssertTrue(reference["html/system-3.html"].map { String(decoding: $0, as: UTF8.self).contains("<svg") } ?? false,
                      "the pages carry their diagrams")
        for run in 1..<5 {
            try render(into: "out-\(run)", cache: "cache-\(run)")
            try assertSame("out-\(run)", as: reference, "fresh cache, run \(run + 1)")
        }
        try render(into: "out-none", cache: nil)
        try assertSame("out-none", as: reference, "--no-cache")
        try render(into: "out-warm", cache: "cache-0")
        try assertSame("out-warm", as: reference, "warm cache")
        // Half-warm: the cache has seen half of the models, rendered on their own.
        try render(into: "out-half-seed", cache: "cache-half", models: (0..<5).map { "models/system-\($0).yaml" })
        try render(into: "out-half", cache: "cache-half")
        try assertSame("out-half", as: reference, "half-warm cache")
        // One core: the same work, scheduled differently.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") {
            let run = try TestSupport.runProgram(URL(fileURLWithPath: "/usr/bin/taskset"),
                ["-c", "0", try TestSupport.locateExecutable().path, "render", "--no-project", "--output", "out-one-core",
                 "--cache-dir", "cache-one-core", "models"], in: root,
                environment: ProcessInfo.processInfo.environment.merging(["SOURCE_DATE_EPOCH": TestSupport.sourceDateEpoch]) { $1 })
            XCTAssertEqual(run.status, 0, run.stderr)
            try assertSame("out-one-core", as: reference, "one core")
        }
    }

    /// `models`, `./models/` and an absolute path give the same bytes: no absolute path reaches a page.
    func testOutputDoesNotDependOnHowPathsAreSpelt() throws {
        try render(into: "out-plain", cache: nil)
        let reference = try Self.files(in: root.appendingPathComponent("out-plain"))
        try render(into: "out-dot", cache: nil, models: ["./models/"])
        try assertSame("out-dot", as: reference, "./models/")
        try render(into: "out-absolute", cache: nil, models: [root.appendingPathComponent("models").path])
        try assertSame("out-absolute", as: reference, "an absolute path")
        for (path, data) in reference {
            XCTAssertFalse(String(decoding: data, as: UTF8.self).contains(root.path), "\(path) holds an absolute path")
        }
    }

    /// CI renders on one machine and checks on another, with an empty cache: `check` must agree.
    func testCheckPassesRightAfterRenderWithAnEmptyCache() throws {
        try render(into: "output", cache: "cache-render")
        let emptyCache = root.appendingPathComponent("empty-cache").path
        let check = try TestSupport.run(["check", "--no-project", "models"], in: root,
                                        environment: ["XDG_CACHE_HOME": emptyCache, "HOME": emptyCache])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stderr.contains("check passed"), check.stderr)
    }

    func testCheckTakesTheFormatsRenderWrote() throws {
        let render = try TestSupport.run(["render", "--no-project", "--no-cache", "--formats", "html", "models"], in: root)
        XCTAssertEqual(render.status, 0, render.stderr)
        let check = try TestSupport.run(["check", "--no-project", "--formats", "html", "models"], in: root,
                                        environment: ["XDG_CACHE_HOME": root.appendingPathComponent("xdg").path])
        XCTAssertEqual(check.status, 0, check.stderr)
        let mismatched = try TestSupport.run(["check", "--no-project", "models"], in: root,
                                             environment: ["XDG_CACHE_HOME": root.appendingPathComponent("xdg").path])
        XCTAssertEqual(mismatched.status, 1, "the Markdown files are missing")
        XCTAssertTrue(mismatched.stderr.contains("missing: output/system-0.md"), mismatched.stderr)
    }
}
