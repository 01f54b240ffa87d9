import Foundation
import ThreatDocCorpus
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

/// Paths and helpers shared by the tests.
enum TestSupport {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures")
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// Set THREATDOC_RECORD=1 to rewrite golden files from the current output.
    static let recording = ProcessInfo.processInfo.environment["THREATDOC_RECORD"] == "1"
    /// A fixed "today" (2026-11-26) so review-age rules do not depend on the clock.
    static let today = CalendarDate("2026-11-26")!
    static let sourceDateEpoch = "1795651200"

    static func pipeline(limits: LoadLimits = .default) -> Pipeline {
        Pipeline(limits: limits, options: ValidationOptions(today: today))
    }

    /// Runs the whole pipeline on inline YAML.
    static func diagnose(_ yaml: String, path: String = "model.yaml") -> [Diagnostic] {
        pipeline().run(text: yaml, path: path).diagnostics
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the `threatdoc` executable and captures its output.
    /// Every file under `folder` by relative path, with its bytes.
    static func outputTree(_ folder: URL) throws -> [String: Data] {
        var tree: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            tree[String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))] = try Data(contentsOf: url)
        }
        return tree
    }

    static func run(_ arguments: [String], in directory: URL? = nil, environment extra: [String: String] = [:],
                    file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        var environment = ProcessInfo.processInfo.environment
        environment["SOURCE_DATE_EPOCH"] = sourceDateEpoch
        environment.removeValue(forKey: "NO_COLOR")
        for (key, value) in extra { environment[key] = value }
        return try runProgram(try locateExecutable(), arguments, in: directory ?? packageRoot, environment: environment)
    }

    /// Runs a program (at a path, or `env`'s search of PATH with `tool:`) and captures its output.
    static func runProgram(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the child runs, so a large output on either cannot block it.
        let stderr = Thread.detachNewThreadWithResult { err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitForExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr.value(), as: UTF8.self))
    }

    static func runProgram(tool: String, _ arguments: [String], in directory: URL? = nil) throws -> Run {
        try runProgram(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments, in: directory)
    }

    /// The Python 3 the tests run their checkers with (.ci/test sets THREATDOC_PYTHON).
    static var python: String { ProcessInfo.processInfo.environment["THREATDOC_PYTHON"] ?? "python3" }

    static func locateExecutable() throws -> URL {
        var candidates: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("threatdoc"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("threatdoc"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        struct Missing: Error, CustomStringConvertible {
            var description: String
        }
        throw Missing(description: "the threatdoc executable was not built; run `swift build` before `swift test` (looked in \(candidates.map(\.path)))")
    }

    /// Compares `actual` with a golden file, or rewrites it in record mode.
    static func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = fixtures.appendingPathComponent("golden").appendingPathComponent(name)
        if recording {
            // Record mode rewrites, then fails, so a run with THREATDOC_RECORD=1 can never pass by accident.
            if (try? String(contentsOf: url, encoding: .utf8)) != actual {
                try actual.write(to: url, atomically: true, encoding: .utf8)
                XCTFail("recorded \(name); check the change and run the tests again without THREATDOC_RECORD", file: file, line: line)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("missing golden file \(name); run the tests with THREATDOC_RECORD=1 to create it", file: file, line: line)
            return
        }
        if actual != expected {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let index = Array(zip(a, e)).firstIndex { $0.0 != $0.1 } ?? min(a.count, e.count)
            XCTFail("""
                \(name) differs from its golden file at line \(index + 1):
                  expected: \(index < e.count ? String(e[index]) : "<end>")
                  actual:   \(index < a.count ? String(a[index]) : "<end>")
                Re-record with THREATDOC_RECORD=1 if the change is intended.
                """, file: file, line: line)
        }
    }
}

extension Array where Element == Diagnostic {
    func codes() -> [String] { map(\.code.id) }

    func with(_ code: DiagnosticCode) -> [Diagnostic] { filter { $0.code == code } }

    /// "line:column" of every diagnostic with `code`.
    func positions(_ code: DiagnosticCode) -> [String] {
        with(code).map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0)" }
    }
}

/// A minimal valid model to build rule tests on; `extra` is appended at the top level.
func minimalModel(_ extra: String = "") -> String {
    SyntheticModel.minimal + extra
}

extension Thread {
    /// Runs `work` on a new thread; `value()` waits for its result.
    static func detachNewThreadWithResult<T>(_ work: @escaping @Sendable () -> T) -> Deferred<T> {
        let deferred = Deferred<T>()
        Thread.detachNewThread { deferred.set(work()) }
        return deferred
    }
}

/// A test with a fresh project folder (`root`, holding an empty `models/`), removed afterwards, and
/// the ways those tests write files and run threatdoc there with a cache of their own.
class ProjectTestCase: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("td-\(Self.self)-\(UUID())")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("models"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func write(_ text: String, to path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Runs threatdoc in `root`, with the default cache folder inside it.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> TestSupport.Run {
        try TestSupport.run(arguments, in: root,
                            environment: ["XDG_CACHE_HOME": root.appendingPathComponent("xdg").path].merging(environment) { $1 })
    }
}
