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

/// The one runner for other programs: both pipes drained together, stdin that a child may refuse,
/// a CPU limit, and a backstop that ends the child's whole process group.
final class ChildProcessTests: XCTestCase {
    let shell = "/bin/sh"

    func testBothPipesFarPastTheirBufferAreDrainedTogether() throws {
        let script = "head -c 300000 /dev/zero | tr '\\\\0' e >&2; head -c 300000 /dev/zero | tr '\\\\0' o"
        let outcome = try ChildProcess.run(shell, ["-c", script], wallSeconds: 60).get()
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.errors.count, 300_000)
        XCTAssertEqual(outcome.output.count, 300_000)
    }

    func testAChildThatStopsReadingItsInputIsNotAnError() throws {
        // 4 MiB offered to a child that reads nothing: the write fails with EPIPE, not SIGPIPE.
        let outcome = try ChildProcess.run(shell, ["-c", "exit 3"], input: Data(count: 4 << 20), wallSeconds: 60).get()
        XCTAssertEqual(outcome.status, 3)
    }

    func testTheCPULimitEndsABusyChild() throws {
        let outcome = try ChildProcess.run(shell, ["-c", "while :; do :; done"], cpuSeconds: 1, wallSeconds: 60).get()
        XCTAssertNil(outcome.status)
        XCTAssertTrue(outcome.signal == SIGXCPU || outcome.signal == SIGKILL, "\(outcome.signal as Any)")
    }

    func testTheBackstopEndsTheWholeGroup() throws {
        let marker = "threatdoc-child-\(UUID().uuidString.prefix(8))"
        let start = Date()
        // A grandchild that holds stdout open: without the group kill, reading would wait 30 s for it.
        let outcome = try ChildProcess.run(shell, ["-c", "sleep 30 & exec sleep 31 # \(marker)"], wallSeconds: 1).get()
        XCTAssertEqual(outcome.signal, SIGKILL)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20, "the grandchild was ended too")
    }

    func testAMissingProgramIsAFailureNotACrash() {
        guard case .failure(let failure) = ChildProcess.run("/nonexistent/dot", [], wallSeconds: 5) else { return XCTFail() }
        XCTAssertTrue(failure.description.contains("could not be started"), failure.description)
    }
}

/// The one parallel map every stage uses: results in index order, each index run exactly once.
final class ConcurrentMapTests: XCTestCase {
    func testResultsKeepIndexOrderAndEachIndexRunsOnce() {
        for count in [0, 1, 2, 7, 1_000] {
            let calls = Slots<Int>(count: count)
            let results = concurrentMap(count) { index -> String in
                calls.set(index, (calls.get(index) ?? 0) + 1)
                return "item \(index)"
            }
            XCTAssertEqual(results, (0..<count).map { "item \($0)" }, "count \(count)")
            XCTAssertEqual((0..<count).map { calls.get($0) }, Array(repeating: 1, count: count), "count \(count)")
        }
    }
}
