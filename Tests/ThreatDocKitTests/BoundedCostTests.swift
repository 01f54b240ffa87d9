import Foundation
import ThreatDocCorpus
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
                XCTAssertNil(LinkPolicy.problem(with: destination), "\(name): \(destination)")
            }
            XCTAssertFalse(markdown.contains("javascript:alert") && markdown.contains("](javascript"), name)
            let check = try run(["check", "--no-project", "models"])
            XCTAssertEqual(check.status, 0, "\(name): \(check.stderr.prefix(300))")
        }
    }

    // MARK: Diagrams

    static func tangledModel(id: String, elements: Int, flows: Int, boundaries: Int) -> String {
        DiagramCorpus.tangled(id: id, elements: elements, flows: flows, boundaries: boundaries)
    }

    /// The IDs of every diagram element a page draws (`dfd-element-…`), with how often each occurs.
    static func drawnElements(_ page: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for piece in page.components(separatedBy: "id=\"dfd&#45;element&#45;").dropFirst() {
            counts[String(piece.prefix { $0 != "\"" }), default: 0] += 1
        }
        return counts
    }

    /// The Mermaid blocks of a Markdown document, in order.
    static func mermaidBlocks(_ document: String) -> [String] {
        document.components(separatedBy: "```mermaid\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] }
    }

    /// The arrows of a Mermaid block (`-->` and `-.->`), to compare with GitHub's 500-edge limit.
    static func mermaidEdges(_ block: String) -> Int {
        block.components(separatedBy: "-->").count + block.components(separatedBy: "-.->").count - 2
    }

    /// IDs that occur more than once on a page (several SVGs on one page must keep theirs apart).
    static func duplicateIDs(_ page: String) -> [String] {
        var seen = Set<String>(), duplicates: [String] = []
        for piece in page.components(separatedBy: " id=\"").dropFirst() {
            let id = String(piece.prefix { $0 != "\"" })
            if !seen.insert(id).inserted { duplicates.append(id) }
        }
        return duplicates
    }

    /// Large and tangled models get a diagram, never a page without one: their size alone picks the
    /// boundary overview, and beside it a detailed diagram per part, which together draw every
    /// element exactly once; links between parts lead to figures on the page.
    func testEveryLargeModelGetsADiagram() throws {
        try write(Self.tangledModel(id: "huge", elements: 600, flows: 600, boundaries: 200), to: "models/huge.yaml")
        try write(Self.tangledModel(id: "dense", elements: 150, flows: 400, boundaries: 30), to: "models/dense.yaml")
        try write(DiagramCorpus.chain(id: "chain", elements: 600, boundaries: 200), to: "models/chain.yaml")
        let render = try run(["render", "--no-project", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(400)))
        XCTAssertFalse(render.stderr.contains("TD511"), String(render.stderr.prefix(400)))
        for (id, elements) in [("huge", 600), ("dense", 150), ("chain", 600)] {
            let page = try String(contentsOf: root.appendingPathComponent("output/html/\(id).html"), encoding: .utf8)
            XCTAssertTrue(page.contains("class=\"dfd\""), "\(id) has its diagram")
            XCTAssertTrue(page.contains("the diagram shows the trust boundaries"), id)
            XCTAssertTrue(page.contains("id=\"diagram-part-1\""), "\(id) has parts")
            XCTAssertTrue(page.contains("below draw every element inside its boundaries"), id)
            let drawn = Self.drawnElements(page)
            XCTAssertEqual(drawn.count, elements, "\(id): every element is drawn in some part")
            XCTAssertEqual(drawn.values.filter { $0 != 1 }.count, 0, "\(id): each element once")
            XCTAssertEqual(Self.duplicateIDs(page).prefix(5), [], "\(id): several diagrams on one page keep their IDs apart")
            for link in Set(page.components(separatedBy: "xlink:href=\"#diagram-part-").dropFirst().map { $0.prefix { $0.isNumber } }) {
                XCTAssertTrue(page.contains("id=\"diagram-part-\(link)\""), "\(id): a note links to part \(link), which is on the page")
            }
        }
        // The Markdown document splits the same way, into Mermaid blocks within GitHub's limits
        // (50,000 characters and 500 edges a diagram), and together they draw every element.
        for (id, elements) in [("huge", 600), ("dense", 150), ("chain", 600)] {
            let document = try String(contentsOf: root.appendingPathComponent("output/\(id).md"), encoding: .utf8)
            let blocks = Self.mermaidBlocks(document)
            XCTAssertGreaterThan(blocks.count, 2, id)
            for block in blocks {
                XCTAssertLessThan(block.count, 50_000, id)
                XCTAssertLessThan(Self.mermaidEdges(block), 500, id)
            }
            var drawn = Set<String>()
            for block in blocks.dropFirst() {
                for line in block.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("n") && !line.contains("->") {
                    drawn.insert(String(line.trimmingCharacters(in: .whitespaces).prefix { $0 != "(" && $0 != "[" }))
                }
            }
            XCTAssertEqual(drawn.count, elements, "\(id): the parts draw every element")
            XCTAssertTrue(document.contains("### Part 1 of "), id)
        }
        XCTAssertEqual(try run(["check", "--no-project", "models"]).status, 0)
    }

    /// The split into parts: every element in exactly one part, each part within its limits, a
    /// boundary's subtree that fits kept whole, and the same plan every time.
    func testTheSplitIntoParts() throws {
        for yaml in [Self.tangledModel(id: "huge", elements: 600, flows: 600, boundaries: 200),
                     DiagramCorpus.chain(id: "chain", elements: 600, boundaries: 200),
                     Self.tangledModel(id: "wide", elements: 1_500, flows: 1_500, boundaries: 40)] {
            let outcome = TestSupport.pipeline().run(text: yaml)
            let model = try XCTUnwrap(outcome.models?.first, "\(outcome.diagnostics.filter { $0.severity == .error })")
            let plan = DiagramParts.plan(model)
            XCTAssertEqual(plan.leftOut, 0, model.id)
            XCTAssertTrue(plan.parts.flatMap(\.elements).sorted() == model.elements.map(\.id).sorted(), "\(model.id): each element once")
            for part in plan.parts {
                XCTAssertLessThanOrEqual(part.elements.count, DiagramParts.maxElements, model.id)
                XCTAssertLessThanOrEqual(part.boundaryCount, DiagramParts.maxBoundaries, model.id)
                for element in part.elements { XCTAssertEqual(plan.partOf[element], part.number - 1) }
            }
            XCTAssertEqual(DiagramParts.plan(model).parts, plan.parts, "the plan depends on the model alone")
        }
        // Three small boundaries nested in one: the subtree fits, so one part draws it whole.
        let nested = """
            threatdoc: 1
            id: nested
            title: Nested
            boundaries:
              - { id: outer, name: Outer }
              - { id: a, name: A, parent: outer }
              - { id: b, name: B, parent: a }
            elements:
              - { id: x, type: process, name: X, boundary: b }
              - { id: y, type: process, name: Y, boundary: outer }
              - { id: z, type: external, name: Z }
            """
        let model = try XCTUnwrap(TestSupport.pipeline().run(text: nested).models?.first)
        let plan = DiagramParts.plan(model)
        XCTAssertEqual(plan.parts.count, 1)
        XCTAssertEqual(plan.parts.first?.boundaries, ["outer", "a", "b"])
        XCTAssertEqual(DiagramParts.title(of: plan.parts[0], names: ["outer": "Outer"]), "Outer, and elements outside any boundary")
    }

    /// Nesting survives the split: a part draws the frames that enclose it (a namespace inside its
    /// cluster inside its VPC), a boundary too large for one part is shared out under distinct titles,
    /// a chain nested 40 deep loses no element, and the overview's boxes link to the parts.
    func testPartsKeepTheirNestingAndTheOverviewLeadsToThem() throws {
        var yaml = "threatdoc: 1\nid: estate\ntitle: Estate\nboundaries:\n"
        yaml += "  - { id: vpc, name: Payments VPC }\n  - { id: eks, name: Prod EKS, parent: vpc }\n  - { id: ns, name: Huge namespace, parent: eks }\n"
        yaml += "  - { id: d0, name: Deep 0 }\n"
        for level in 1..<40 { yaml += "  - { id: d\(level), name: Deep \(level), parent: d\(level - 1) }\n" }
        yaml += "elements:\n"
        for index in 0..<150 { yaml += "  - { id: p\(index), type: process, name: Pod \(index), boundary: ns }\n" }
        for level in stride(from: 0, to: 40, by: 4) { yaml += "  - { id: x\(level), type: datastore, name: Store \(level), boundary: d\(level) }\n" }
        yaml += "  - { id: user, type: external, name: User }\nflows:\n"
        for index in 0..<150 { yaml += "  - { id: f\(index), from: user, to: p\(index) }\n" }
        try write(yaml, to: "models/estate.yaml")
        let render = try run(["render", "--no-project", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(400)))
        XCTAssertFalse(render.stderr.contains("TD51"), String(render.stderr.prefix(400)))
        let page = try String(contentsOf: root.appendingPathComponent("output/html/estate.html"), encoding: .utf8)
        XCTAssertEqual(Self.drawnElements(page).count, 161, "every element is drawn, the deepest too")
        XCTAssertEqual(Self.duplicateIDs(page).prefix(5), [])
        let titles = page.components(separatedBy: "<h3 id=\"diagram-part-").dropFirst().map { $0.components(separatedBy: "</h3>")[0] }
        XCTAssertEqual(Set(titles.map { $0.drop { $0 != ">" } }).count, titles.count, "titles are distinct: \(titles)")
        XCTAssertTrue(titles.contains { $0.contains("Huge namespace (elements 61–120 of 150)") }, "\(titles)")
        let model = try XCTUnwrap(TestSupport.pipeline().run(text: yaml).models?.first)
        let plan = DiagramParts.plan(model)
        let namespacePart = try XCTUnwrap(plan.parts.firstIndex { $0.heads == ["ns"] })
        let dot = DataFlowGraph.part(model, plan, index: namespacePart)
        XCTAssertTrue(dot.contains("label=\"Prod EKS\"") && dot.contains("label=\"Payments VPC\""), "the enclosing frames are drawn")
        // The overview's boxes lead to the parts that draw them.
        let overview = DataFlowGraph.overview(model, parts: plan)
        XCTAssertTrue(overview.contains("href=\"#diagram-part-\(namespacePart + 1)\""), overview)
        let loops = overview.split(separator: "\n").filter { line in
            let words = line.split(separator: " ")
            return words.count >= 3 && words[1] == "->" && words[0] == words[2]
        }
        XCTAssertEqual(loops, [], "flows within a box are counted in its label, not drawn as loops")
    }

    /// An overview without arrows is threatdoc's own grid of boxes, linear in their number and never
    /// timed out (dot's cost grew with their square), each box linking to its part.
    func testAnOverviewWithoutArrowsIsAGridDrawnByThreatdoc() throws {
        var yaml = "threatdoc: 1\nid: flat\ntitle: Flat\nboundaries:\n"
        for index in 0..<5_000 { yaml += "  - { id: b\(index), name: \"Zone \(index) \u{202E}\" }\n" }
        yaml += "elements:\n"
        for index in 0..<5_000 { yaml += "  - { id: e\(index), type: process, name: E\(index), boundary: b\(index) }\n" }
        let model = try XCTUnwrap(TestSupport.pipeline().run(text: yaml).models?.first)
        XCTAssertEqual(DataFlowGraph.overviewPlan(model).level, 2)
        var sets = [ModelDiagrams(model, budget: 10)]
        XCTAssertEqual(sets[0].main.job.dot, "", "nothing for Graphviz to lay out")
        guard case .success(let svg) = sets[0].main.result else { return XCTFail("the grid is drawn up front") }
        XCTAssertEqual(svg.components(separatedBy: "<rect ").count - 1, 5_000)
        XCTAssertTrue(svg.contains("<a href=\"#diagram-part-1\">"), String(svg.prefix(600)))
        XCTAssertFalse(svg.contains("\u{202E}"), "a bidi control is shown by its code, not obeyed")
        let size = try XCTUnwrap(svg.components(separatedBy: "viewBox=\"0 0 ").dropFirst().first?.split(separator: "\"").first)
            .split(separator: " ").compactMap { Double($0) }
        XCTAssertLessThan(size[0], 2_200, "at most 8 columns: \(size)")
        ModelDiagrams.layOut(&sets, models: [model], budget: 10, with: GraphvizLayout(cache: nil))
        XCTAssertFalse(sets[0].partDrawings.isEmpty)
    }

    // MARK: From the attack on large diagrams

    /// A 2,800-character name once took the DOT past Graphviz's limit on a quoted string; dot quit
    /// mid-input and the write to its stdin killed threatdoc with SIGPIPE (exit 141, no message).
    /// Names are shortened in diagrams, and a dot that quits early is a located warning.
    func testALongNameNeitherKillsTheRunNorLosesThePicture() throws {
        var yaml = "threatdoc: 1\nid: pipe\ntitle: t\nelements:\n  - { id: e0, type: process, name: '\(String(repeating: "~", count: 2_800))' }\n"
        for index in 1..<100 { yaml += "  - { id: e\(index), type: process, name: \(String(repeating: "x", count: 400)) }\n" }
        try write(yaml, to: "models/pipe.yaml")
        let render = try run(["render", "--no-project", "--no-cache", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(400)))
        XCTAssertFalse(render.stderr.contains("TD511"), String(render.stderr.prefix(400)))
        let page = try String(contentsOf: root.appendingPathComponent("output/html/pipe.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("class=\"dfd\""))
        XCTAssertEqual(try run(["check", "--no-project", "models"]).status, 0)
        // dot refusing a large input half-way is a failure to report, not a crash.
        let broken = "digraph g { a [label=\"" + String(repeating: "y", count: 20_000) + "\"];\n"
            + String(repeating: "  b -> c;\n", count: 20_000) + "}\n"
        guard case .failure = GraphvizLayout(cache: nil).svg(for: broken) else { return XCTFail("dot should refuse the label") }
    }

    /// Boundaries whose elements all talk to each other: a part past 400 flows is drawn without them,
    /// by its size alone (not after a timeout), so every part has a picture and the pages are the
    /// same on every run; the Markdown stays within GitHub's Mermaid limits.
    func testDenseBoundariesAreDrawnWithoutTheirFlows() throws {
        var yaml = "threatdoc: 1\nid: dense\ntitle: Dense\nboundaries:\n"
        for b in 0..<3 { yaml += "  - { id: b\(b), name: Zone \(b) }\n" }
        yaml += "elements:\n"
        for b in 0..<3 { for e in 0..<44 { yaml += "  - { id: e\(b)x\(e), type: process, name: E\(e), boundary: b\(b) }\n" } }
        yaml += "flows:\n"
        var flow = 0
        for b in 0..<3 { for i in 0..<44 { for j in 0..<44 where i != j {
            yaml += "  - { id: f\(flow), from: e\(b)x\(i), to: e\(b)x\(j) }\n"
            flow += 1
        } } }
        try write(yaml, to: "models/dense.yaml")
        let render = try run(["render", "--no-project", "--no-cache", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(400)))
        XCTAssertFalse(render.stderr.contains("TD511") || render.stderr.contains("TD512"), String(render.stderr.prefix(400)))
        let page = try String(contentsOf: root.appendingPathComponent("output/html/dense.html"), encoding: .utf8)
        XCTAssertEqual(Self.drawnElements(page).count, 132)
        XCTAssertTrue(page.contains("its flows are not drawn; the tables list them"))
        let first = try Data(contentsOf: root.appendingPathComponent("output/html/dense.html"))
        XCTAssertEqual(try run(["render", "--no-project", "--no-cache", "models"]).status, 0)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("output/html/dense.html")), first)
        let document = try String(contentsOf: root.appendingPathComponent("output/dense.md"), encoding: .utf8)
        for block in Self.mermaidBlocks(document) {
            XCTAssertLessThan(block.count, 50_000)
            XCTAssertLessThan(Self.mermaidEdges(block), 500)
        }
    }

    /// Thousands of one-element boundaries: the overview is threatdoc's grid, the Markdown lists 150
    /// boxes and says how many more, and names with bidi controls or line separators show their codes.
    func testThousandsOfTinyBoundariesAndHiddenCharacters() throws {
        var yaml = "threatdoc: 1\nid: tiny\ntitle: Tiny\nboundaries:\n"
        for index in 0..<3_000 { yaml += "  - { id: b\(index), name: \"Zone \(index) \\u202E \\u2028 x\" }\n" }
        yaml += "elements:\n"
        for index in 0..<3_000 { yaml += "  - { id: e\(index), type: process, name: \"E\(index) \\u202E\", boundary: b\(index) }\n" }
        try write(yaml, to: "models/tiny.yaml")
        let render = try run(["render", "--no-project", "--no-cache", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(400)))
        let page = try String(contentsOf: root.appendingPathComponent("output/html/tiny.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("class=\"dfd\""))
        XCTAssertFalse(page.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x2028 }, "hidden characters are shown by their code")
        let document = try String(contentsOf: root.appendingPathComponent("output/tiny.md"), encoding: .utf8)
        let overview = try XCTUnwrap(Self.mermaidBlocks(document).first)
        XCTAssertLessThan(overview.count, 50_000)
        XCTAssertTrue(overview.contains("2850 more boundaries"), String(overview.suffix(300)))
        XCTAssertEqual(try run(["render", "--no-project", "--diagram-budget", "2305843009213693952", "models"]).status, 64 - 62,
                       "an absurd budget is a usage error, not an overflow")
    }

    // MARK: From the second attack on large diagrams

    /// A name that is one character but 3,001 scalars ("a" and combining accents) once passed the
    /// 80-character cut whole and took dot past its 16 KiB label limit, leaving the page with no
    /// diagram; a nesting 33 deep once lost 25 elements from the parts; a backslash was read as a
    /// Graphviz escape; zero-width characters went into the drawings raw.
    func testNamesAndNestingThatOnceLostTheDiagram() throws {
        var yaml = "threatdoc: 1\nid: odd\ntitle: Odd\nboundaries:\n"
        yaml += "  - { id: a0, name: \"a\(String(repeating: "\u{0301}", count: 3_000))\" }\n"
        let chain = ["a1", "a2", "x", "y"] + (1...28).map { String(format: "c%02d", $0) }
        var parent = "a0"
        for id in chain {
            yaml += "  - { id: \(id), name: \"Zone \(id)\", parent: \(parent) }\n"
            parent = id
        }
        for index in 1...5 { yaml += "  - { id: w\(index), name: W\(index), parent: y }\n" }
        yaml += "elements:\n  - { id: ex, type: process, name: \"C:\\\\new\\\\lB\", boundary: x }\n"
        yaml += "  - { id: ey, type: process, name: \"zero\u{200B}width\", boundary: y }\n  - { id: ec, type: process, name: EC, boundary: c14 }\n"
        for index in 0..<25 { yaml += "  - { id: deep\(index), type: datastore, name: Deep \(index), boundary: c28 }\n" }
        yaml += "flows:\n  - { id: f1, from: ex, to: deep0 }\n  - { id: f2, from: ey, to: ec }\n"
        try write(yaml, to: "models/odd.yaml")
        let render = try run(["render", "--no-project", "--no-cache", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(400)))
        XCTAssertFalse(render.stderr.contains("TD511") || render.stderr.contains("TD512"), String(render.stderr.prefix(600)))
        let page = try String(contentsOf: root.appendingPathComponent("output/html/odd.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("id=\"diagram-part-1\""), "drawn as the overview and parts (33 levels deep)")
        XCTAssertEqual(Self.drawnElements(page).count, 28, "every element is drawn, the 25 at depth 33 too")
        XCTAssertTrue(page.contains(">C:\\new\\lB</text>"), "a backslash is a backslash")
        XCTAssertTrue(page.contains("zero(U+200B)width</text>"))
        XCTAssertFalse(page.unicodeScalars.contains { $0.value == 0x200B }, "no zero-width space reaches the page raw")
    }

    /// Names written out at 8 characters a letter (emoji) once made Mermaid blocks of 150,000
    /// characters; each block now fits GitHub's 50,000, drawing less when it must.
    func testMermaidBlocksFitGitHubWhateverTheNames() throws {
        let emoji = String(repeating: "\u{1F600}", count: 80)
        var yaml = "threatdoc: 1\nid: emoji\ntitle: Emoji\nboundaries:\n"
        for index in 0..<120 { yaml += "  - { id: b\(index), name: \"\(emoji)\(index)\" }\n" }
        yaml += "elements:\n"
        for index in 0..<240 { yaml += "  - { id: e\(index), type: process, name: \"\(emoji)\(index)\", boundary: b\(index / 2) }\n" }
        yaml += "flows:\n"
        for index in 0..<240 { yaml += "  - { id: f\(index), from: e\(index), to: e\((index * 7 + 1) % 240), label: \"\(emoji)\" }\n" }
        try write(yaml, to: "models/emoji.yaml")
        let render = try run(["render", "--no-project", "--no-cache", "--formats", "markdown", "models"])
        XCTAssertEqual(render.status, 0, String(render.stderr.prefix(400)))
        let document = try String(contentsOf: root.appendingPathComponent("output/emoji.md"), encoding: .utf8)
        let blocks = Self.mermaidBlocks(document)
        XCTAssertGreaterThan(blocks.count, 2)
        for block in blocks { XCTAssertLessThanOrEqual(block.utf8.count, 50_000) }
    }

    /// Past the part cap, the parts that are not drawn are named on the page, and the plan stays
    /// linear: 12,000 elements in 6,000 boundaries.
    func testPartsPastTheCapAreNotDrawnButSaid() throws {
        let yaml = DiagramCorpus.chain(id: "long", elements: 12_000, boundaries: 6_000)
        var limits = LoadLimits.default
        limits.maxFileBytes = 8 << 20
        let outcome = TestSupport.pipeline(limits: limits).run(text: yaml)
        let model = try XCTUnwrap(outcome.models?.first, "\(outcome.diagnostics.filter { $0.severity == .error }.prefix(3))")
        let plan = DiagramParts.plan(model)
        XCTAssertEqual(plan.parts.count, DiagramParts.maxParts)
        XCTAssertEqual(plan.leftOut, 12_000 / DiagramParts.maxElements - DiagramParts.maxParts)
        var ignored = DiagnosticBag()
        let page = HTMLRenderer(templates: TemplateSet.load(format: "html", overrides: nil, into: &ignored),
                                layout: GraphvizLayout(cache: nil), outputDirectory: "output")
            .page(for: model, diagrams: ModelDiagrams(model, every: .success("<svg></svg>"))).page
        XCTAssertEqual(page.diagramParts.count, DiagramParts.maxParts)
        XCTAssertTrue(page.diagramNote?.contains("the other \(plan.leftOut) parts are not drawn") == true, page.diagramNote ?? "")
    }

    /// dot is limited by CPU time: a layout past its share of the budget fails as timed out, and the
    /// page then draws the overview and its parts, and says why; the limit does not depend on how busy
    /// the machine is.
    func testALayoutPastItsShareOfTheBudgetIsDrawnAnotherWay() throws {
        let outcome = TestSupport.pipeline().run(text: Self.tangledModel(id: "dense", elements: 150, flows: 400, boundaries: 30))
        let model = try XCTUnwrap(outcome.models?.first, "\(outcome.diagnostics.filter { $0.severity == .error })")
        let layout = GraphvizLayout(cache: nil)
        // Every flow labelled: sizes alone would draw them unlabelled, which dot lays out quickly.
        let slow = DataFlowGraph.clustered(model, graphID: nil, quick: false, keepsElement: { _ in true }, keepsBoundary: { _ in true })
        guard case .failure(.timedOut(1)) = layout.svg(for: .init(dot: slow, cpuSeconds: 1)) else {
            return XCTFail("a 150-element, 400-labelled-flow clustered layout should need more than 1 s of CPU")
        }
        var sets = [ModelDiagrams(model, budget: 1, overview: false)]
        sets[0].main.job.dot = slow
        ModelDiagrams.layOut(&sets, models: [model], budget: 1, with: layout)
        XCTAssertTrue(sets[0].overview)
        XCTAssertEqual(sets[0].wholeFellBack, .overBudget(1))
        guard case .success = sets[0].main.result else { return XCTFail("the overview is quick") }
        XCTAssertFalse(sets[0].partDrawings.isEmpty)
        for part in sets[0].partDrawings { guard case .success = part.result else { return XCTFail("\(part.result as Any)") } }
        var ignored = DiagnosticBag()
        let renderer = HTMLRenderer(templates: TemplateSet.load(format: "html", overrides: nil, into: &ignored),
                                    layout: layout, outputDirectory: "output")
        let note = renderer.page(for: model, diagrams: sets[0]).page.diagramNote ?? ""
        XCTAssertTrue(note.hasPrefix("The whole diagram needed more than 1 s of CPU time"), note)
        let problems = renderer.page(for: model, diagrams: sets[0]).problems
        XCTAssertEqual(problems.map(\.code), [.diagramOverBudget], "a fallback is reported, so CI sees a page drawn another way")

        // A part past its share is laid out again without labels and with dot's quicker options.
        var quick = ModelDiagrams(model, budget: 1, overview: true)
        quick.main.result = .success("<svg></svg>")
        for index in quick.partDrawings.indices { quick.partDrawings[index].result = .success("<svg></svg>") }
        quick.partDrawings[0].result = .failure(.timedOut(1))
        quick.main.result = .failure(.timedOut(5))
        var quickSets = [quick]
        ModelDiagrams.layOut(&quickSets, models: [model], budget: 1, with: layout)
        XCTAssertTrue(quickSets[0].partDrawings[0].quick)
        XCTAssertTrue(quickSets[0].partDrawings[0].job.dot.contains(DataFlowGraph.simplifiedLayout))
        guard case .success = quickSets[0].partDrawings[0].result else { return XCTFail("the quick layout is drawn") }
        let quickPage = renderer.page(for: model, diagrams: quickSets[0]).page
        XCTAssertTrue(quickPage.diagramParts[0].note?.contains("Its fuller layout needed more than 1 s of CPU time") == true,
                      quickPage.diagramParts[0].note ?? "")
        // An overview past its share is drawn again as boxes without arrows; the parts keep the flows.
        XCTAssertEqual(quickSets[0].main.job.dot.split(separator: "\n").filter { $0.contains("->") && !$0.contains("[style=invis]") }, [],
                       "the quick overview has no arrows")
        guard case .success = quickSets[0].main.result else { return XCTFail("the quick overview is drawn") }
        XCTAssertTrue(quickPage.diagramNote?.contains("needed more than 5 s of CPU time (its share of the diagram budget), so the boxes are drawn without them") == true,
                      quickPage.diagramNote ?? "")
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
