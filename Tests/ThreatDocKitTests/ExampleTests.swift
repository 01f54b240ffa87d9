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

/// Every example a user can copy, from every command's `--help` and from the README's shell blocks,
/// runs: in a copy of this repository's models, project file and templates, committed to git (so
/// `git:HEAD~5` and `git:origin/main` resolve), with the files the examples name (`docker-bench.log.json`,
/// `kube-bench.json`, `my-templates/`) put in place. An example that is a usage error or names a missing file fails here.
final class ExampleTests: XCTestCase {
    /// The examples, each as the command line after `threatdoc`, with where it was found.
    static func examples() throws -> [(source: String, arguments: [String])] {
        var found: [(String, [String])] = []
        func add(_ line: Substring, from source: String) {
            var text = String(line).trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(".build/release/") { text.removeFirst(".build/release/".count) }
            guard text.hasPrefix("threatdoc ") || text == "threatdoc" else { return }
            // What a shell would run as threatdoc: before a comment, a pipe or a redirection.
            for marker in [" #", " |", " >"] { if let cut = text.range(of: marker) { text = String(text[..<cut.lowerBound]) } }
            found.append((source, text.split(separator: " ").dropFirst().map(String.init)))
        }
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var inShell = false
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inShell = line == "```sh"; continue }
            if inShell { add(line, from: "README") }
        }
        for command in [[], ["validate"], ["render"], ["check"], ["diff"], ["bench"], ["bench", "list"], ["bench", "show"], ["bench", "scan"], ["schema"],
                        ["import"], ["export"], ["init"], ["new", "model"]] {
            let help = try TestSupport.run(command + ["--help"])
            XCTAssertEqual(help.status, 0, "\(command) --help")
            guard let examples = help.stdout.components(separatedBy: "Examples:").dropFirst().first else { continue }
            for line in examples.split(separator: "\n") {
                guard line.hasPrefix(" ") else { break }
                add(line, from: "threatdoc \(command.joined(separator: " ")) --help")
            }
        }
        return found
    }

    func git(_ arguments: [String], in directory: URL) throws {
        let run = try TestSupport.runProgram(tool: "git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
                                             + arguments, in: directory)
        XCTAssertEqual(run.status, 0, "git \(arguments.joined(separator: " ")): \(run.stderr)")
    }

    func testEveryExampleRuns() throws {
        let examples = try Self.examples()
        XCTAssertGreaterThan(examples.count, 40, "the README and the help texts hold dozens of examples")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-examples-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("my-templates"), withIntermediateDirectories: true)
        for item in ["models", ".threatdoc.yaml", "templates"] {
            try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        // The reports the examples name, as a user would have them beside the models.
        for (scan, name) in [("docker-bench-docker-host-a.json", "docker-bench.log.json"), ("docker-bench-docker-host-a.json", "docker-bench.json"),
                             ("kube-bench-worker-1.json", "kube-bench.json")] {
            try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent("models/scans/\(scan)"),
                                             to: dir.appendingPathComponent(name))
        }
        // The files the import examples name: the README's Threat Dragon demo, at its path in this repository,
        // and the names `threatdoc import --help` uses.
        let interop = TestSupport.fixtures.appendingPathComponent("interop")
        let demo = dir.appendingPathComponent("Tests/ThreatDocKitTests/Fixtures/interop/threat-dragon-v2")
        try FileManager.default.createDirectory(at: demo, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: interop.appendingPathComponent("threat-dragon-v2/v2-threat-model.json"),
                                         to: demo.appendingPathComponent("v2-threat-model.json"))
        for (source, name) in [("threat-dragon-v2/online-game.json", "threat-dragon-model.json"), ("threat-dragon-v2/generic-cms.json", "threat-dragon.json"),
                               ("otm/EXAMPLE.json", "diagram.otm.json"),
                               ("tm-library/huskyai.json", "huskyai.json")] {
            try FileManager.default.copyItem(at: interop.appendingPathComponent(source), to: dir.appendingPathComponent(name))
        }
        try git(["init", "-q", "-b", "main"], in: dir)
        for commit in 0..<6 {
            try "\(commit)\n".write(to: dir.appendingPathComponent("history.txt"), atomically: true, encoding: .utf8)
            try git(["add", "."], in: dir)
            try git(["commit", "-q", "-m", "commit \(commit)"], in: dir)
        }
        try git(["update-ref", "refs/remotes/origin/main", "HEAD"], in: dir)
        let report = dir.appendingPathComponent("report").path
        for (source, arguments) in examples {
            let run = try TestSupport.run(arguments.map { $0 == "/tmp/report" ? report : $0 }, in: dir)
            // 0, or 1 where an example shows a failing gate or --strict on models that have warnings.
            XCTAssertTrue(run.status == 0 || run.status == 1, "\(source): threatdoc \(arguments.joined(separator: " ")) exited \(run.status): \(run.stderr.prefix(300))")
            XCTAssertFalse(run.stderr.contains("Error: "), "\(source): threatdoc \(arguments.joined(separator: " ")) is a usage error: \(run.stderr.prefix(300))")
            XCTAssertFalse((run.stdout + run.stderr).contains("No such file"),
                           "\(source): threatdoc \(arguments.joined(separator: " ")) names a file that does not exist")
        }
    }
}
