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

/// The Markdown reports: golden files, hostile names, determinism, templates and the output folder.
final class RenderTests: XCTestCase {
    func renderer(templates: String? = nil, output: String = "output") throws -> MarkdownRenderer {
        var diagnostics = DiagnosticBag()
        let set = TemplateSet.load(format: "markdown", overrides: templates, into: &diagnostics)
        XCTAssertEqual(diagnostics.diagnostics.count, 0, "\(diagnostics.diagnostics)")
        return MarkdownRenderer(templates: set, outputDirectory: output)
    }

    func render(_ models: [ResolvedModel], templates: String? = nil) throws -> [String: String] {
        var diagnostics = DiagnosticBag()
        let files = try renderer(templates: templates).render(models, into: &diagnostics)
        return try XCTUnwrap(files, "\(diagnostics.diagnostics)")
    }

    func model(_ yaml: String, path: String = "models/x.yaml") throws -> ResolvedModel {
        let outcome = TestSupport.pipeline().run(text: yaml, path: path)
        return try XCTUnwrap(outcome.models?.first, "\(outcome.diagnostics.filter { $0.severity == .error })")
    }

    // MARK: Golden files

    /// The committed output/ is exactly what rendering models/ (with the project's scans) writes.
    func testCommittedOutputIsFresh() throws {
        let run = try TestSupport.run(["render", "--output", "\(NSTemporaryDirectory())td-fresh-\(UUID())"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let directory = try XCTUnwrap(run.stdout.components(separatedBy: " rendered into ").last?.components(separatedBy: "/ (").first)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let committed = TestSupport.packageRoot.appendingPathComponent("output")
        let fresh = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        let expected = try FileManager.default.contentsOfDirectory(atPath: committed.path).sorted()
        XCTAssertEqual(fresh, expected)
        for name in fresh where name.hasSuffix(".md") {
            // Links back to the models differ with the output folder's place; compare the rest.
            let a = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            let b = try String(contentsOf: committed.appendingPathComponent(name), encoding: .utf8)
            XCTAssertEqual(a.replacingOccurrences(of: #"\(<[^>]*models/"#, with: "(<models/", options: .regularExpression),
                           b.replacingOccurrences(of: #"\(<[^>]*models/"#, with: "(<models/", options: .regularExpression),
                           "output/\(name) is stale: run .ci/render")
        }
    }

    func testCommittedOutputMatchesByteForByteFromTheRepositoryRoot() throws {
        let target = "td-bytes-\(UUID())"
        let run = try TestSupport.run(["render", "--output", target])
        let directory = TestSupport.packageRoot.appendingPathComponent(target)
        defer { try? FileManager.default.removeItem(at: directory) }
        XCTAssertEqual(run.status, 0, run.stderr)
        for name in ["README.md", "docker.md", "kubernetes.md"] {
            let fresh = try Data(contentsOf: directory.appendingPathComponent(name))
            let committed = try Data(contentsOf: TestSupport.packageRoot.appendingPathComponent("output/\(name)"))
            XCTAssertEqual(fresh, committed, "output/\(name) differs from a fresh render; run .ci/render")
        }
    }

    func testEveryFeatureGolden() throws {
        let exemplar = try XCTUnwrap(Exemplar.resolved())
        let files = try render([exemplar])
        try TestSupport.assertGolden(try XCTUnwrap(files["every-feature.md"]), "every-feature.md")
        try TestSupport.assertGolden(try XCTUnwrap(files["README.md"]), "every-feature-index.md")
    }

    func testDockerDocumentHasDiagramMatrixAndFindings() throws {
        let docker = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("output/docker.md"), encoding: .utf8)
        XCTAssertTrue(docker.contains("```mermaid\nflowchart TB\n"))
        XCTAssertTrue(docker.contains("| Element or flow | Type | S | T | R | I | D | E |"))
        let dockerd = try XCTUnwrap(docker.split(separator: "\n").first { $0.hasPrefix("| [dockerd](#element-dockerd) | process |") })
        XCTAssertNotEqual(dockerd.split(separator: "|").last?.trimmingCharacters(in: .whitespaces), "GAP",
                          "the Elevation of privilege column is no longer empty")
        for check in ["docker:2.14", "docker:2.15", "docker:2.16"] {
            let anchor = "finding-" + check.replacingOccurrences(of: ":", with: "-")
            XCTAssertTrue(docker.contains("<a id=\"\(anchor)\"></a>\(check):"), check)
        }
        XCTAssertTrue(docker.contains("| **fail**: docker-host-a: PASS; docker-host-b: WARN |"), "2.15 per host")
    }

    // MARK: Hostile names

    func testAdversarialNamesKeepTablesAndDiagramWellFormed() throws {
        let yaml = try String(contentsOf: TestSupport.fixtures.appendingPathComponent("adversarial.yaml"), encoding: .utf8)
        let adversarial = try model(yaml)
        let document = try XCTUnwrap(try render([adversarial])["adversarial.md"])
        var inFence = false
        var header: Int?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence else { continue }
            if line.hasPrefix("|") {
                // Unescaped pipes delimit cells; an escaped one (\|) is text.
                let cells = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
                if let expected = header { XCTAssertEqual(cells, expected, "table row lost its columns: \(line)") } else { header = cells }
            } else {
                header = nil
            }
            // The templates' own anchors are the only HTML allowed.
            // The templates' own anchors, generator comment and <url> link destinations are the only markup allowed.
            let text = line.replacingOccurrences(of: #"<a id="[a-z0-9._-]+"></a>"#, with: "", options: .regularExpression)
            if !line.hasPrefix("<!-- Generated by threatdoc") {
                XCTAssertNil(text.range(of: #"(?<![\\(])<[A-Za-z/!?]"#, options: .regularExpression), "raw HTML in: \(line)")
            }
            XCTAssertNil(line.range(of: #"(?<!\\)\]\(\s*<?javascript:"#, options: .regularExpression), "live javascript link in: \(line)")
        }
        XCTAssertFalse(inFence, "a fence was left open")
        // The diagram keeps one node per element, one edge per flow, and nothing else.
        let mermaid = try XCTUnwrap(document.components(separatedBy: "```mermaid\n").last?.components(separatedBy: "\n```").first)
        let lines = mermaid.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(lines.filter { $0.range(of: #"^n\d+[\[\(]"#, options: .regularExpression) != nil }.count, 4)
        XCTAssertEqual(lines.filter { $0.contains("-->") }.count, 3)
        XCTAssertEqual(lines.filter { $0.hasPrefix("subgraph ") }.count, 2)
        XCTAssertEqual(lines.filter { $0 == "end" }.count, 2)
        for line in lines where line.hasPrefix("n") || line.hasPrefix("subgraph") {
            // Inside labels, only the label's own two quotes remain.
            let quotes = line.filter { $0 == "\"" }.count
            XCTAssertTrue(quotes == 2 || quotes == 4, "label escaped its quotes: \(line)")
            XCTAssertFalse(line.contains("%%") || line.contains("click") && !line.contains("#"), line)
        }
        XCTAssertFalse(mermaid.contains("\u{202E}"))
    }

    func testMarkdownEscaping() {
        XCTAssertEqual(MarkdownEscaping.inline("a|b"), "a\\|b")
        XCTAssertEqual(MarkdownEscaping.inline("<script>"), "\\<script\\>")
        XCTAssertEqual(MarkdownEscaping.inline("[x](javascript:y)"), "\\[x\\](javascript:y)")
        XCTAssertEqual(MarkdownEscaping.inline("- item"), "\\- item")
        XCTAssertEqual(MarkdownEscaping.inline("a-b"), "a-b")
        XCTAssertEqual(MarkdownEscaping.inline("1. first"), "1\\. first")
        XCTAssertEqual(MarkdownEscaping.inline("line\nbreak"), "line break")
        XCTAssertEqual(MarkdownEscaping.inline("$$x$$"), "\\$\\$x\\$\\$")
        XCTAssertEqual(MarkdownEscaping.inline("a\u{202E}b"), "a(U+202E)b")
    }

    func testGraphvizOutputIsCheckedBeforeItIsInlined() {
        let ok = ##"<?xml version="1.0"?><!-- x --><svg width="10pt" height="20pt" viewBox="0 0 10 20"><g><a xlink:href="#element-a"><text>javascript: onload=1</text></a></g></svg>"##
        guard case .success(let svg) = GraphvizLayout.clean(ok) else { return XCTFail("harmless SVG was refused") }
        XCTAssertTrue(svg.hasPrefix("<svg width=\"10pt\" height=\"20pt\" viewBox=\"0 0 10 20\" class=\"dfd\""), svg)
        XCTAssertFalse(svg.contains("<!--"))
        for bad in [#"<svg><script>x</script></svg>"#, #"<svg><g onclick="x"></g></svg>"#,
                    #"<svg><a xlink:href="javascript:x"><text>x</text></a></svg>"#, #"<svg><a href="https://evil.example">x</a></svg>"#,
                    #"<svg><foreignObject></foreignObject></svg>"#, #"<svg><g style="x"></g></svg>"#] {
            guard case .failure = GraphvizLayout.clean(bad) else { return XCTFail("unsafe SVG accepted: \(bad)") }
        }
    }

    /// A page must not depend on which other diagrams were laid out in the same render.
    func testLayoutsOfManyGraphsEqualSingleLayouts() throws {
        let graphs = (0..<5).map { index in
            "digraph dfd { a\(index) [label=\"A \(index)\"]; b [label=\"B\"]; a\(index) -> b [label=\"flow \(index)\"]; }"
        }
        let layout = GraphvizLayout(cache: nil)
        let together = layout.svgs(for: graphs)
        for (index, dot) in graphs.enumerated() {
            let single = try layout.svg(for: dot).get()
            XCTAssertEqual(try together[index].get(), single, "graph \(index)")
            XCTAssertFalse(single.contains("page0,"), single)
        }
    }

    func testMermaidLabels() {
        XCTAssertEqual(MermaidDiagram.label("a \"b\" | c"), "\"a #34;b#34; #124; c\"")
        XCTAssertEqual(MermaidDiagram.label("😈"), "\"#128520;\"")
        XCTAssertEqual(MermaidDiagram.label("x\ny"), "\"x y\"")
    }

    // MARK: Determinism and the output folder

    func testRenderingIsDeterministic() throws {
        let exemplar = try XCTUnwrap(Exemplar.resolved())
        XCTAssertEqual(try render([exemplar]), try render([exemplar]))
    }

    func makeOutput(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("td-out-\(UUID())")
        try OutputWriter(directory: directory.path).replace(with: files, lock: OutputLock.acquire(for: directory.path))
        return directory
    }

    func snapshot(_ directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { result[path] = try Data(contentsOf: directory.appendingPathComponent(path)) }
        }
        return result
    }

    func testAFailureHalfwayLeavesTheOldOutputIntact() throws {
        let directory = try makeOutput(["README.md": "old index\n", "a.md": "old a\n", "html/b.html": "old b\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try snapshot(directory)
        var writer = OutputWriter(directory: directory.path)
        writer.failAfter = 2
        XCTAssertThrowsError(try writer.replace(with: ["README.md": "new\n", "a.md": "new\n", "c.md": "new\n"],
                                                lock: OutputLock.acquire(for: directory.path)))
        XCTAssertEqual(try snapshot(directory), before)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: directory.deletingLastPathComponent().path)
        XCTAssertFalse(siblings.contains { $0.hasPrefix(".\(directory.lastPathComponent).") }, "temporary folders were left behind")
    }

    /// A re-render keeps the pages the output folder already holds unchanged (hard links, not
    /// rewrites), rewrites a page someone edited, and renders only the model that changed.
    func testUnchangedPagesAreKeptAndEditedOnesRewritten() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("td-keep-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let models = root.appendingPathComponent("models"), output = root.appendingPathComponent("out").path
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let exemplar = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("models/docker.yaml"), encoding: .utf8)
        try exemplar.write(to: models.appendingPathComponent("docker.yaml"), atomically: true, encoding: .utf8)
        try exemplar.replacingOccurrences(of: "\nid: docker\n", with: "\nid: docker-copy\n")
            .write(to: models.appendingPathComponent("copy.yaml"), atomically: true, encoding: .utf8)
        let builder = SiteBuilder(formats: SiteBuilder.Format.allCases, outputDirectory: output, templatesFolder: nil,
                                  cache: try CacheFolder.open(root.appendingPathComponent("cache").path))
        func render() throws -> SiteBuilder.Output {
            let outcome = TestSupport.pipeline().run(paths: [models.path])
            var diagnostics = DiagnosticBag()
            let built = try XCTUnwrap(builder.buildForOutput(outcome, into: &diagnostics), "\(diagnostics.diagnostics)")
            try builder.write(built, lock: OutputLock.acquire(for: output))
            return built
        }
        func inode(_ path: String) throws -> Int {
            try XCTUnwrap(FileManager.default.attributesOfItem(atPath: "\(output)/\(path)")[.systemFileNumber] as? Int)
        }
        let pages = ["docker.md", "docker-copy.md", "html/docker.html", "html/docker-copy.html"]

        let first = try render()
        XCTAssertTrue(first.kept.isEmpty)
        XCTAssertEqual(Set(first.pages.keys), Set(pages))
        let before = try snapshot(URL(fileURLWithPath: output))
        let inodes = try pages.map(inode)

        let second = try render()
        XCTAssertEqual(second.kept, Set(pages))
        XCTAssertEqual(try snapshot(URL(fileURLWithPath: output)), before, "kept pages must be byte-identical")
        XCTAssertEqual(try pages.map(inode), inodes, "kept pages are linked, not rewritten")

        // Someone edits a page in place: it is not what threatdoc wrote, so it is rendered again.
        let edited = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(output)/html/docker.html"))
        try edited.seekToEnd()
        try edited.write(contentsOf: Data("<!-- edited -->".utf8))
        try edited.close()
        let third = try render()
        XCTAssertEqual(third.kept, Set(pages).subtracting(["html/docker.html"]))
        XCTAssertEqual(try snapshot(URL(fileURLWithPath: output)), before)

        // A comment changes nothing a page shows: every page is kept.
        try (exemplar + "\n# a comment\n").write(to: models.appendingPathComponent("docker.yaml"), atomically: true, encoding: .utf8)
        let fourth = try render()
        XCTAssertEqual(fourth.kept, Set(pages))
        XCTAssertEqual(try snapshot(URL(fileURLWithPath: output)), before, "a comment changes no page")

        // A changed model renders again; the other model's pages are kept.
        try exemplar.replacingOccurrences(of: "\ntitle: ", with: "\ntitle: Renamed ")
            .write(to: models.appendingPathComponent("docker.yaml"), atomically: true, encoding: .utf8)
        let fifth = try render()
        XCTAssertEqual(fifth.kept, ["docker-copy.md", "html/docker-copy.html"])
    }

    func testStaleFilesAreRemoved() throws {
        let directory = try makeOutput(["README.md": "old\n", "gone.md": "<!-- Generated by threatdoc 0.1.0 -->\nstale\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        try OutputWriter(directory: directory.path).replace(with: ["README.md": "new\n"], lock: OutputLock.acquire(for: directory.path))
        XCTAssertEqual(Set(try snapshot(directory).keys), ["README.md", OutputWriter.marker])
    }

    func testAForeignFolderIsNeverReplaced() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("td-foreign-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("precious".utf8).write(to: directory.appendingPathComponent("thesis.tex"))
        XCTAssertThrowsError(try OutputWriter(directory: directory.path).replace(with: ["README.md": "x"],
                                                                                 lock: OutputLock.acquire(for: directory.path)))
        XCTAssertEqual(try snapshot(directory).keys.sorted(), ["thesis.tex"])
        XCTAssertThrowsError(try OutputWriter(directory: directory.path + "/x").replace(with: ["../escape.md": "x"],
                                                                                        lock: OutputLock.acquire(for: directory.path + "/x")))
    }

    func testAModelWithErrorsWritesNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("td-err-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try minimalModel().write(to: dir.appendingPathComponent("models/a.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try TestSupport.run(["render"], in: dir).status, 0)
        let before = try snapshot(dir.appendingPathComponent("output"))
        try (minimalModel() + "bogus: 1\n").write(to: dir.appendingPathComponent("models/a.yaml"), atomically: true, encoding: .utf8)
        let failed = try TestSupport.run(["render"], in: dir)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("models/a.yaml:16:1: error[TD201]"), failed.stderr)
        XCTAssertEqual(try snapshot(dir.appendingPathComponent("output")), before)
    }

    // MARK: Templates

    func testBuiltinTemplatesMatchTheTemplatesFolder() throws {
        let folder = TestSupport.packageRoot.appendingPathComponent("templates/markdown")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        XCTAssertEqual(Set(files.map { String($0.dropLast(9)) }), Set(TemplateSet.builtin["markdown"]!.keys))
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            XCTAssertEqual(text, TemplateSet.builtin["markdown"]![String(file.dropLast(9))],
                           "templates/markdown/\(file) differs from the built-in copy: run python3 .ci/embed-templates.py")
        }
    }

    func overrideFolder(_ templates: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("td-templates-\(UUID())")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("markdown"), withIntermediateDirectories: true)
        for (name, text) in templates {
            try text.write(to: root.appendingPathComponent("markdown/\(name).mustache"), atomically: true, encoding: .utf8)
        }
        return root
    }

    func testATemplateOverrideChangesTheOutput() throws {
        let root = try overrideFolder(["diagram": "{{% CONTENT_TYPE: MARKDOWN }}\n## Diagram for {{model.title}}\n\nDiagram omitted by policy.\n\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let exemplar = try XCTUnwrap(Exemplar.resolved())
        let document = try XCTUnwrap(try render([exemplar], templates: root.path)["every-feature.md"])
        XCTAssertTrue(document.contains("## Diagram for Every feature: a web shop \\| \\<script\\> \\& \\`ticks\\` \\#1\n\nDiagram omitted by policy."))
        XCTAssertFalse(document.contains("```mermaid"))
        XCTAssertTrue(document.contains("## STRIDE matrix"), "templates not overridden stay built-in")
    }

    func templateErrors(_ templates: [String: String]) throws -> [Diagnostic] {
        let root = try overrideFolder(templates)
        defer { try? FileManager.default.removeItem(at: root) }
        var diagnostics = DiagnosticBag()
        let set = TemplateSet.load(format: "markdown", overrides: root.path, into: &diagnostics)
        XCTAssertNil(MarkdownRenderer(templates: set, outputDirectory: "output").render([try XCTUnwrap(Exemplar.resolved())], into: &diagnostics))
        return diagnostics.sorted
    }

    func testAMisspeltVariableFailsWithItsLocation() throws {
        let errors = try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n## At a glance\n\n{{#glance.threatsByRisk}}\n- {{lable}}: {{count}}\n{{/glance.threatsByRisk}}\n| {{glance.threatCont}} |\n"])
        XCTAssertEqual(errors.map(\.code), [.templateUnknownName, .templateUnknownName])
        XCTAssertTrue(errors[0].location!.file.hasSuffix("markdown/glance.mustache"))
        XCTAssertEqual(errors.map { "\($0.location!.line):\($0.location!.column)" }, ["5:3", "7:3"])
        XCTAssertTrue(errors[0].help.hasPrefix("did you mean 'label'?"), errors[0].help)
        XCTAssertTrue(errors[1].message.contains("'threatCont' is not a field of 'glance'"), errors[1].message)
    }

    /// swift-mustache's transforms work in templates, as the README says, and are checked like names.
    func testTransformsRenderAndAreChecked() throws {
        let root = try overrideFolder(["diagram": "{{% CONTENT_TYPE: MARKDOWN }}\n## {{uppercased(model.title)}}\n\n{{count(threatGroups)}} groups; first: {{#first(threatGroups)}}{{lowercased(title)}}{{/first(threatGroups)}}\n\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let exemplar = try XCTUnwrap(Exemplar.resolved())
        let document = try XCTUnwrap(try render([exemplar], templates: root.path)["every-feature.md"])
        XCTAssertTrue(document.contains("## EVERY FEATURE: A WEB SHOP \\| \\<SCRIPT\\> \\& \\`TICKS\\` \\#1\n"), document)
        let groups = try XCTUnwrap(document.range(of: "groups; first: spoofing"), "the first group's title, lowercased")
        XCTAssertFalse(document[..<groups.lowerBound].hasSuffix(" 0 "))

        let unknown = try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n{{uppercase(model.title)}} {{first(model.title)}}\n"])
        XCTAssertEqual(unknown.map(\.code), [.templateUnknownName, .templateUnknownName])
        XCTAssertEqual(unknown.map { "\($0.location!.line):\($0.location!.column)" }, ["2:1", "2:28"])
        XCTAssertTrue(unknown[0].help.hasPrefix("did you mean 'uppercased'?"), unknown[0].help)
        XCTAssertTrue(unknown[1].message.contains("applies 'first' to 'model.title', which is text"), unknown[1].message)
        // Text, numbers and flags each have their own transforms; one that does not fit is caught, not rendered blank.
        let misapplied = try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n{{uppercased(glance.threatCount)}} {{plusone(model.title)}} {{#threatGroups}}{{plusone(letter)}}{{/threatGroups}} {{odd(count(threatGroups))}} {{uppercased(empty(model.title))}}\n"])
        XCTAssertEqual(misapplied.map { "\($0.code.id) \($0.location!.column)" }, ["TD502 1", "TD502 36", "TD502 78", "TD502 144"],
                       misapplied.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(misapplied[0].help.contains("transforms on a number: equalzero, plusone"), misapplied[0].help)
        XCTAssertTrue(misapplied[3].message.contains("applies 'uppercased' to 'model.title', which is a flag"), misapplied[3].message)
        XCTAssertEqual(try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n{{{uppercased(model.summary)}}}\n"]).map(\.code),
                       [.templateUnescaped], "a transform's result is never emitted raw")
        XCTAssertEqual(try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n{{uppercased(model.title}}\n"]).map(\.code),
                       [.templateSyntax])
        // An object or a list printed as a value would come out in a different order on every run.
        XCTAssertEqual(try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n{{model}} {{first(threatGroups)}} {{threatGroups}}\n"])
            .map(\.code), [.templatePrintsStructure, .templatePrintsStructure, .templatePrintsStructure])
    }

    /// The check reads templates exactly as the engine renders them: a character glued to a brace does
    /// not hide a tag from one and show it to the other, a raw value is judged by where its name is
    /// really found, and `.name` looks only at the current value.
    func testTheCheckSeesWhatTheEngineRenders() throws {
        let glued = try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n\u{0600}{{!x{{% CONTENT_TYPE: TEXT }}\n{{model.title}}\n"])
        XCTAssertEqual(glued.map(\.code), [.templateContentType], "a second pragma, seen by both")
        let outward = try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n{{#elements}}{{#threats}}- {{{description}}}{{/threats}}{{/elements}}\n"])
        XCTAssertEqual(outward.map(\.code), [.templateUnescaped], "an element's description found from inside its threats is not inert prose")
        let top = try templateErrors(["glance": "{{% CONTENT_TYPE: MARKDOWN }}\n{{#threatGroups}}{{.generator}}{{/threatGroups}}\n"])
        XCTAssertEqual(top.map(\.code), [.templateUnknownName])
    }

    func testMissingPartialContentTypeAndSyntaxErrors() throws {
        XCTAssertEqual(try templateErrors(["threats": "{{% CONTENT_TYPE: MARKDOWN }}\n{{> threat-card}}\n"]).map(\.code), [.templateMissingPartial])
        XCTAssertEqual(try templateErrors(["threats": "## Threats\n"]).map(\.code), [.templateContentType])
        let syntax = try templateErrors(["threats": "{{% CONTENT_TYPE: MARKDOWN }}\n{{#threatGroups}}\n"])
        XCTAssertEqual(syntax.map(\.code), [.templateSyntax])
        XCTAssertTrue(syntax[0].location!.file.hasSuffix("markdown/threats.mustache"))
    }

    func testDumpContext() throws {
        let run = try TestSupport.run(["render", "--dump-context", "docker"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in ["generator", "model", "glance", "mermaid", "strideMatrix", "threatGroups", "mitigations", "findings"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual((object["model"] as? [String: Any])?["id"] as? String, "docker")
        XCTAssertEqual(try TestSupport.run(["render", "--dump-context", "nope"]).status, 2)
        let dot = try TestSupport.run(["render", "--dump-dot", "docker"])
        XCTAssertEqual(dot.status, 0)
        XCTAssertTrue(dot.stdout.hasPrefix("digraph dfd {"), dot.stdout)
        XCTAssertTrue(dot.stdout.contains("newrank=true"))
        XCTAssertTrue(dot.stdout.contains("subgraph cluster_b"))
    }
    /// What a reviewer reads first: the register (every threat, highest risk first, with its weakest
    /// evidence), open items that a crowd of coverage gaps cannot bury, and one row per `gaps:` entry.
    func testRegisterOpenItemsAndAcknowledgedGaps() throws {
        let exemplar = try XCTUnwrap(Exemplar.resolved())
        let report = ReportContextBuilder.build(exemplar, file: "every-feature.md", sourceLink: nil, renderings: .markdown)
        XCTAssertEqual(report.register.map(\.id), ["SHOP-S1", "SHOP-T1", "SHOP-D1"])
        XCTAssertEqual(report.register.map(\.evidence), ["contradicted", "none", "verified"])
        XCTAssertEqual(report.coverage.gaps.map { "\($0.target.id): \($0.categories)" },
                       ["browse: Denial of service", "db: Repudiation, Denial of service", "store: Denial of service",
                        "web: Information disclosure, Elevation of privilege"])
        XCTAssertEqual(report.glance.openCoverage.summary, "1 open STRIDE category on 1 element or flow; threatdoc suggest proposes 3 threats for them")

        // Entries with the same reason stay separate rows; a category acknowledged twice is reported.
        let twice = """
            threatdoc: 1
            id: twice
            title: Twice
            elements: [{ id: p1, type: process, name: P1 }]
            gaps:
              - { target: p1, stride: [spoofing, tampering], reason: Handled by platform }
              - { target: p1, stride: [tampering], reason: Not our problem }
              - { target: p1, stride: [repudiation], reason: Handled by platform }
            """
        let run = TestSupport.pipeline().run(text: twice)
        XCTAssertEqual(run.diagnostics.filter { $0.code == .staleGap }.map(\.message),
                       ["Tampering for 'p1' is already acknowledged at line 6; one entry, with one reason, is enough"])
        let rows = ReportContextBuilder.build(try XCTUnwrap(run.models?.first), file: "t.md", sourceLink: nil, renderings: .markdown).coverage.gaps
        XCTAssertEqual(rows.map { "\($0.categories): \($0.reason)" },
                       ["Spoofing, Tampering: Handled by platform", "Tampering: Not our problem", "Repudiation: Handled by platform"])

        // One high-risk threat without a mitigation, a low one, and twenty elements with open categories.
        let elements = (1...20).map { "  - { id: e\($0), type: process, name: E\($0) }" }.joined(separator: "\n")
        let yaml = """
            threatdoc: 1
            id: crowded
            title: Crowded
            elements:
            \(elements)
            threats:
              - { id: LOW, title: Minor, stride: [S], targets: [e1], likelihood: low, impact: low }
              - { id: HIGH, title: Serious, stride: [T], targets: [e2], likelihood: high, impact: high }
            """
        let model = try XCTUnwrap(TestSupport.pipeline().run(text: yaml).models?.first)
        let crowded = ReportContextBuilder.build(model, file: "crowded.md", sourceLink: nil, renderings: .markdown)
        XCTAssertEqual(crowded.glance.openItems.map { "\($0.kind) \($0.link?.id ?? "")" },
                       ["Unaddressed threat HIGH", "Unaddressed threat LOW"])
        XCTAssertEqual(crowded.glance.openCoverage.targets, 20)
        XCTAssertTrue(crowded.glance.openCoverage.summary.hasPrefix("\(crowded.coverage.open) open STRIDE categories on 20 elements and flows; threatdoc suggest proposes "),
                      crowded.glance.openCoverage.summary)
    }

    /// Text a terminal shows makes invisible characters visible, as the HTML and Markdown do; a blank
    /// label or name is drawn as the ID, never as an empty box or arrow.
    func testInvisibleCharactersAndBlankLabels() {
        XCTAssertEqual(TerminalText.escape("keys\u{200B}"), "keys<U+200B>")
        XCTAssertEqual(TerminalText.escape("a\u{3164}lice\u{E0041}"), "a<U+3164>lice<U+E0041>")
        XCTAssertEqual(TerminalText.escape("né 🔐 \u{200D}"), "né 🔐 \u{200D}", "joiners and accents stay")
        var flow = ResolvedModel.Flow(id: "f1", from: "a", to: "b", label: " ", protocolName: "", description: nil, assets: [])
        XCTAssertEqual(DiagramText.flowLines(flow), ["f1"])
        flow.protocolName = "HTTPS"
        flow.assets = ["pii"]
        XCTAssertEqual(DiagramText.flowLines(flow), ["f1", "HTTPS · pii"])
        let element = ResolvedModel.Element(id: "web", kind: .process, name: "", description: nil, technology: nil, boundary: nil, assets: [])
        XCTAssertEqual(DiagramText.name(element), "web")
    }

    /// The index chart shows every model's whole title as text the browser wraps; a long title changes
    /// neither its own bar nor another model's row.
    func testIndexChartKeepsWholeTitles() throws {
        let title = "Payments <webhook> service " + String(repeating: "lorem ipsum dolor sit amet ", count: 400) + "WWWWWWWWWW 支付 🔐"
        let base = ReportContextBuilder.index([try XCTUnwrap(Exemplar.resolved())], files: ["every-feature.html"]).models[0]
        var long = base
        long.id = "long"
        long.title = title
        let chart = SVGCharts.riskOverview([base, long])
        XCTAssertTrue(chart.contains("<a href=\"long.html\">\(HTMLEscaping.text(title))</a>"), "the whole title, escaped")
        let bars = BrowserTests.matches(#"<svg class="chart bar" preserveAspectRatio="xMinYMid meet" (viewBox="[^"]*")"#, in: chart)
        XCTAssertEqual(bars.count, 2)
        XCTAssertEqual(Set(bars).count, 1, "every bar has the same size, whatever the title")
        XCTAssertFalse(chart.contains("<webhook>"))
    }
}

/// Encoding the view model for templates must give the names and values reflection would give.
final class TemplateValueTests: XCTestCase {
    func mirrorBox(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional: return mirror.children.first.map { mirrorBox($0.value) } ?? NSNull()
        case .collection: return mirror.children.map { mirrorBox($0.value) }
        case .struct:
            var result: [String: Any] = [:]
            for child in mirror.children { if let label = child.label { result[label] = mirrorBox(child.value) } }
            return result
        default: return value
        }
    }

    func shape(_ value: Any) -> String {
        switch value {
        case let node as ContextNode:
            return shape(node.values)
        case let dictionary as [String: Any]:
            return "{" + dictionary.keys.sorted().map { "\($0):\(shape(dictionary[$0]!))" }.joined(separator: ",") + "}"
        case let array as [Any]: return "[" + array.map(shape).joined(separator: ",") + "]"
        case is NSNull: return "null"
        default: return "\(value)"
        }
    }

    func testBoxedContextEqualsReflection() throws {
        let model = try XCTUnwrap(Exemplar.resolved())
        let report = ReportContextBuilder.build(model, file: "x.md", sourceLink: "../x.yaml", renderings: .all)
        XCTAssertEqual(shape(TemplateValue.encode(report).mustacheObject), shape(mirrorBox(report)))
    }

}
