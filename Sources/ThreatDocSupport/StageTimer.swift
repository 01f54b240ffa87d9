import Foundation

/// Stage timings for profiling, enabled by `THREATDOC_TIMINGS=1` and printed to standard error when
/// `render` ends. Stages marked "(wall)" are timed once; the others are summed over the threads that
/// ran them, so they can exceed the wall time.
public final class StageTimer: @unchecked Sendable {
    public static let shared = StageTimer()
    public let enabled = ProcessInfo.processInfo.environment["THREATDOC_TIMINGS"] == "1"
    private var totals: [String: UInt64] = [:]
    private var order: [String] = []
    private let lock = NSLock()

    @discardableResult
    public func measure<T, Failure: Error>(_ stage: String, _ body: () throws(Failure) -> T) throws(Failure) -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { add(stage, DispatchTime.now().uptimeNanoseconds - start) }
        return try body()
    }

    public func add(_ stage: String, _ nanoseconds: UInt64) {
        lock.lock()
        if totals[stage] == nil { order.append(stage) }
        totals[stage, default: 0] += nanoseconds
        lock.unlock()
    }

    public func report() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        for stage in order {
            let name = stage.padding(toLength: max(34, stage.count), withPad: " ", startingAt: 0)
            FileHandle.standardError.write(Data("timing: \(name) \(String(format: "%7.3f", Double(totals[stage]!) / 1e9)) s\n".utf8))
        }
    }
}
