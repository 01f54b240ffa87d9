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
                // Tall enough for the Docker page: register, diagram, charts and tables.
                let height = page == "index" ? 1000 : width == 1280 ? 8000 : 16000
                let run = try browse(["--screenshot=\(file.path)", "--window-size=\(width),\(height)",
                                      Self.site.appendingPathComponent("\(page).html").absoluteString])
                XCTAssertEqual(run.status, 0)
                let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                XCTAssertGreaterThan(size, 10_000, "\(file.lastPathComponent) was not written")
            }
        }
    }

    /// axe-core (Deque's accessibility engine, as in browser extensions and CI checks) on every page of the
    /// committed site, in the light and dark colour schemes, at 1280 and 375 px. .ci/setup.sh installs
    /// Selenium, chromedriver and a hash-pinned axe.min.js; Fixtures/axe_check.py drives them.
    func testAxeFindsNoViolationsInEitherSchemeAtEitherWidth() throws {
        let root = TestSupport.packageRoot
        let axe = root.appendingPathComponent(".build-axe/axe.min.js")
        guard FileManager.default.fileExists(atPath: axe.path) else {
            XCTFail("axe-core is required for the accessibility test and was not found at .build-axe/axe.min.js; run: source .ci/setup.sh test")
            return
        }
        let pages = try FileManager.default.contentsOfDirectory(atPath: Self.site.path).filter { $0.hasSuffix(".html") }.sorted()
        XCTAssertGreaterThanOrEqual(pages.count, 3)
        // Debian's Python, where python3-selenium is installed.
        let python = ProcessInfo.processInfo.environment["THREATDOC_PYTHON"] ?? "/usr/bin/python3"
        let run = try TestSupport.runProgram(URL(fileURLWithPath: python), [Self.fixture("axe_check.py"), axe.path]
                                                + pages.map { Self.site.appendingPathComponent($0).path })
        XCTAssertEqual(run.status, 0, "axe_check.py failed: \(run.stderr.suffix(2000))")
        struct Result: Decodable {
            struct Violation: Decodable {
                struct Node: Decodable { var target: String; var summary: String? }
                var id: String; var impact: String?; var help: String; var nodes: [Node]
            }
            var page: String; var requestedScheme: String; var requestedWidth: Int
            var scheme: String?; var width: Int?; var version: String?; var passes: Int?
            var violations: [Violation]?; var error: String?
        }
        let results = try JSONDecoder().decode([Result].self, from: Data(run.stdout.utf8))
        // Every page in both schemes at both widths, so that a run that checked nothing cannot pass.
        XCTAssertEqual(results.count, pages.count * 4)
        for result in results {
            let label = "\(result.page) \(result.requestedScheme) \(result.requestedWidth) px"
            XCTAssertNil(result.error, "\(label): axe failed: \(result.error ?? "")")
            XCTAssertEqual(result.scheme, result.requestedScheme, "\(label): the colour scheme was not applied")
            XCTAssertEqual(result.width, result.requestedWidth, "\(label): the width was not applied")
            XCTAssertTrue(result.version?.hasPrefix("4.") ?? false, "\(label): axe did not report its version")
            XCTAssertGreaterThanOrEqual(result.passes ?? 0, 30, "\(label): axe passed too few rules to have run")
            for violation in result.violations ?? [] {
                let nodes = violation.nodes.prefix(3).map { "\($0.target): \($0.summary ?? "")" }.joined(separator: "; ")
                XCTFail("\(label): \(violation.id) (\(violation.impact ?? "?"), \(violation.nodes.count) nodes): \(violation.help). \(nodes)")
            }
        }
    }

    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("td-browser-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func fixture(_ name: String) -> String {
        TestSupport.packageRoot.appendingPathComponent("Tests/ThreatDocKitTests/Fixtures/\(name)").path
    }

    struct OverlapReport: Decodable {
        var page: String
        var diagrams: Int
        var labels: Int
        var flows: Int
        var overlaps: [String]
    }

    /// Fixtures/diagram_overlaps.py: the overlaps on each page, measured by Chromium from the SVG.
    func measureOverlaps(_ pages: [URL]) throws -> [OverlapReport] {
        let python = ProcessInfo.processInfo.environment["THREATDOC_PYTHON"] ?? "/usr/bin/python3"
        let run = try TestSupport.runProgram(URL(fileURLWithPath: python), [Self.fixture("diagram_overlaps.py")] + pages.map(\.path))
        XCTAssertEqual(run.status, 0, "diagram_overlaps.py failed: \(run.stderr.suffix(2000))")
        return try JSONDecoder().decode([OverlapReport].self, from: Data(run.stdout.utf8))
    }

    /// Flow labels never sit on a boundary's title or frame, an element, or another label, and a flow
    /// stays inside the innermost boundary that holds both its ends: on the shipped models and on fixtures
    /// (the every-feature exemplar, the adversarial model's long, hostile names, and Fixtures/diagrams:
    /// nested boundaries, back edges, and models generated at random).
    func testDiagramsHaveNoOverlapsOnShippedModelsAndFixtures() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = folder.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try Exemplar.model.write(to: models.appendingPathComponent("every-feature.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.fixture("adversarial.yaml"), toPath: models.appendingPathComponent("adversarial.yaml").path)
        let diagramFixtures = try FileManager.default.contentsOfDirectory(atPath: Self.fixture("diagrams")).filter { $0.hasSuffix(".yaml") }.sorted()
        for name in diagramFixtures {
            try FileManager.default.copyItem(atPath: Self.fixture("diagrams/\(name)"), toPath: models.appendingPathComponent(name).path)
        }
        let render = try TestSupport.run(["render", "models", "--no-project", "--formats", "html", "--output", "site"], in: folder)
        XCTAssertEqual(render.status, 0, render.stderr)
        let fixtureSite = folder.appendingPathComponent("site/html")
        let pages = try ["docker.html", "kubernetes.html"].map { Self.site.appendingPathComponent($0) }
            + FileManager.default.contentsOfDirectory(atPath: fixtureSite.path).filter { $0.hasSuffix(".html") && $0 != "index.html" }
                .sorted().map { fixtureSite.appendingPathComponent($0) }
        let reports = try measureOverlaps(pages)
        XCTAssertEqual(reports.map(\.page), ["docker.html", "kubernetes.html"]
                       + (["adversarial.yaml", "every-feature.yaml"] + diagramFixtures).sorted().map { $0.replacingOccurrences(of: ".yaml", with: ".html") })
        for report in reports {
            // The measure saw each diagram: a page with no labels measured would pass vacuously.
            XCTAssertGreaterThanOrEqual(report.diagrams, 1, report.page)
            XCTAssertGreaterThanOrEqual(report.labels, 1, "\(report.page): no flow label measured")
            XCTAssertEqual(report.overlaps, [], "\(report.page): \(report.overlaps.count) overlaps")
        }
        XCTAssertGreaterThanOrEqual(reports.reduce(0) { $0 + $1.labels }, 90, "flow labels measured in all")
    }

    /// The measure finds each kind of overlap it looks for, on a hand-drawn diagram that has them all.
    func testTheOverlapMeasureFindsOverlaps() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("bad.html")
        try """
        <!DOCTYPE html><html lang="en"><head><title>bad</title></head><body><figure id="bad">
        <svg class="dfd" width="400" height="300" viewBox="0 0 400 300"><g class="graph">
        <g class="cluster"><title>cluster_a</title><polygon points="10,10 200,10 200,200 10,200 10,10"/><text x="100" y="30" font-size="12">Zone A</text></g>
        <g class="node"><title>n1</title><ellipse cx="60" cy="80" rx="30" ry="15"/><text x="60" y="84" font-size="10">one</text></g>
        <g class="node"><title>n2</title><ellipse cx="150" cy="160" rx="30" ry="15"/><text x="150" y="164" font-size="10">two</text></g>
        <g class="edge"><title>n1&#45;&gt;n2</title><path d="M60,95 C300,120 300,140 150,145"/><text x="100" y="32" font-size="9">on the title</text></g>
        <g class="node flow-label"><title>f1</title><text x="195" y="120" font-size="9">on the frame</text></g>
        <g class="node flow-label"><title>f2</title><text x="55" y="82" font-size="9">on a node</text></g>
        <g class="node flow-label"><title>f3</title><text x="55" y="84" font-size="9">on a label</text></g>
        </g></svg></figure></body></html>
        """.write(to: page, atomically: true, encoding: .utf8)
        let report = try XCTUnwrap(try measureOverlaps([page]).first)
        let found = report.overlaps.joined(separator: "\n")
        XCTAssertTrue(found.contains("is on the title of boundary \"Zone A\""), found)
        XCTAssertTrue(found.contains("\"on the frame\" is on the frame of"), found)
        XCTAssertTrue(found.contains("\"on a node\" is on element \"one\""), found)
        XCTAssertTrue(found.contains("\"on a node\" and flow label \"on a label\" overlap"), found)
        XCTAssertTrue(found.contains("leaves boundary \"Zone A\", which holds both its ends"), found)
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }
}

