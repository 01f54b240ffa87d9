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

/// A threat model may come from a fork's pull request: hostile strings go into every field of a model
/// (and of a scan), the site is rendered, and the DOM of every page is checked by an independent HTML
/// parser (Python's html.parser, through Fixtures/dom_check.py).
final class HostileSiteTests: XCTestCase {
    static let ownPayloads = [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'><svg onload=alert(1)>", "javascript:alert(1)",
        "</title><script>alert(1)</script>", "<!--", "]]>", "{{model.title}}", "{{{report.mermaid}}}",
        "<a href=\"javascript:alert(1)\">x</a>", "[x](javascript:alert(1))", "![x](https://evil.example/x.png)",
        "<style>body{display:none}</style>", "<iframe src=//evil.example>", "\u{202E}gnp.exe", "&lt;script&gt;",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", "${alert(1)}", "\\\"", "</svg><script>alert(1)</script>",
        "<![CDATA[<script>alert(1)</script>]]>", "` onmouseover=alert(1) `", "data:text/html,<script>alert(1)</script>",
        "#35; &#60;script&#62;", "\\N \\G \\E \\L", "\"\n subgraph x", "<base href=//evil.example/>",
        "<meta http-equiv=refresh content=0;url=//evil.example>", "<form action=//evil.example><input></form>",
        "<object data=//evil.example></object>", "\u{0000}\u{0007}\u{000B}\u{FEFF}\u{2028}", "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<details open ontoggle=alert(1)>", "<img src=\"x\" alt=\"\" onerror=\"alert(1)\">", "<<script>alert(1)//<</script>",
    ]

    static func payloads() -> [String] {
        var payloads = ownPayloads
        let corpus = TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora/xss-payloads.txt")
        if let text = try? String(contentsOf: corpus, encoding: .utf8) {
            payloads += text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        return payloads
    }

    /// A YAML double-quoted scalar that carries any string, control characters included.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF {
                    out += String(format: "\\u%04X", v)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The fields each payload is written into.
    static let fields = [
        "model title", "model summary", "model owner", "asset name", "asset description", "boundary name",
        "boundary description", "element name", "element description", "element technology", "flow label",
        "flow protocol", "flow description", "threat title", "threat description", "threat note", "threat justification",
        "threat reference", "mitigation title", "mitigation description", "mitigation owner", "mitigation note",
        "mitigation reference", "finding title", "finding issue", "finding recommendation", "finding note", "gap reason",
        "scan host", "scan result title",
    ]

    static func model(_ index: Int, _ payloads: [String]) -> String {
        let q = quoted
        let kinds = ["external", "process", "datastore"], strides = ["S", "E", "T"]
        let checks = ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "2.17", "2.18", "2.2"]
        var y = "threatdoc: 1\nid: hostile-\(index)\ntitle: \(q(payloads[0]))\nsummary: \(q(payloads[0]))\nowner: \(q(payloads[0]))\n"
        y += "benchmarks: { docker: cis-docker-1.6.0 }\nassets:\n"
        for (i, p) in payloads.enumerated() { y += "  - { id: a\(i), name: \(q(p)), description: \(q(p)), sensitivity: high }\n" }
        y += "boundaries:\n"
        for (i, p) in payloads.enumerated() { y += "  - { id: b\(i), name: \(q(p)), description: \(q(p))\(i > 0 ? ", parent: b\(i - 1)" : "") }\n" }
        y += "elements:\n"
        for (i, p) in payloads.enumerated() {
            y += "  - { id: e\(i), type: \(kinds[i % 3]), name: \(q(p)), description: \(q(p)), technology: \(q(p)), boundary: b\(i), assets: [a\(i)] }\n"
        }
        y += "flows:\n"
        for (i, p) in payloads.enumerated() {
            y += "  - { id: f\(i), from: e\(i), to: e\((i + 1) % payloads.count), label: \(q(p)), protocol: \(q(p)), description: \(q(p)) }\n"
        }
        y += "threats:\n"
        for (i, p) in payloads.enumerated() {
            let url = "https://example.com/\(p.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace }.map(String.init).joined())"
            y += "  - { id: t\(i), title: \(q(p)), stride: [\(strides[i % 3])], targets: [e\(i)], description: \(q(p)), note: \(q(p)), likelihood: high, impact: high, mitigations: [m\(i)], references: [\(q(url))] }\n"
            y += "  - { id: u\(i), title: \(q(p)), stride: [T, I], targets: [f\(i)], likelihood: low, impact: low, response: accept, justification: \(q(p)) }\n"
        }
        y += "mitigations:\n"
        for (i, p) in payloads.enumerated() {
            let url = "https://example.com/?q=\(p.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace }.map(String.init).joined())"
            y += "  - { id: m\(i), title: \(q(p)), description: \(q(p)), status: implemented, owner: \(q(p)), note: \(q(p)), checks: [\"docker:\(checks[i % checks.count])\"], references: [\(q(url))] }\n"
        }
        y += "findings:\n"
        for (i, p) in payloads.enumerated() {
            y += "  - { check: \"docker:\(checks[i % checks.count])\", title: \(q(p)), issue: \(q(p)), recommendation: \(q(p)), note: \(q(p)), threats: [t\(i)] }\n"
        }
        y += "gaps:\n"
        for (i, p) in payloads.enumerated() where i % 3 == 0 {
            y += "  - { target: e\(i), stride: [R], reason: \(q(p)) }\n"
        }
        return y
    }

    /// A docker-bench report whose titles and details are the payloads (the tool escapes nothing, but
    /// a JSON encoder here keeps the file valid so the hostile text reaches the report).
    static func scan(_ payloads: [String]) throws -> Data {
        let results = payloads.enumerated().map { i, p -> [String: Any] in
            ["id": "9.\(i + 1)", "desc": p, "result": "WARN", "details": p]
        }
        let report: [String: Any] = ["dockerbenchsecurity": "1.6.0", "start": 1_795_400_000,
                                     "tests": [["id": "9", "desc": "hostile", "results": results]]]
        return try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    }

    func testHostileStringsInEveryFieldNeverEscapeTheirContext() throws {
        let payloads = Self.payloads()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("td-hostile-site-\(UUID())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        var models: [ResolvedModel] = []
        let chunk = 20
        for start in stride(from: 0, to: payloads.count, by: chunk) {
            let group = Array(payloads[start..<min(start + chunk, payloads.count)])
            let scanURL = work.appendingPathComponent("scan-\(start).json")
            try Self.scan(group).write(to: scanURL)
            let pipeline = Pipeline(options: ValidationOptions(today: TestSupport.today),
                                    scans: [.init(path: scanURL.path, host: group[0])])
            let outcome = pipeline.run(text: Self.model(start / chunk, group), path: "models/hostile-\(start).yaml")
            let model = try XCTUnwrap(outcome.models?.first,
                                      "payloads \(start)…: \(outcome.diagnostics.filter { $0.severity == .error }.prefix(3).map(\.message))")
            models.append(model)
        }

        var diagnostics = DiagnosticBag()
        let set = TemplateSet.load(format: "html", overrides: nil, into: &diagnostics)
        let site = HTMLRenderer(templates: set, layout: GraphvizLayout(cache: try CacheFolder.open(work.appendingPathComponent("cache").path)),
                                outputDirectory: work.appendingPathComponent("out").path)
        let files = try XCTUnwrap(site.render(models, into: &diagnostics), "\(diagnostics.diagnostics)")
        XCTAssertEqual(diagnostics.diagnostics.filter { $0.code == .diagramFailed }.count, 0, "\(diagnostics.diagnostics)")
        var pages: [String] = []
        for (name, text) in files where name.hasSuffix(".html") {
            let url = work.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            pages.append(url.path)
            if name != "index.html" { XCTAssertTrue(text.contains("class=\"dfd\""), "\(name) lost its diagram") }
        }
        let report = try Self.domCheck(pages.sorted())
        XCTAssertEqual(report.problems, [], "hostile text escaped its context")
        XCTAssertEqual(report.pages, models.count + 1)
        print("hostile-site: injected \(payloads.count) payloads into each of \(Self.fields.count) fields (\(payloads.count * Self.fields.count) injections), rendered \(report.pages) pages, \(report.problems.count) DOM problems")
    }

    struct DOMReport {
        var pages: Int
        var problems: [String]
    }

    static func domCheck(_ pages: [String]) throws -> DOMReport {
        let run = try TestSupport.runProgram(tool: TestSupport.python,
                                             [TestSupport.fixtures.appendingPathComponent("dom_check.py").path] + pages)
        let text = run.stdout
        guard run.status == 0, let last = text.split(separator: "\n").last, last.hasPrefix("checked ") else {
            XCTFail("dom_check.py did not run (python3 is required; .ci/test installs it): \(text)")
            return DOMReport(pages: 0, problems: ["checker failed"])
        }
        let problems = text.split(separator: "\n").dropLast().map(String.init)
        let count = Int(last.split(separator: " ")[1]) ?? 0
        return DOMReport(pages: count, problems: problems)
    }

    func testTheCheckerCatchesWhatItShould() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("td-dom-\(UUID()).html")
        defer { try? FileManager.default.removeItem(at: url) }
        try """
            <html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
            <body><script>x</script><a href=" javascript:alert(1)">x</a><img src=x onerror=y><p style="x">ok</p></body></html>
            """.write(to: url, atomically: true, encoding: .utf8)
        let kinds = try Self.domCheck([url.path]).problems.map { $0.components(separatedBy: "\"kind\": \"")[1].components(separatedBy: "\"")[0] }
        XCTAssertEqual(Set(kinds), ["script-element", "unsafe-url", "unexpected-element", "event-handler", "style-attribute"])
    }
}
