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

/// Opens every page of the committed site in headless Chromium (Debian's `chromium`, installed by
/// .ci/test): no console messages, no request that fails or leaves the machine, and every internal link
/// and anchor resolves in the DOM the browser built. Screenshots go to .build-screenshots/ (ignored).
final class BrowserTests: XCTestCase {
    static let site = TestSupport.packageRoot.appendingPathComponent("output/html")
    static let screenshots = TestSupport.packageRoot.appendingPathComponent(".build-screenshots")

    func chromium() throws -> String {
        let candidates = [ProcessInfo.processInfo.environment["THREATDOC_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            XCTFail("Chromium is required for the browser test and was not found; .ci/test installs Debian's chromium (or set THREATDOC_CHROMIUM)")
            throw XCTSkip("required tool missing (reported as a failure above)")
        }
        return found
    }

    struct Run {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    func browse(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try chromium())
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--disable-default-apps", "--no-pings", "--disable-domain-reliability",
                             "--disable-client-side-phishing-detection", "--disable-features=OptimizationHints,Translate,MediaRouter,NetworkTimeServiceQuerying",
                             // Nothing may leave the machine: every host name fails to resolve.
                             "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                             "--enable-logging=stderr", "--v=1"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 90, execute: timer)
        let errors = Thread.detachNewThreadWithResult { err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitForExit()
        timer.cancel()
        return Run(stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: errors.value(), as: UTF8.self),
                   status: process.terminationStatus)
    }

    func testEveryPageLoadsCleanlyAndEveryLinkResolves() throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: Self.site.path).filter { $0.hasSuffix(".html") }.sorted()
        XCTAssertGreaterThanOrEqual(pages.count, 3)
        var doms: [String: String] = [:]
        for page in pages {
            let url = Self.site.appendingPathComponent(page)
            let run = try browse(["--dump-dom", url.absoluteString])
            XCTAssertEqual(run.status, 0, "\(page): chromium failed")
            doms[page] = run.stdout
            XCTAssertTrue(run.stdout.contains("</html>"), "\(page): no DOM")
            var loads = 0
            for line in run.stderr.split(separator: "\n") {
                if line.contains(":INFO:CONSOLE") { XCTFail("\(page): console message: \(line)") }
                if let range = line.range(of: "FileURLLoader::Start: ") {
                    loads += 1
                    let requested = URL(string: String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces))
                    if let path = requested?.path, !FileManager.default.fileExists(atPath: path) {
                        XCTFail("\(page): failed request for \(path)")
                    }
                }
                if let range = line.range(of: "NotifyBeforeURLRequest: ") {
                    let requested = String(line[range.upperBound...])
                    // Chromium's own services (updates, sign-in, time) are not the page's requests.
                    let host = URL(string: requested)?.host ?? ""
                    let browserService = ["google.com", "googleapis.com", "gvt1.com", "gstatic.com"].contains { host == $0 || host.hasSuffix("." + $0) }
                    if !browserService { XCTFail("\(page): request to another host: \(requested)") }
                }
            }
            // The checks above read Chromium's verbose log; a Chromium that logs otherwise would pass
            // them silently. The page and its stylesheet are two loads the log must show.
            XCTAssertGreaterThanOrEqual(loads, 2, "\(page): Chromium's log showed no file loads; the request checks saw nothing")
        }
        // Links and anchors, in the DOM Chromium built.
        func ids(_ dom: String) -> Set<String> {
            Set(Self.matches(#"\sid="([^"]+)""#, in: dom))
        }
        let anchors = doms.mapValues(ids)
        var checked = 0
        for (page, dom) in doms {
            for href in Self.matches(#"\shref="([^"]*)""#, in: dom) + Self.matches(#"xlink:href="([^"]*)""#, in: dom) {
                let decoded = href.replacingOccurrences(of: "&amp;", with: "&")
                if decoded.hasPrefix("http:") || decoded.hasPrefix("https:") || decoded.hasPrefix("mailto:") { continue }
                let parts = decoded.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? page : parts[0]
                checked += 1
                if target.hasSuffix(".css") {
                    XCTAssertTrue(FileManager.default.fileExists(atPath: Self.site.appendingPathComponent(target).path), "\(page): \(href)")
                    continue
                }
                guard let targetIDs = anchors[target] else {
                    XCTFail("\(page): link to a page that does not exist: \(href)")
                    continue
                }
                if parts.count == 2, !parts[1].isEmpty {
                    XCTAssertTrue(targetIDs.contains(parts[1]), "\(page): anchor does not resolve: \(href)")
                }
            }
        }
        XCTAssertGreaterThan(checked, 200, "links were checked")
    }

    func testScreenshotsAtDesktopAndPhoneWidths() throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        for page in ["index", "docker"] {
            for width in [1280, 375] {
                let file = Self.screenshots.appendingPathComponent("\(page)-\(width).png")
                try? FileManager.default.removeItem(at: file)
                // Tall enough for the Docker page's diagram, charts, tables and STRIDE heat map.
                let height = page == "index" ? 1000 : width == 1280 ? 6200 : 12000
                let run = try browse(["--screenshot=\(file.path)", "--window-size=\(width),\(height)",
                                      Self.site.appendingPathComponent("\(page).html").absoluteString])
                XCTAssertEqual(run.status, 0)
                let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                XCTAssertGreaterThan(size, 10_000, "\(file.lastPathComponent) was not written")
            }
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }
}

