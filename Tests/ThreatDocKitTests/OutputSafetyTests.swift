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

/// Nothing lost: `output/` is always the whole old or the whole new output, a killed render's debris is
/// cleaned by the next run, files threatdoc did not write are never deleted, and two renders into one
/// folder never interleave.
final class OutputSafetyTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("td-safe-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func writeModels(_ folder: String, count: Int, revision: Int) throws {
        let url = root.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, yaml) in ClusteredCorpus.models(count: count, revision: revision) {
            try yaml.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    @discardableResult
    func render(_ models: String, into output: String = "output", _ extra: [String] = [], expect status: Int32 = 0,
                file: StaticString = #filePath, line: UInt = #line) throws -> TestSupport.Run {
        let run = try TestSupport.run(["render", "--no-project", "--output", output, "--cache-dir", "cache"] + extra + [models], in: root)
        XCTAssertEqual(run.status, status, run.stderr, file: file, line: line)
        return run
    }

    func files(_ folder: String) throws -> [String: Data] {
        try DeterminismTests.files(in: root.appendingPathComponent(folder))
    }

    /// Folders and files a render leaves beside the output and in the cache's temporary folder.
    func leftovers() throws -> [String] {
        let siblings = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".output.") }
        let temporaries = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("cache/tmp").path)) ?? []
        return siblings + temporaries.map { "cache/tmp/" + $0 }
    }

    // MARK: Atomic replacement

    /// Renders of 100 models killed with SIGKILL at 60 points spread over a whole render: after every
    /// kill, and at every moment watched while the render ran, `output/` is complete, byte for byte the
    /// old output or the new one. The next run leaves no debris.
    func testKilledRendersLeaveTheOldOrTheNewOutputNeverAMix() throws {
        try writeModels("models-a", count: 100, revision: 0)
        try writeModels("models-b", count: 100, revision: 1)
        try render("models-a", into: "reference-a")
        try render("models-b", into: "reference-b")
        let a = try files("reference-a"), b = try files("reference-b")
        XCTAssertNotEqual(a, b)
        try render("models-a")

        // How long a render takes here, warm as in the loop below.
        let started = Date()
        try render("models-b")
        try render("models-a")
        let duration = max(Date().timeIntervalSince(started) / 2, 0.05)

        let executable = try TestSupport.locateExecutable()
        var environment = ProcessInfo.processInfo.environment
        environment["SOURCE_DATE_EPOCH"] = TestSupport.sourceDateEpoch
        var seen = (old: 0, new: 0), watched = 0
        let kills = 60
        for point in 0..<kills {
            let models = point % 2 == 0 ? "models-b" : "models-a"
            let before = try files("output")
            let process = Process()
            process.executableURL = executable
            process.arguments = ["render", "--no-project", "--output", "output", "--cache-dir", "cache", models]
            process.currentDirectoryURL = root
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Spread over 1.2 renders, so some kills land after the swap, during the old folder's removal.
            let deadline = Date().addingTimeInterval(duration * 1.2 * Double(point) / Double(kills))
            repeat {
                watched += 1
                XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("output/\(OutputWriter.marker)").path),
                              "output/ was incomplete during a render (kill point \(point))")
                usleep(500)
            } while Date() < deadline
            kill(process.processIdentifier, SIGKILL)
            process.waitForExit()
            let after = try files("output")
            let expectedNew = models == "models-a" ? a : b
            if after == before { seen.old += 1 } else if after == expectedNew { seen.new += 1 } else {
                let differing = Set(after.keys).symmetricDifference(before.keys).union(after.keys.filter { after[$0] != before[$0] && after[$0] != expectedNew[$0] })
                return XCTFail("kill point \(point): output/ is neither the old nor the new output: \(differing.sorted().prefix(5))")
            }
        }
        print("kill-test: \(kills) kills over a render of 100 models: \(seen.old) left the old output, \(seen.new) the new; output/ checked \(watched) times while renders ran")
        XCTAssertGreaterThan(seen.old, 0)
        // The next run cleans what the killed ones left.
        try render("models-a")
        XCTAssertEqual(try files("output"), a)
        XCTAssertEqual(try leftovers(), [])
    }

    func testAFailedWriteLeavesTheOldOutputAndNoDebris() throws {
        let directory = root.appendingPathComponent("output").path
        try OutputWriter(directory: directory).replace(with: ["README.md": "old\n", "a.md": "old a\n"], lock: OutputLock.acquire(for: directory))
        let before = try files("output")
        var writer = OutputWriter(directory: directory)
        writer.failAfter = 1
        XCTAssertThrowsError(try writer.replace(with: ["README.md": "new\n", "a.md": "new\n", "b.md": "new\n"], lock: OutputLock.acquire(for: directory)))
        XCTAssertEqual(try files("output"), before)
        XCTAssertEqual(try leftovers(), [])
    }

    // MARK: Files threatdoc did not write

    func testForeignFilesStopTheRenderAndNothingChanges() throws {
        try writeModels("models", count: 3, revision: 0)
        try render("models")
        let output = root.appendingPathComponent("output")
        try Data("docs.example.com\n".utf8).write(to: output.appendingPathComponent("CNAME"))
        try FileManager.default.createDirectory(at: output.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: output.appendingPathComponent("notes/todo.md"))
        try Data("my style\n".utf8).write(to: output.appendingPathComponent("html/custom.css"))
        let before = try files("output")

        try writeModels("models", count: 4, revision: 1)
        let refused = try render("models", expect: 2)
        for name in ["output/CNAME", "output/html/custom.css", "output/notes/"] {
            XCTAssertTrue(refused.stderr.contains(name), "the error names \(name): \(refused.stderr)")
        }
        XCTAssertTrue(refused.stderr.contains("--keep-foreign"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("output/ is unchanged"), refused.stderr)
        XCTAssertEqual(try files("output"), before)
        XCTAssertEqual(try leftovers(), [])
    }

    /// A gh-pages checkout: `.git`, `CNAME` and a link survive every render with --keep-foreign, and
    /// pages threatdoc no longer produces are still removed.
    func testKeepForeignCarriesTheUsersFilesIntoEachNewOutput() throws {
        try writeModels("models", count: 3, revision: 0)
        try render("models")
        let output = root.appendingPathComponent("output")
        let git = output.appendingPathComponent(".git/objects/ab")
        try FileManager.default.createDirectory(at: git, withIntermediateDirectories: true)
        try Data("ref: refs/heads/gh-pages\n".utf8).write(to: output.appendingPathComponent(".git/HEAD"))
        try Data([0x78, 0x9C, 0x01]).write(to: git.appendingPathComponent("cdef"))
        try Data("docs.example.com\n".utf8).write(to: output.appendingPathComponent("CNAME"))
        try FileManager.default.createSymbolicLink(atPath: output.appendingPathComponent("latest").path, withDestinationPath: "html/index.html")
        let foreign = try files("output").filter { $0.key.hasPrefix(".git/") || $0.key == "CNAME" }
        XCTAssertEqual(foreign.count, 3)

        try FileManager.default.removeItem(at: root.appendingPathComponent("models/system-2.yaml"))
        try writeModels("models-next", count: 2, revision: 1)
        try render("models-next", ["--keep-foreign"])
        try render("models-next", ["--keep-foreign"])
        let after = try files("output")
        for (path, data) in foreign { XCTAssertEqual(after[path], data, path) }
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: output.appendingPathComponent("latest").path), "html/index.html")
        XCTAssertNil(after["html/system-2.html"], "a page no longer produced is removed")
        XCTAssertNotNil(after["html/system-1.html"])
        XCTAssertEqual(try leftovers(), [])
        // check ignores the user's files.
        let check = try TestSupport.run(["check", "--no-project", "models-next"], in: root,
                                        environment: ["XDG_CACHE_HOME": root.appendingPathComponent("xdg").path])
        XCTAssertEqual(check.status, 0, check.stderr)
    }

    /// The manifest is committed, so a merge or a pull request can edit it: names threatdoc never
    /// writes stay the user's even when it lists them, and a folder of the user's is named once.
    func testATamperedManifestCannotMakeThreatdocDeleteTheUsersFiles() throws {
        try writeModels("models", count: 2, revision: 0)
        try render("models")
        let output = root.appendingPathComponent("output")
        try FileManager.default.createDirectory(at: output.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: output.appendingPathComponent(".git/refs"), withIntermediateDirectories: true)
        for (path, text) in [("CNAME", "docs.example.com\n"), ("notes/todo.md", "mine\n"), ("notes/todo.txt", "mine\n"),
                             (".git/HEAD", "ref\n"), (".git/refs/main", "abc\n")] {
            try Data(text.utf8).write(to: output.appendingPathComponent(path))
        }
        let manifest = output.appendingPathComponent(OutputWriter.marker)
        try (String(contentsOf: manifest, encoding: .utf8) + "CNAME\nnotes/todo.md\nnotes/todo.txt\n.git/HEAD\n../outside.txt\n")
            .write(to: manifest, atomically: true, encoding: .utf8)
        try "outside\n".write(to: root.appendingPathComponent("outside.txt"), atomically: true, encoding: .utf8)
        let refused = try render("models", expect: 2)
        XCTAssertTrue(refused.stderr.contains("output/CNAME") && refused.stderr.contains("output/.git/,")
                      || refused.stderr.contains("output/.git/ "), refused.stderr)
        XCTAssertFalse(refused.stderr.contains(".git/HEAD"), "a folder of the user's is named once: \(refused.stderr)")
        try render("models", ["--keep-foreign"])
        for path in ["CNAME", "notes/todo.md", "notes/todo.txt", ".git/HEAD", ".git/refs/main"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent(path).path), path)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("outside.txt").path))
    }

    func testTheWorkingFolderTheRootAndHomeAreNeverAnOutput() throws {
        try writeModels("models", count: 1, revision: 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        for output in [".", "./", "..", "/", root.path] {
            let run = try render("models", into: output, ["--keep-foreign"], expect: 2)
            XCTAssertTrue(run.stderr.contains("refusing to write into"), run.stderr)
        }
        let home = try TestSupport.run(["render", "--no-project", "--no-cache", "--output", root.appendingPathComponent("home").path, "models"],
                                       in: root, environment: ["HOME": root.appendingPathComponent("home").path])
        XCTAssertEqual(home.status, 2, home.stderr)
        // Only the cache folder threatdoc made for itself is new.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0 != "cache" }.sorted(), before)
    }

    /// A page edited in place keeping its size and time (`cp -p`, `rsync -t`) is still rendered again.
    func testAnEditThatKeepsSizeAndTimeIsStillReplaced() throws {
        try writeModels("models", count: 2, revision: 0)
        try render("models")
        let page = root.appendingPathComponent("output/system-0.md").path
        let original = try XCTUnwrap(FileManager.default.contents(atPath: page))
        var info = stat()
        XCTAssertEqual(stat(page, &info), 0)
        var edited = original
        edited[edited.startIndex] = edited[edited.startIndex] == 0x23 ? 0x24 : 0x23
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: page))
        try handle.write(contentsOf: edited)
        try handle.close()
        var times = [timespec(tv_sec: info.st_mtim.tv_sec, tv_nsec: info.st_mtim.tv_nsec),
                     timespec(tv_sec: info.st_mtim.tv_sec, tv_nsec: info.st_mtim.tv_nsec)]
        XCTAssertEqual(utimensat(AT_FDCWD, page, &times, 0), 0)
        try render("models")
        XCTAssertEqual(FileManager.default.contents(atPath: page), original)
    }

    func testAUserFileWhereAPageWouldGoIsNeverOverwritten() throws {
        try writeModels("models", count: 2, revision: 0)
        try render("models")
        try Data("my own page\n".utf8).write(to: root.appendingPathComponent("output/system-2.md"))
        try writeModels("models", count: 3, revision: 0)
        let refused = try render("models", ["--keep-foreign"], expect: 2)
        XCTAssertTrue(refused.stderr.contains("output/system-2.md was not written by threatdoc"), refused.stderr)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("output/system-2.md"), encoding: .utf8), "my own page\n")
    }

    /// What a killed render left beside the output is removed by the next one, but only the files it
    /// wrote (by the side folder's manifest, or the same file as in the live output).
    func testTheNextRunRemovesOnlyWhatKilledRunsWrote() throws {
        try writeModels("models", count: 2, revision: 0)
        try render("models")
        let fresh = root.appendingPathComponent(".output.new-99999999-1")
        try FileManager.default.createDirectory(at: fresh.appendingPathComponent("html"), withIntermediateDirectories: true)
        try OutputWriter.manifestText(for: ["README.md", "html/index.html"]).write(to: fresh.appendingPathComponent(OutputWriter.marker), atomically: true, encoding: .utf8)
        try "x".write(to: fresh.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try "x".write(to: fresh.appendingPathComponent("html/index.html"), atomically: true, encoding: .utf8)
        // A link to the live output's page, as a killed --keep-foreign or kept-page run leaves.
        XCTAssertEqual(link(root.appendingPathComponent("output/system-0.md").path, fresh.appendingPathComponent("system-0.md").path), 0)
        let odd = root.appendingPathComponent(".output.old-99999999-2")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
        try OutputWriter.manifestText(for: ["a.md"]).write(to: odd.appendingPathComponent(OutputWriter.marker), atomically: true, encoding: .utf8)
        try "x".write(to: odd.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        try "precious".write(to: odd.appendingPathComponent("thesis.tex"), atomically: true, encoding: .utf8)

        let run = try render("models")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: odd.appendingPathComponent("a.md").path))
        XCTAssertEqual(try String(contentsOf: odd.appendingPathComponent("thesis.tex"), encoding: .utf8), "precious")
        XCTAssertTrue(run.stderr.contains("warning: left") && run.stderr.contains(".output.old-99999999-2"), run.stderr)
        XCTAssertNotNil(try files("output")["system-0.md"])
    }

    // MARK: Concurrent renders

    func testASecondRenderWaitsForTheLock() throws {
        try writeModels("models", count: 2, revision: 0)
        let lock = try OutputLock.acquire(for: root.appendingPathComponent("output").path)
        let waiting = Thread.detachNewThreadWithResult { [root] in
            try? TestSupport.run(["render", "--no-project", "--cache-dir", "cache", "models"], in: root)
        }
        usleep(700_000)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path), "the render did not wait")
        lock.release()
        let run = try XCTUnwrap(waiting.value())
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("waiting for another threatdoc writing output/"), run.stderr)
    }

    func testTwoRendersAtOnceGiveOneCompleteOutput() throws {
        try writeModels("models-a", count: 20, revision: 0)
        try writeModels("models-b", count: 20, revision: 1)
        try render("models-a", into: "reference-a")
        try render("models-b", into: "reference-b")
        let a = try files("reference-a"), b = try files("reference-b")
        for _ in 0..<3 {
            let first = Thread.detachNewThreadWithResult { [root] in
                try? TestSupport.run(["render", "--no-project", "--cache-dir", "cache", "models-a"], in: root)
            }
            let second = try TestSupport.run(["render", "--no-project", "--cache-dir", "cache", "models-b"], in: root)
            XCTAssertEqual(second.status, 0, second.stderr)
            XCTAssertEqual(first.value()?.status, 0, first.value()?.stderr ?? "")
            let output = try files("output")
            XCTAssertTrue(output == a || output == b, "output/ is a mix of two renders")
            XCTAssertEqual(try leftovers(), [])
        }
    }
}

/// Rendering or checking some models of a project never deletes, or judges, the other models' pages.
final class PartialRenderTests: XCTestCase {
    func testRenderingOneModelKeepsTheOthersPages() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-partial-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for item in ["models", ".threatdoc.yaml"] {
            try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        XCTAssertEqual(try TestSupport.run(["render"], in: dir).status, 0)
        let before = try TestSupport.outputTree(dir.appendingPathComponent("output"))

        let one = try TestSupport.run(["render", "models/docker.yaml"], in: dir)
        XCTAssertEqual(one.status, 2, one.stderr)
        XCTAssertTrue(one.stderr.contains("would delete output/html/kubernetes.html, output/kubernetes.md"), one.stderr)
        XCTAssertTrue(one.stderr.contains("`--output DIR`"), one.stderr)
        XCTAssertEqual(try TestSupport.outputTree(dir.appendingPathComponent("output")), before, "nothing written")

        let check = try TestSupport.run(["check", "models/docker.yaml"], in: dir)
        XCTAssertEqual(check.status, 0, "the docker pages are fresh; the others are not this check's: \(check.stderr)")
        try "edited\n".write(to: dir.appendingPathComponent("output/docker.md"), atomically: true, encoding: .utf8)
        let stale = try TestSupport.run(["check", "models/docker.yaml"], in: dir)
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.stderr.contains("stale: output/docker.md"), stale.stderr)

        let elsewhere = try TestSupport.run(["render", "models/docker.yaml", "--output", "report"], in: dir)
        XCTAssertEqual(elsewhere.status, 0, elsewhere.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report/docker.md").path))
    }
}
