import XCTest
import Foundation
import ThreatDocKit
import ThreatDocServe

/// `threatdoc serve` in a browser: a change to a model reaches the open page within 2 s, a broken model
/// shows the error overlay, and no script reaches the files render publishes.
final class ServeTests: ProjectTestCase {
    func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func testAChangeReachesThePageAndAnErrorShowsTheOverlay() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        let port = freePort()
        let process = Process()
        process.executableURL = try TestSupport.locateExecutable()
        process.arguments = ["serve", "--port", "\(port)"]
        process.currentDirectoryURL = root
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": root.path, "XDG_CACHE_HOME": root.appendingPathComponent("xdg").path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.interrupt() }; process.waitUntilExit() }
        // Wait until it listens.
        let deadline = Date().addingTimeInterval(20)
        var listening = false
        while Date() < deadline, !listening {
            listening = (try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/__threatdoc/status")!)) != nil
            if !listening { Thread.sleep(forTimeInterval: 0.1) }
        }
        XCTAssertTrue(listening, "serve did not start")
        let python = ProcessInfo.processInfo.environment["THREATDOC_PYTHON"] ?? "/usr/bin/python3"
        let check = try TestSupport.runProgram(URL(fileURLWithPath: python), [
            TestSupport.fixtures.appendingPathComponent("serve_check.py").path, "http://127.0.0.1:\(port)/web-app.html",
            root.appendingPathComponent("models/web-app.yaml").path])
        XCTAssertEqual(check.status, 0, check.stderr.suffix(2000).description)
        struct Seen: Decodable {
            var before: String?, scripts: [String?]?, updated: Bool?, update_seconds: Double?
            var overlay: String?, overlay_seconds: Double?, recovered: Bool?, error: String?
        }
        let seen = try JSONDecoder().decode(Seen.self, from: Data(check.stdout.utf8))
        XCTAssertNil(seen.error, seen.error ?? "")
        XCTAssertEqual(seen.before?.contains("Web application"), true, "\(seen)")
        XCTAssertEqual(seen.scripts, [LivePreview.scriptPath], "the served copy has the reload script")
        XCTAssertEqual(seen.updated, true, "the page did not update: \(seen)")
        XCTAssertLessThan(seen.update_seconds ?? 99, 2, "a change reaches the page within 2 s")
        XCTAssertTrue(seen.overlay?.contains("error[TD103]") == true, "the overlay shows the error: \(seen)")
        XCTAssertTrue(seen.overlay?.contains("models/web-app.yaml:") == true, "with file and line: \(seen)")
        XCTAssertLessThan(seen.overlay_seconds ?? 99, 2)
        XCTAssertEqual(seen.recovered, true, "fixing the model removes the overlay")
        print("serve: a change reached the page in \(seen.update_seconds ?? -1) s; the overlay appeared in \(seen.overlay_seconds ?? -1) s")
        // Requests addressed to another name (DNS rebinding) are refused; a path out of the site is not found.
        for (headers, path, expected) in [(["-H", "Host: evil.example"], "/web-app.html", "403"), (["-H", "Host: evil.example"], "/__threatdoc/status", "403"),
                                          ([String](), "/web-app.html", "200"), ([String](), "/%2e%2e/%2e%2e/etc/passwd", "404"), ([String](), "/.hidden", "404")] {
            let curl = try TestSupport.runProgram(tool: "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}"] + headers + ["http://127.0.0.1:\(port)\(path)"])
            XCTAssertEqual(curl.stdout, expected, "\(headers) \(path)")
        }
        process.interrupt()
        process.waitUntilExit()
        // serve wrote nothing into the project, and its temporary folder is gone.
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path))
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(log.contains("serving http://127.0.0.1:\(port)/"), log)
        XCTAssertTrue(log.contains("watching through inotify"), log)
        // The published site stays script-free.
        XCTAssertEqual(try run(["render"]).status, 0)
        for page in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("output/html").path) where page.hasSuffix(".html") {
            let html = try String(contentsOf: root.appendingPathComponent("output/html/\(page)"), encoding: .utf8)
            XCTAssertFalse(html.lowercased().contains("<script"), page)
            XCTAssertTrue(html.contains("default-src 'none'"), page)
        }
    }

    func testTheServedCopyAloneGetsTheScript() {
        let page = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'\"></head><body><h1>x</h1></body></html>"
        let served = LivePreview.served(page)
        XCTAssertTrue(served.contains("script-src 'self'; connect-src 'self';"))
        XCTAssertTrue(served.contains("<script src=\"/__threatdoc/live.js\"></script>\n</body>"))
        XCTAssertFalse(page.contains("<script"))
    }

    /// The watcher reports a change by inotify and by polling, including in a folder made after it started.
    func testTheWatcherSeesChangesByInotifyAndByPolling() throws {
        for polling in [false, true] {
            let folder = root.appendingPathComponent("watched-\(polling)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let changes = LockedCounter()
            let watcher = FileWatcher(roots: [folder.path], forcePolling: polling, skip: { _ in false }) { changes.increment() }
            defer { watcher.stop() }
            XCTAssertEqual(watcher.mechanism, polling ? .polling : .inotify)
            try "a".write(to: folder.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
            XCTAssertTrue(changes.wait(above: 0), "\(watcher.mechanism): a new file")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
            Thread.sleep(forTimeInterval: 0.5)
            let before = changes.value
            try "b".write(to: folder.appendingPathComponent("sub/b.yaml"), atomically: true, encoding: .utf8)
            XCTAssertTrue(changes.wait(above: before), "\(watcher.mechanism): a file in a new folder")
        }
        // What `skip` leaves out (render --watch's own output folder) starts nothing, even made afresh.
        let folder = root.appendingPathComponent("watched-skip")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let changes = LockedCounter()
        let watcher = FileWatcher(roots: [folder.path], skip: { $0.hasSuffix("/output") || $0.contains("/output/") }) { changes.increment() }
        defer { watcher.stop() }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("output"), withIntermediateDirectories: true)
        for round in 0..<5 { try "\(round)".write(to: folder.appendingPathComponent("output/page.html"), atomically: true, encoding: .utf8) }
        XCTAssertFalse(changes.wait(above: 0, seconds: 1.5), "changes inside a skipped folder started \(changes.value) renders")
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
    func wait(above: Int, seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { if value > above { return true }; Thread.sleep(forTimeInterval: 0.05) }
        return false
    }
}
