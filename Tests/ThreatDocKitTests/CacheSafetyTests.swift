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

/// The cache never deletes what threatdoc did not write, wherever `--cache-dir` points, and its keys
/// name the running build for real.
final class CacheSafetyTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("td-cache-\(UUID())")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("models"), withIntermediateDirectories: true)
        try minimalModel().write(to: root.appendingPathComponent("models/demo.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func make(_ path: String, daysOld: Double, content: String = "x") throws {
        let full = root.appendingPathComponent(path).path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: full, contents: Data(content.utf8)))
        let seconds = Int(Date().addingTimeInterval(-daysOld * 86_400).timeIntervalSince1970)
        var times = [timeval(tv_sec: seconds, tv_usec: 0), timeval(tv_sec: seconds, tv_usec: 0)]
        XCTAssertEqual(utimes(full, &times), 0)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path)
    }

    static let entryName = String(repeating: "ab", count: 32)

    /// `--cache-dir` at a repository whose files are 40 days old, in folders named like the cache's:
    /// the render refuses the folder and every file stays.
    func testACacheDirWithTheUsersFilesIsRefusedAndNothingIsDeleted() throws {
        let repository = "repo"
        let userFiles = ["\(repository)/models/payments.yaml", "\(repository)/pages/index.md", "\(repository)/layouts/diagram.svg",
                         "\(repository)/outputs/report.tsv", "\(repository)/pages/\(Self.entryName)", "\(repository)/README.md"]
        for path in userFiles { try make(path, daysOld: 40) }
        for arguments in [["render", "--no-project", "--cache-dir", repository, "models"],
                          ["render", "--no-project", "--cache-dir", "\(repository)/models", "models"]] {
            let run = try TestSupport.run(arguments, in: root)
            XCTAssertEqual(run.status, 2, run.stderr)
            XCTAssertTrue(run.stderr.contains("is not a threatdoc cache folder"), run.stderr)
            XCTAssertTrue(run.stderr.contains("--no-cache"), run.stderr)
        }
        for path in userFiles { XCTAssertTrue(exists(path), path) }
        XCTAssertFalse(exists("output"), "nothing is rendered with a refused cache")
        XCTAssertFalse(exists("\(repository)/CACHEDIR.TAG"))
    }

    /// In a marked cache, housekeeping removes only entry-shaped names in the entry folders, unused
    /// for 30 days; a stray file of the user's, however old, stays.
    func testHousekeepingRemovesOnlyOldEntriesItWrote() throws {
        let cache = try CacheFolder.open(root.appendingPathComponent("cache").path)
        XCTAssertTrue(cache.isMarked)
        let tag = try String(contentsOf: root.appendingPathComponent("cache/CACHEDIR.TAG"), encoding: .utf8)
        XCTAssertTrue(tag.hasPrefix("Signature: 8a477f597d28d172789f06886806bc55"))
        let old = String(repeating: "0", count: 64), recent = String(repeating: "1", count: 64)
        try make("cache/pages/\(old)", daysOld: 40)
        try make("cache/models/\(old)", daysOld: 31)
        try make("cache/layouts/\(recent)", daysOld: 2)
        try make("cache/pages/notes.txt", daysOld: 400)
        try make("cache/pages/\(Self.entryName.uppercased())", daysOld: 400)
        try make("cache/my-file", daysOld: 400)

        XCTAssertEqual(cache.pruneIfDue(), 2)
        for (path, kept) in [("cache/pages/\(old)", false), ("cache/models/\(old)", false), ("cache/layouts/\(recent)", true),
                             ("cache/pages/notes.txt", true), ("cache/pages/\(Self.entryName.uppercased())", true), ("cache/my-file", true)] {
            XCTAssertEqual(exists(path), kept, path)
        }
        // At most once a day; a used entry is marked and survives.
        try make("cache/pages/\(old)", daysOld: 45)
        XCTAssertEqual(cache.pruneIfDue(), 0)
        cache.markUsed(.pages, old)
        XCTAssertEqual(cache.pruneIfDue(now: Date().addingTimeInterval(2 * 86_400)), 0)
        XCTAssertTrue(exists("cache/pages/\(old)"))
    }

    /// A folder that loses its marks is no longer pruned, even by the library call.
    func testAnUnmarkedFolderIsNeverPruned() throws {
        let cache = try CacheFolder.open(root.appendingPathComponent("cache").path)
        try make("cache/pages/\(Self.entryName)", daysOld: 90)
        try FileManager.default.removeItem(at: root.appendingPathComponent("cache/.threatdoc-cache"))
        XCTAssertEqual(cache.prune(), 0)
        XCTAssertTrue(exists("cache/pages/\(Self.entryName)"))
    }

    func testTheRefusalNamesTheMissingMark() throws {
        try make("half/CACHEDIR.TAG", daysOld: 0, content: CacheFolder.tagText)
        try make("half/thesis.tex", daysOld: 40)
        let run = try TestSupport.run(["render", "--no-project", "--cache-dir", "half", "models"], in: root)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("it has no .threatdoc-cache"), run.stderr)
        XCTAssertTrue(run.stderr.contains("such as 'thesis.tex'"), run.stderr)
        XCTAssertTrue(exists("half/thesis.tex"))
    }

    func testAnEmptyFolderBecomesACacheAndAFileIsRefused() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let run = try TestSupport.run(["render", "--no-project", "--cache-dir", "empty", "models"], in: root)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(exists("empty/CACHEDIR.TAG") && exists("empty/.threatdoc-cache"))
        XCTAssertTrue(exists("empty/pages"))
        try make("a-file", daysOld: 0)
        let refused = try TestSupport.run(["render", "--no-project", "--cache-dir", "a-file", "models"], in: root)
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("not a folder"), refused.stderr)
    }

    /// Half-written entries of killed runs are removed by the next render; one a live writer holds
    /// locked is left alone, whatever its process ID (PID 1 in a container, or a reused ID).
    func testTheNextRenderRemovesAKilledRunsTemporaries() throws {
        _ = try CacheFolder.open(root.appendingPathComponent("cache").path)
        try make("cache/tmp/1-12345", daysOld: 0)
        try make("cache/tmp/\(getpid())-12345", daysOld: 0)
        try make("cache/tmp/\(getpid())-67890", daysOld: 0)
        try make("cache/tmp/not-ours", daysOld: 90)
        let held = open(root.appendingPathComponent("cache/tmp/\(getpid())-67890").path, O_RDONLY)
        XCTAssertEqual(flock(held, LOCK_EX), 0)
        defer { close(held) }
        let run = try TestSupport.run(["render", "--no-project", "--cache-dir", "cache", "models"], in: root)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(exists("cache/tmp/1-12345"), "PID 1 is always alive; the lock says the writer is gone")
        XCTAssertFalse(exists("cache/tmp/\(getpid())-12345"))
        XCTAssertTrue(exists("cache/tmp/\(getpid())-67890"), "a writer still holds it")
        XCTAssertTrue(exists("cache/tmp/not-ours"))
    }

    /// A run killed between writing the two marks, or runs starting together on a new folder, never
    /// lock the folder out.
    func testAHalfMarkedFolderIsFinishedNotRefused() throws {
        try make("cache/CACHEDIR.TAG", daysOld: 0, content: CacheFolder.tagText)
        let run = try TestSupport.run(["render", "--no-project", "--cache-dir", "cache", "models"], in: root)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(exists("cache/.threatdoc-cache"))
        let fresh = root.appendingPathComponent("together").path
        let runs = (0..<4).map { _ in
            Thread.detachNewThreadWithResult { [root] in
                try? TestSupport.run(["render", "--no-project", "--cache-dir", fresh, "--output", "out-\(UUID())", "models"], in: root)
            }
        }
        for pending in runs { XCTAssertEqual(pending.value()?.status, 0, pending.value()?.stderr ?? "") }
    }

    /// Keys identify the build: the executable carries a GNU build ID, and a binary without one (this
    /// test runner) is named by its real path from /proc/self/exe, never by argv[0].
    func testTheBuildIsIdentifiedByTheBinaryItself() throws {
        let executable = try Data(contentsOf: try TestSupport.locateExecutable())
        // An ELF note: name size 4, descriptor size 20 (SHA-1), type 3 (NT_GNU_BUILD_ID), "GNU\0".
        let note = Data([4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0, 0x47, 0x4E, 0x55, 0])
        XCTAssertNotNil(executable.range(of: note), "threatdoc is linked without a build ID")
        let identity = BuildIdentity.current
        let real = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        XCTAssertTrue(identity.contains(real) || identity.contains("build-id:"), identity)
        XCTAssertTrue(identity.hasPrefix(ThreatDocKit.version + "/"), identity)
    }

    func testKeysAreSHA256() {
        XCTAssertEqual(Digest.of("abc").count, 64)
        var one = Digest(), two = Digest()
        one.add("ab"); one.add("c")
        two.add("a"); two.add("bc")
        XCTAssertNotEqual(one.hex, two.hex, "fields are length-prefixed")
        XCTAssertEqual(Digest.ofBytes(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
