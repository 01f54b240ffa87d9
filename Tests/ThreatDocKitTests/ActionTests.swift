import XCTest
import Foundation
import ThreatDocKit

/// The GitHub Action in `.github/actions/threatdoc`: its inputs match the README's table, and its shell
/// steps run here with a fake GitHub environment (RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH, a fake `gh`,
/// a release served from a file: URL), producing the files and outputs the later steps use.
final class ActionTests: ProjectTestCase {
    static let action = TestSupport.packageRoot.appendingPathComponent(".github/actions/threatdoc")

    var temp: URL { root.appendingPathComponent("runner-temp") }
    var outputFile: URL { root.appendingPathComponent("github-output") }
    var pathFile: URL { root.appendingPathComponent("github-path") }
    var bin: URL { root.appendingPathComponent("fake-bin") }

    override func setUpWithError() throws {
        try super.setUpWithError()
        for folder in [temp, bin] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        for file in [outputFile, pathFile] { try Data().write(to: file) }
    }

    /// Runs one of the action's scripts in `folder` with the environment GitHub gives a composite step.
    func step(_ script: String, in folder: URL, _ environment: [String: String]) throws -> TestSupport.Run {
        let threatdoc = try TestSupport.locateExecutable().deletingLastPathComponent().path
        var env = ["RUNNER_TEMP": temp.path, "GITHUB_OUTPUT": outputFile.path, "GITHUB_PATH": pathFile.path,
                   "GITHUB_ACTION_PATH": Self.action.path, "GITHUB_WORKSPACE": folder.path, "GITHUB_REPOSITORY": "acme/shop",
                   "GITHUB_STEP_SUMMARY": root.appendingPathComponent("summary.md").path, "HOME": root.path,
                   "PATH": "\(bin.path):\(threatdoc):/usr/local/bin:/usr/bin:/bin"]
        env.merge(environment) { $1 }
        return try TestSupport.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["-i"] + env.map { "\($0.key)=\($0.value)" }.sorted()
                                          + ["bash", Self.action.appendingPathComponent(script).path], in: folder)
    }

    func outputs() throws -> [String: String] {
        let text = try String(contentsOf: outputFile, encoding: .utf8)
        return Dictionary(text.split(separator: "\n").compactMap { line in
            line.firstIndex(of: "=").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) }
        }, uniquingKeysWith: { _, last in last })
    }

    func testInputsMatchTheReadme() throws {
        let json = try TestSupport.runProgram(tool: TestSupport.python, ["-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", Self.action.appendingPathComponent("action.yml").path])
        XCTAssertEqual(json.status, 0, json.stderr)
        let action = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let inputs = try XCTUnwrap(action["inputs"] as? [String: [String: Any]])
        XCTAssertEqual((action["runs"] as? [String: Any])?["using"] as? String, "composite")
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.components(separatedBy: "### The action: `.github/actions/threatdoc`").dropFirst().first)
        let rows = section.split(separator: "\n").drop { !$0.hasPrefix("| input") }.dropFirst(2).prefix { $0.hasPrefix("|") }
        var documented: [String: String] = [:]
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            documented[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        }
        XCTAssertEqual(Set(documented.keys), Set(inputs.keys), "README inputs vs action.yml")
        for (name, input) in inputs { XCTAssertEqual(documented[name], "\(input["default"] ?? "")", "default of \(name)") }
        for required in ["models", "fail-on", "comment", "sarif", "site", "version"] { XCTAssertNotNil(inputs[required], required) }
        // Every script a step runs is here and executable.
        let steps = try XCTUnwrap((action["runs"] as? [String: Any])?["steps"] as? [[String: Any]])
        for step in steps {
            guard let run = step["run"] as? String, let script = run.components(separatedBy: "$GITHUB_ACTION_PATH/").dropFirst().first?.split(separator: "\"").first else { continue }
            XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.action.appendingPathComponent(String(script)).path), String(script))
        }
        XCTAssertEqual(String(decoding: Data(Scaffold.actionReference.utf8), as: UTF8.self), "threatdoc/threatdoc/.github/actions/threatdoc@v\(ThreatDocKit.version)")
        XCTAssertEqual(inputs["version"]?["default"] as? String, ThreatDocKit.version, "the action fetches the release it belongs to")
    }

    func testInstallFetchesAndVerifiesTheRelease() throws {
        // A release as .ci/release lays it out, served from a file: URL.
        let version = "9.9.9", name = "threatdoc-9.9.9-linux-\(machine())"
        let release = root.appendingPathComponent("releases/v\(version)")
        let staging = root.appendingPathComponent("staging/threatdoc-\(version)/bin")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: release, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try TestSupport.locateExecutable(), to: staging.appendingPathComponent("threatdoc"))
        XCTAssertEqual(try TestSupport.runProgram(tool: "tar", ["-czf", release.appendingPathComponent("\(name).tar.gz").path, "-C",
                                                               root.appendingPathComponent("staging").path, "threatdoc-\(version)"]).status, 0)
        let sum = try TestSupport.runProgram(tool: "sha256sum", ["\(name).tar.gz"], in: release)
        try sum.stdout.write(to: release.appendingPathComponent("\(name).tar.gz.sha256"), atomically: true, encoding: .utf8)
        let environment = ["THREATDOC_VERSION": version, "THREATDOC_RELEASE_URL": "file://\(root.appendingPathComponent("releases").path)",
                           "THREATDOC_SKIP_APT": "1"]
        let run = try step("install.sh", in: root, environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains(ThreatDocKit.version), run.stdout)
        let installed = temp.appendingPathComponent("threatdoc")
        XCTAssertEqual(try String(contentsOf: pathFile, encoding: .utf8), installed.path + "\n")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: installed.appendingPathComponent("threatdoc").path))
        // A checksum list that names another file (sha256sum --check would hash that one) is refused.
        try FileManager.default.removeItem(at: installed)
        let original = try String(contentsOf: release.appendingPathComponent("\(name).tar.gz.sha256"), encoding: .utf8)
        try "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  /dev/null\n"
            .write(to: release.appendingPathComponent("\(name).tar.gz.sha256"), atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try step("install.sh", in: root, environment).status, 0)
        try original.write(to: release.appendingPathComponent("\(name).tar.gz.sha256"), atomically: true, encoding: .utf8)
        // A tarball that does not match its checksum is refused.
        try? FileManager.default.removeItem(at: installed)
        try Data("tampered".utf8).write(to: release.appendingPathComponent("\(name).tar.gz"))
        let tampered = try step("install.sh", in: root, environment)
        XCTAssertNotEqual(tampered.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: installed.appendingPathComponent("threatdoc").path))
    }

    func machine() -> String {
        var name = utsname()
        uname(&name)
        let value = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return value == "arm64" ? "aarch64" : value
    }

    func testCheckWritesSarifAndTheStatusAndSiteRenders() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        XCTAssertEqual(try run(["render"]).status, 0)
        let passed = try step("check.sh", in: root, ["THREATDOC_MODELS": "models", "THREATDOC_FAIL_ON": "error"])
        XCTAssertEqual(passed.status, 0, passed.stderr)
        var out = try outputs()
        XCTAssertEqual(out["status"], "0", passed.stderr)
        let sarif = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(out["sarif-file"])))) as? [String: Any])
        XCTAssertEqual(sarif["version"] as? String, "2.1.0")
        // A gate that fails: the step still succeeds (so SARIF and the comment go out) and records the status.
        try Data().write(to: outputFile)
        let failed = try step("check.sh", in: root, ["THREATDOC_MODELS": "models", "THREATDOC_FAIL_ON": "error,unimplemented:high"])
        XCTAssertEqual(failed.status, 0)
        out = try outputs()
        XCTAssertEqual(out["status"], "1", failed.stdout + failed.stderr)
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent("summary.md"), encoding: .utf8).contains("Failed with exit 1"))
        // Without fail-on, the project file's gates apply: a gate named only there fails the check.
        try Data().write(to: outputFile)
        let project = try String(contentsOf: root.appendingPathComponent(".threatdoc.yaml"), encoding: .utf8)
        try project.replacingOccurrences(of: "gates: [error, contradicted]", with: "gates: [error, \"unimplemented:high\"]")
            .write(to: root.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
        let projectGates = try step("check.sh", in: root, ["THREATDOC_MODELS": "models", "THREATDOC_FAIL_ON": ""])
        XCTAssertEqual(projectGates.status, 0)
        XCTAssertEqual(try outputs()["status"], "1", "the project file's gates apply when fail-on is empty")
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent("summary.md"), encoding: .utf8).contains("Failed with exit 1 (the project file's gates)"))
        // The site step renders HTML where the upload steps look.
        let site = try step("site.sh", in: root, ["THREATDOC_MODELS": "models", "THREATDOC_SITE": "artifact"])
        XCTAssertEqual(site.status, 0, site.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: temp.appendingPathComponent("threatdoc-site/html/index.html").path))
        XCTAssertEqual(try outputs()["site"], temp.appendingPathComponent("threatdoc-site/html").path)
    }

    /// The comment step posts the diff once, then updates the same comment, found by its marker.
    func testCommentIsPostedThenUpdatedInPlace() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        for arguments in [["init", "-q", "-b", "feature"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base"],
                          ["update-ref", "refs/remotes/origin/main", "HEAD"]] {
            XCTAssertEqual(try TestSupport.runProgram(tool: "git", arguments, in: root).status, 0, "\(arguments)")
        }
        // The pull request changes a threat's likelihood.
        let model = root.appendingPathComponent("models/web-app.yaml")
        let text = try String(contentsOf: model, encoding: .utf8)
        try text.replacingOccurrences(of: "    likelihood: medium\n    impact: high\n", with: "    likelihood: high\n    impact: high\n")
            .write(to: model, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TestSupport.runProgram(tool: "git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "pr"], in: root).status, 0)
        // A fake gh: it logs each call, and lists the comments in comments.json.
        let log = root.appendingPathComponent("gh.log"), comments = root.appendingPathComponent("comments.json")
        try "[]".write(to: comments, atomically: true, encoding: .utf8)
        let gh = """
            #!/usr/bin/env bash
            echo "$@" >> "\(log.path)"
            for argument in "$@"; do case "$argument" in body=@*) cp "${argument#body=@}" "\(root.path)/posted.md";; esac; done
            case "$*" in
              *--method\\ POST*) echo 101 ;;
              *--method\\ PATCH*) ;;
              *--paginate*) if grep -q threatdoc-diff "\(comments.path)"; then echo 101; fi ;;
            esac
            """
        try gh.write(to: bin.appendingPathComponent("gh"), atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(bin.appendingPathComponent("gh").path, 0o755), 0)
        let environment = ["THREATDOC_BASE_REF": "main", "THREATDOC_PR_NUMBER": "7", "GH_TOKEN": "x"]
        let first = try step("comment.sh", in: root, environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("posted comment 101"), first.stdout)
        let posted = try String(contentsOf: root.appendingPathComponent("posted.md"), encoding: .utf8)
        XCTAssertTrue(posted.hasPrefix("<!-- threatdoc-diff -->\n"), posted)
        XCTAssertTrue(posted.contains("WEB-S1"), "the diff names the changed threat: \(posted)")
        try "[{\"id\": 101, \"body\": \"<!-- threatdoc-diff -->\"}]".write(to: comments, atomically: true, encoding: .utf8)
        let second = try step("comment.sh", in: root, environment)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("updated comment 101"), second.stdout)
        let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(calls.filter { $0.contains("--method POST repos/acme/shop/issues/7/comments") }.count, 1, calls.joined(separator: "\n"))
        XCTAssertEqual(calls.filter { $0.contains("--method PATCH repos/acme/shop/issues/comments/101") }.count, 1, calls.joined(separator: "\n"))
        XCTAssertEqual(try outputs()["comment-id"], "101")
    }
}
