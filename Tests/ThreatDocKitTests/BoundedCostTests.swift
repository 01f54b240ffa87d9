import Foundation
import XCTest
@testable import ThreatDocKit

/// Every input that once stalled or crashed threatdoc, run as a contributor's pull request would run
/// it: each must finish with the right error or output. No timing here: `.ci/bench` keeps the figures
/// (its complexity table times each class at n and 4n).
final class BoundedCostTests: ProjectTestCase {
    /// validate (text and JSON), render and check on one model file.
    func assertLocatedError(_ located: String, in file: String, file callerFile: StaticString = #filePath, line: UInt = #line) throws {
        let code = String(located.split(separator: "[").last?.prefix(5) ?? "")
        for arguments in [["validate", "--no-project", file], ["validate", "--no-project", "--format", "json", file],
                          ["render", "--no-project", "--no-cache", file], ["check", "--no-project", file]] {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr.prefix(300))", file: callerFile, line: line)
            let expected = arguments.contains("json") ? "\"code\" : \"\(code)\"" : located
            XCTAssertTrue((result.stdout + result.stderr).contains(expected), "\(arguments): \((result.stdout + result.stderr).prefix(400))",
                          file: callerFile, line: line)
            XCTAssertLessThan(result.stdout.utf8.count + result.stderr.utf8.count, 64 << 10, "output stays bounded", file: callerFile, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path), file: callerFile, line: line)
    }

    func testAMebibyteOfNULBytes() throws {
        try Data(count: 1 << 20).write(to: root.appendingPathComponent("models/n.yaml"))
        try assertLocatedError("n.yaml:1:1: error[TD103]", in: "models/n.yaml")
    }

    func testAHundredThousandBidiControlsInOneValue() throws {
        try write("threatdoc: 1\nid: x\ntitle: \"" + String(repeating: "\u{202E}", count: 100_000) + "\"\n", to: "models/b.yaml")
        try assertLocatedError("b.yaml:3:8: error[TD107]", in: "models/b.yaml")
        // Under the value cap: every character is flagged once, the count of the rest is one note.
        try write("threatdoc: 1\nid: x\ntitle: \"" + String(repeating: "\u{202E}a", count: 10_000) + "\"\n", to: "models/c.yaml")
        let result = try run(["validate", "--no-project", "models/c.yaml"])
        XCTAssertTrue(result.stdout.contains("error[TD112]") || result.stdout.contains("warning[TD112]"), String(result.stdout.prefix(500)))
        XCTAssertLessThan(result.stdout.utf8.count, 64 << 10)
    }

    /// Repeated link syntax in prose: rendered, inert, and `check` agrees.
    func testRepeatedMarkdownLinkSyntaxInProse() throws {
        for (name, summary) in [("links", String(repeating: "[a](b)", count: 10_000)), ("brackets", String(repeating: "](", count: 30_000)),
                                ("entity", "[a](&#106;avascript:alert(1)) and [r][x]\n\n[x]: &#106;avascript:alert(2)")] {
            let model = minimalModel().replacingOccurrences(of: "title: Demo\n", with: "title: Demo\nsummary: |\n  "
                + summary.replacingOccurrences(of: "\n", with: "\n  ") + "\n")
            try write(model, to: "models/demo.yaml")
            let render = try run(["render", "--no-project", "models"])
            XCTAssertEqual(render.status, 0, "\(name): \(render.stderr.prefix(300))")
            let markdown = try String(contentsOf: root.appendingPathComponent("output/demo.md"), encoding: .utf8)
            for destination in MarkdownProse.inspect(markdown).destinations {
                XCTAssertNil(ReferencesAreSafeURLs.problem(with: destination), "\(name): \(destination)")
            }
            XCTAssertFalse(markdown.contains("javascript:alert") && markdown.contains("](javascript"), name)
            let check = try run(["check", "--no-project", "models"])
            XCTAssertEqual(check.status, 0, "\(name): \(check.stderr.prefix(300))")
        }
    }

    // MARK: Diagrams

    /// A model whose boundaries, elements and flows are spread at random (a fixed seed).
    static func tangledModel(id: String, elements: Int, flows: Int, boundaries: Int) -> String {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var out = "threatdoc: 1\nid: \(id)\ntitle: Tangled \(id)\nboundaries:\n"
        for b in 0..<boundaries {
            out += "  - { id: b\(b), name: Zone \(b)\(b > 0 && b % 5 != 0 ? ", parent: b\(next(b))" : "") }\n"
        }
        out += "elements:\n"
        for e in 0..<elements {
            out += "  - { id: e\(e), type: \(["process", "datastore", "external"][e % 3]), name: \"Element \(e)\", boundary: b\(next(boundaries)) }\n"
        }
        out += "flows:\n"
        for f in 0..<flows { out += "  - { id: f\(f), from: e\(next(elements)), to: e\(next(elements)), label: \"flow \(f)\" }\n" }
        return out
    }

    /// Large and tangled models get a diagram, never a page without one: their size alone picks the
    /// boundary overview, and a busy overview gets dot's quicker options (it took 49 s with defaults).
    func testEveryLargeModelGetsADiagram() throws {
        try write(Self.tangledModel(id: "huge", elements: 600, flows: 600, boundaries: 200), to: "models/huge.yaml")
        try write(Self.tangledModel(id: "dense", elements: 150, flows: 400, boundaries: 30), to: "models/dense.yaml")
        let render = try run(["render", "--no-project", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(400)))
        XCTAssertFalse(render.stderr.contains("TD511"), String(render.stderr.prefix(400)))
        for id in ["huge", "dense"] {
            let page = try String(contentsOf: root.appendingPathComponent("output/html/\(id).html"), encoding: .utf8)
            XCTAssertTrue(page.contains("class=\"dfd\""), "\(id) has its diagram")
            XCTAssertTrue(page.contains("the diagram shows the trust boundaries"), id)
        }
        XCTAssertEqual(try run(["check", "--no-project", "models"]).status, 0)
    }

    /// dot is limited by CPU time: a detailed layout past its budget fails as timed out (and the
    /// renderer then draws the overview); the limit does not depend on how busy the machine is.
    func testALayoutPastItsCPUBudgetTimesOut() throws {
        let outcome = TestSupport.pipeline().run(text: Self.tangledModel(id: "dense", elements: 150, flows: 400, boundaries: 30))
        let model = try XCTUnwrap(outcome.models?.first, "\(outcome.diagnostics.filter { $0.severity == .error })")
        var layout = GraphvizLayout(cache: nil)
        layout.timeoutSeconds = 1
        guard case .failure(.timedOut(1)) = layout.svg(for: DataFlowGraph.detailed(model)) else {
            return XCTFail("a 150-element, 400-flow clustered layout should need more than 1 s of CPU")
        }
        guard case .success = layout.svg(for: DataFlowGraph.overview(model)) else { return XCTFail("the overview is quick") }
    }

    // MARK: Templates

    /// A copy of the built-in templates with one file replaced.
    func templates(_ name: String, _ text: String, format: String = "html") throws {
        for (templateFormat, templates) in TemplateSet.builtin {
            for (template, body) in templates { try write(body, to: "tpl/\(templateFormat)/\(template).mustache") }
        }
        try write(text, to: "tpl/\(format)/\(name).mustache")
    }

    func assertTemplateError(_ expected: String, status: Int32 = 1, file: StaticString = #filePath, line: UInt = #line) throws {
        try write(minimalModel(), to: "models/demo.yaml")
        for command in ["render", "check"] {
            let result = try run([command, "--no-project", "--templates", "tpl", "models"])
            XCTAssertEqual(result.status, status, "\(command): \(result.stderr.prefix(400))", file: file, line: line)
            XCTAssertTrue((result.stdout + result.stderr).contains(expected), "\(command): \((result.stdout + result.stderr).prefix(600))",
                          file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path), "nothing is written",
                       file: file, line: line)
    }

    func testAPartialThatIncludesItself() throws {
        try templates("model", "{{% CONTENT_TYPE: HTML }}\n{{> model}}\n")
        try assertTemplateError("tpl/html/model.mustache:2:1: error[TD506]: template 'model' includes 'model', which includes it again: model → model")
    }

    func testPartialsThatIncludeEachOther() throws {
        try templates("threats", "{{% CONTENT_TYPE: HTML }}\n{{> mitigations}}\n")
        try write("{{% CONTENT_TYPE: HTML }}\n{{> threats}}\n", to: "tpl/html/mitigations.mustache")
        try assertTemplateError("which includes it again: mitigations → threats → mitigations")
    }

    func testThreeThousandNestedSections() throws {
        try templates("model", "{{% CONTENT_TYPE: HTML }}" + String(repeating: "{{#model}}", count: 3_000) + "x"
            + String(repeating: "{{/model}}", count: 3_000))
        try assertTemplateError("error[TD501]: template 'model' nests sections deeper than 64")
    }

    func testATemplateOfFortyFiveThousandTags() throws {
        try templates("model", "{{% CONTENT_TYPE: HTML }}" + String(repeating: "{{report.model.title}} ", count: 45_000))
        try write(minimalModel(), to: "models/demo.yaml")
        let result = try run(["render", "--no-project", "--templates", "tpl", "models"])
        XCTAssertEqual(result.status, 0, String(result.stderr.prefix(300)))
        let page = try String(contentsOf: root.appendingPathComponent("output/html/demo.html"), encoding: .utf8)
        XCTAssertEqual(page.components(separatedBy: "Demo ").count - 1, 45_000)
    }

    func testAMisspeltNameInAHugeTemplateIsReportedAFewTimesNotFortyFiveThousand() throws {
        try templates("model", "{{% CONTENT_TYPE: HTML }}" + String(repeating: "{{report.modle.title}}", count: 45_000))
        try assertTemplateError("error[TD502]")
        let result = try run(["render", "--no-project", "--templates", "tpl", "models"])
        XCTAssertLessThan(result.stderr.components(separatedBy: "error[TD502]").count, 60, "repeats are counted in one note")
    }

    func testAMissingTemplatesFolder() throws {
        try assertTemplateError("error[TD100]: no such templates folder: tpl", status: 2)
    }

    func testATemplateThatIsNotUTF8() throws {
        try templates("model", "")
        try Data([0x7B, 0x7B, 0x25, 0xFF, 0xFE]).write(to: root.appendingPathComponent("tpl/html/model.mustache"))
        try assertTemplateError("tpl/html/model.mustache:1:1: error[TD100]: template tpl/html/model.mustache is not UTF-8", status: 2)
    }

    func testEscapingCannotBeSwitchedOff() throws {
        let builtin = try XCTUnwrap(TemplateSet.builtin["html"]?["model"])
        try templates("model", builtin.replacingOccurrences(of: "{{model.title}}", with: "{{{model.title}}}"))
        try assertTemplateError("error[TD505]: template 'model' emits 'model.title' unescaped")
        try templates("model", builtin.replacingOccurrences(of: "{{model.title}}", with: "{{&model.title}}"))
        try assertTemplateError("error[TD505]")
        try templates("model", builtin + "\n{{% CONTENT_TYPE: TEXT }}\n{{model.title}}\n")
        try assertTemplateError("error[TD504]: template 'model' has a second pragma")
        let markdown = try XCTUnwrap(TemplateSet.builtin["markdown"]?["model"])
        try templates("model", markdown.replacingOccurrences(of: "{{model.title}}", with: "{{{model.title}}}"), format: "markdown")
        try assertTemplateError("error[TD505]")
    }

    // MARK: From the bounded-cost trial

    /// A chain of 4,000 `parent:` links: the cycle check walks it once (it once took 49 s), and the
    /// Mermaid diagram nests 32 deep at most, so the document grows linearly.
    func testALongBoundaryChain() throws {
        var yaml = "threatdoc: 1\nid: chain\ntitle: Chain\nboundaries:\n  - { id: b0, name: B0 }\n"
        for index in 1..<4_000 { yaml += "  - { id: b\(index), name: B\(index), parent: b\(index - 1) }\n" }
        yaml += "elements:\n  - { id: e0, type: process, name: E, boundary: b3999 }\n"
        try write(yaml, to: "models/chain.yaml")
        XCTAssertEqual(try run(["validate", "--no-project", "models"]).status, 0)
        XCTAssertEqual(try run(["render", "--no-project", "models"]).status, 0)
        let document = try Data(contentsOf: root.appendingPathComponent("output/chain.md"))
        XCTAssertLessThan(document.count, 2 << 20, "the Mermaid block stays linear in the chain")
        XCTAssertEqual(try run(["check", "--no-project", "models"]).status, 0)
    }

    /// Thousands of references to unknown IDs: each is reported, but only the printed ones get a
    /// "did you mean" (an edit distance against every ID each).
    func testManyUnknownReferences() throws {
        var yaml = "threatdoc: 1\nid: refs\ntitle: Refs\nelements:\n"
        for index in 0..<2_000 { yaml += "  - { id: element-\(index), type: process, name: E\(index) }\n" }
        yaml += "threats:\n"
        for index in 0..<2_000 {
            yaml += "  - { id: T\(index), title: t, stride: [S], targets: [missing-\(index)], likelihood: low, impact: low }\n"
        }
        try write(yaml, to: "models/refs.yaml")
        let result = try run(["validate", "--no-project", "--format", "json", "models"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("\"code\" : \"TD303\""), String(result.stdout.prefix(300)))
    }

    /// 1,000 boundaries and 4,000 flows: too many boxes and arrows for dot, so the overview draws
    /// the outermost boundaries without arrows, and the page says so.
    func testAnOverviewTooLargeToDrawArrows() throws {
        var yaml = "threatdoc: 1\nid: wide\ntitle: Wide\nboundaries:\n"
        for index in 0..<1_000 { yaml += "  - { id: b\(index), name: Zone \(index) }\n" }
        yaml += "elements:\n"
        for index in 0..<1_000 { yaml += "  - { id: e\(index), type: process, name: E\(index), boundary: b\(index) }\n" }
        yaml += "flows:\n"
        for index in 0..<4_000 { yaml += "  - { id: f\(index), from: e\(index % 1_000), to: e\((index * 7 + 3) % 1_000) }\n" }
        try write(yaml, to: "models/wide.yaml")
        let render = try run(["render", "--no-project", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(300)))
        XCTAssertFalse(render.stderr.contains("TD511"))
        let page = try String(contentsOf: root.appendingPathComponent("output/html/wide.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("class=\"dfd\""))
        XCTAssertTrue(page.contains("too many boundaries and flows to draw the flows"))
    }

    func testAnInvertedSectionDoesNotHideRawModelText() throws {
        let markdown = try XCTUnwrap(TemplateSet.builtin["markdown"]?["model"])
        try templates("model", markdown + "{{#model.title}}{{^model.summary}}RAW:{{{.}}}{{/model.summary}}{{/model.title}}\n", format: "markdown")
        try assertTemplateError("error[TD505]")
    }

    func testTemplateInheritanceIsRefused() throws {
        let markdown = try XCTUnwrap(TemplateSet.builtin["markdown"]?["model"])
        try templates("model", markdown + "{{<scans}}{{/scans}}\n", format: "markdown")
        try write("{{{model.owner}}}", to: "tpl/markdown/scans.mustache")
        try assertTemplateError("template inheritance")
    }
}
