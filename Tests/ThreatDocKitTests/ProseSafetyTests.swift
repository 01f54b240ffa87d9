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

/// Markdown prose in the `.md` reports: links and images a reader could follow to script or data
/// are gone, however they are spelt, and the cost stays linear.
final class ProseSafetyTests: XCTestCase {
    static let bypasses = [
        "[a](javascript:alert(1))", "[a](&#106;avascript:alert(1))", "[a](&#x6A;avascript:alert(1))", "[a](java&#x09;script:x)",
        "[a](JAVASCRIPT:alert(1))", "[a]( javascript:alert(1))", "[a](<javascript:alert(1)>)", "<javascript:alert(1)>",
        "[r][x]\n\n[x]: &#106;avascript:alert(1)", "[x]\n\n[x]: javascript:alert(1)", "[r][x]\n\n[x]: <data:text/html,x>",
        "![i](data:image/svg+xml;base64,PHN2Zz4=)", "![i](&#100;ata:text/html,x)", "![i](https://tracker.example/p.png)",
        "[a](vbscript:x)", "[a](file:///etc/passwd)", "[a](data:text/html,<script>alert(1)</script>)",
        "<a href=\"javascript:alert(1)\">x</a>", "<img src=x onerror=alert(1)>", "<div>\n<script>alert(1)</script>\n</div>",
        "[a](java%0ascript:alert(1))", "[a](\\javascript:alert(1))",
        // libcmark writes a `~~~` fence for an info string with a backtick, which a `~~~` line closes early.
        "~~~~ a`b\n~~~\n<img src=x onerror=alert(1)>\n\n[click me](javascript:alert(document.domain)) ![i](data:image/svg+xml,x)\n~~~~",
    ]

    func testNoUnsafeLinkOrImageSurvives() {
        for payload in Self.bypasses + Self.corpus() {
            let output = MarkdownProse.sanitize(payload)
            let seen = MarkdownProse.inspect(output)
            for destination in seen.destinations {
                XCTAssertNil(LinkPolicy.problem(with: destination), "\(payload.debugDescription) → \(output.debugDescription)")
            }
            XCTAssertEqual(seen.rawHTML.filter { !MarkdownProse.isEndListComment($0) }, [], "\(payload.debugDescription) → \(output.debugDescription)")
            XCTAssertFalse(seen.hasImages, "\(payload.debugDescription) → \(output.debugDescription)")
        }
    }

    func testSafeProseIsKept() {
        XCTAssertEqual(MarkdownProse.sanitize("*keep* [ok](https://x.y) and `<b>` code"), "*keep* [ok](https://x.y) and `<b>` code")
        XCTAssertEqual(MarkdownProse.sanitize("see [the runbook](../runbook.md)"), "see [the runbook](../runbook.md)")
        XCTAssertEqual(MarkdownProse.sanitize("<b>x</b>"), "\\<b\\>x\\</b\\>")
        XCTAssertEqual(MarkdownProse.sanitize("![diagram](https://x/y.png)"), "diagram", "images become their text, as on the site")
        XCTAssertTrue(MarkdownProse.sanitize("text\n```\ncode").hasSuffix("\ncode\n```"), "an open fence is closed")
    }

    /// Input that libcmark 0.30.2 is slow on never reaches it: it is written as escaped text.
    func testLargeOrDeepProseIsEscapedText() {
        let links = String(repeating: "[a](javascript:b)", count: 3_000)
        let output = MarkdownProse.sanitize(links)
        XCTAssertEqual(MarkdownProse.inspect(output).destinations, [])
        let deep = (0..<40).map { String(repeating: "  ", count: $0) + "- item" }.joined(separator: "\n")
        XCTAssertEqual(MarkdownProse.inspect(MarkdownProse.sanitize(deep)).destinations, [])
    }

    /// The team's hostile corpus, when it is there (tests pass without it).
    static func corpus() -> [String] {
        let url = TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora/xss-payloads.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }
}
