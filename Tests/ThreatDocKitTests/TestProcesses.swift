import Foundation

// Tests start threatdoc, chromium and git with Foundation's Process; the product uses ChildProcess.

extension Process {
    /// Waits until the process has ended. Foundation's `waitUntilExit()` on Linux runs the run loop in
    /// 50 ms slices when called off the main thread, which added up to 50 ms to every `dot` and `git`
    /// run; this polls `isRunning` from 0.1 ms up to 5 ms apart instead.
    func waitForExit() {
        var pause: UInt32 = 100
        while isRunning {
            usleep(pause)
            pause = min(pause * 2, 5_000)
        }
    }
}
/// A value produced on another thread; `value()` waits for it.
final class Deferred<T>: @unchecked Sendable {
    private var result: T?
    private let condition = NSCondition()

    func set(_ value: T) {
        condition.lock()
        result = value
        condition.broadcast()
        condition.unlock()
    }

    func value() -> T {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}
