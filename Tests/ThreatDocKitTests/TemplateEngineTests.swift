import Foundation
import Mustache
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

/// threatdoc's compiled templates must give exactly the bytes swift-mustache gives.
final class TemplateEngineTests: XCTestCase {
    /// Both engines for a set of templates given as name → text.
    func engines(_ templates: [String: String]) throws -> (compiled: TemplateRenderer, reference: TemplateRenderer) {
        let set = TemplateSet(format: "test", templates: Dictionary(uniqueKeysWithValues: templates.map {
            ($0.key, TemplateSet.Template(name: $0.key, text: $0.value, path: $0.key))
        }))
        var diagnostics = DiagnosticBag()
        let library = try XCTUnwrap(set.library(into: &diagnostics), "\(diagnostics.diagnostics)")
        return (TemplateRenderer(library: library, templates: set), TemplateRenderer(library: library, templates: set, allowCompiled: false))
    }

    func assertSame(_ templates: [String: String], _ context: TemplateValue, root: String = "main", _ message: String) throws {
        let (compiled, reference) = try engines(templates)
        XCTAssertTrue(compiled.isCompiled, "expected the compiled engine: \(message)")
        XCTAssertFalse(reference.isCompiled)
        let expected = try XCTUnwrap(reference.render(context, withTemplate: root), message)
        XCTAssertEqual(compiled.render(context, withTemplate: root), expected, message)
    }

    struct Item: Encodable {
        var id: String
        var note: String?
        var tags: [String]
        var flag: Bool
        var count: Int
    }

    struct Root: Encodable {
        var title: String
        var empty: [Item]
        var items: [Item]
        var nothing: String?
        var yes: Bool
        var no: Bool
        var nested: Item
        var hostile: String
    }

    let root = TemplateValue.encode(Root(
        title: "T <1> & \"q\"",
        empty: [],
        items: [Item(id: "a", note: "n*1*", tags: ["x", "y"], flag: true, count: 0),
                Item(id: "b", note: nil, tags: [], flag: false, count: -3)],
        nothing: nil, yes: true, no: false,
        nested: Item(id: "deep", note: "", tags: ["z"], flag: true, count: 7),
        hostile: "<script>alert(1)</script> | `x` [a](javascript:b) \u{202E}"))

    /// Whitespace, standalone lines, every tag the compiled engine handles, and both content types.
    func testSyntheticTemplatesRenderIdentically() throws {
        let cases: [String] = [
            "{{% CONTENT_TYPE: HTML }}\n<h1>{{title}}</h1>{{{title}}}{{&title}}\n",
            "{{% CONTENT_TYPE: MARKDOWN }}\n# {{title}}\n{{hostile}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{#items}}\n  <li>{{id}}</li>\n{{/items}}\n",
            "{{% CONTENT_TYPE: HTML }}\n  {{#items}}\n  <li>{{id}}{{#tags}} {{.}}{{/tags}}</li>\n  {{/items}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{#items}}{{id}},{{/items}} {{^empty}}none{{/empty}} {{#empty}}never{{/empty}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{#nothing}}a{{/nothing}}{{^nothing}}b{{/nothing}}{{#missing}}c{{/missing}}{{^missing}}d{{/missing}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{#yes}}Y{{title}}{{/yes}}{{#no}}N{{/no}}{{^no}}notN{{/no}}{{^yes}}notY{{/yes}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{nested.id}} {{nested.tags}} {{nested.count}} {{#nested}}{{id}}:{{title}}:{{note}}|{{/nested}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{#items}}{{#note}}[{{.}}]{{/note}}{{^note}}(none){{/note}} {{flag}} {{count}} {{.id}} {{.title}}\n{{/items}}",
            "{{% CONTENT_TYPE: HTML }}\n{{! a comment }}\n  {{! standalone, indented }}\ntext {{! inline }} more\n",
            "{{% CONTENT_TYPE: HTML }}\nbefore\n{{> part}}\n  {{> part}}\ninline {{> part}} after\n",
            "{{% CONTENT_TYPE: HTML }}\r\n{{#items}}\r\n{{id}}\r\n{{/items}}\r\nend",
            "{{% CONTENT_TYPE: HTML }}\na { b } {c} {{ title }} { {{title}}}   \n   ",
            "{{% CONTENT_TYPE: HTML }}\n{{#items}}\n{{% CONTENT_TYPE: MARKDOWN }}\n{{hostile}}\n{{/items}}{{hostile}}\n",
            "{{% CONTENT_TYPE: HTML }}\n\t{{#items}}\t\n{{id}}\n\t{{/items}}\t\nx{{#yes}}\n{{/yes}}y\n",
            "{{% CONTENT_TYPE: HTML }}\n{{#items}}\n  {{> part}}\n{{/items}}\n",
            // swift-mustache's transforms, on text, lists and numbers, nested, in sections and inverted sections.
            "{{% CONTENT_TYPE: HTML }}\n{{uppercased(title)}} {{lowercased(title)}} {{capitalized(hostile)}} {{reversed(title)}} {{empty(title)}}\n",
            "{{% CONTENT_TYPE: MARKDOWN }}\n{{uppercased(hostile)}} {{reversed(hostile)}} {{uppercased(nested.id)}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{count(items)}} {{count(empty)}} {{empty(items)}} {{empty(empty)}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{#first(items)}}{{id}}{{/first(items)}} {{#last(items)}}{{id}}{{/last(items)}} {{#first(empty)}}x{{/first(empty)}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{#reversed(items)}}\n{{id}}:{{count(tags)}}:{{plusone(count)}}:{{minusone(count)}}:{{even(count)}}:{{odd(count)}}:{{equalzero(count)}}\n{{/reversed(items)}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{^empty(items)}}some{{/empty(items)}}{{#empty(empty)}}none{{/empty(empty)}} {{uppercased(first(nested.tags))}} {{count(reversed(items))}}\n",
            "{{% CONTENT_TYPE: HTML }}\n{{uppercased(count)}}{{plusone(title)}}{{first(title)}}{{uppercased(nested)}}{{uppercased(missing)}}{{uppercased(nothing)}}|\n",
        ]
        let part = "{{% CONTENT_TYPE: HTML }}\n<p>{{title}}</p>\n{{#tags}}\n  - {{.}}\n{{/tags}}\n"
        for (index, text) in cases.enumerated() {
            try assertSame(["main": text, "part": part], root, "case \(index): \(text.debugDescription)")
        }
    }

    /// The built-in templates, on the model that uses every feature and on the example models.
    func testBuiltinTemplatesRenderIdentically() throws {
        var models: [ResolvedModel] = [try XCTUnwrap(Exemplar.resolved())]
        for name in ["docker", "kubernetes"] {
            let path = TestSupport.packageRoot.appendingPathComponent("models/\(name).yaml").path
            let outcome = TestSupport.pipeline().run(paths: [path])
            models.append(contentsOf: try XCTUnwrap(outcome.models))
        }
        let adversarial = TestSupport.pipeline().run(paths: [TestSupport.fixtures.appendingPathComponent("adversarial.yaml").path])
        models.append(contentsOf: try XCTUnwrap(adversarial.models))
        XCTAssertEqual(models.count, 4)

        for format in ["markdown", "html"] {
            var diagnostics = DiagnosticBag()
            let set = TemplateSet.load(format: format, overrides: nil, into: &diagnostics)
            let library = try XCTUnwrap(set.library(into: &diagnostics))
            let compiled = TemplateRenderer(library: library, templates: set)
            let reference = TemplateRenderer(library: library, templates: set, allowCompiled: false)
            XCTAssertTrue(compiled.isCompiled, "the built-in \(format) templates must compile")
            for model in models {
                let context: TemplateValue
                if format == "html" {
                    let renderer = HTMLRenderer(templates: set, layout: GraphvizLayout(cache: nil), outputDirectory: "output")
                    context = TemplateValue.encode(renderer.page(for: model, diagrams: ModelDiagrams(model, every: .success("<svg><title>x</title></svg>"))).page)
                } else {
                    context = TemplateValue.encode(ReportContextBuilder.build(model, file: "x.md", sourceLink: "../x.yaml", renderings: .markdown))
                }
                let expected = try XCTUnwrap(reference.render(context, withTemplate: "model"))
                XCTAssertGreaterThan(expected.count, 1000)
                XCTAssertEqual(compiled.render(context, withTemplate: "model"), expected, "\(format) page of \(model.id)")
            }
            let index = TemplateValue.encode(ReportContextBuilder.index(models, files: models.map { "\($0.id).x" }))
            XCTAssertEqual(compiled.render(index, withTemplate: "index"), reference.render(index, withTemplate: "index"))
        }
    }

    /// Transforms compile; the extensions the compiler leaves out (which threatdoc's template check
    /// refuses anyway) are rendered by swift-mustache.
    func testExtensionsFallBackToSwiftMustache() throws {
        XCTAssertTrue(try engines(["main": "{{% CONTENT_TYPE: HTML }}\n{{uppercased(title)}}\n"]).compiled.isCompiled)
        for text in ["{{=<% %>=}}<%title%>\n",
                     "{{% CONTENT_TYPE: HTML }}\n{{<part}}{{$b}}x{{/b}}{{/part}}\n"] {
            let (compiled, _) = try engines(["main": text, "part": "{{$b}}default{{/b}}"])
            XCTAssertFalse(compiled.isCompiled, text)
            XCTAssertNotNil(compiled.render(root, withTemplate: "main"))
        }
        let (compiled, _) = try engines(["main": "{{% CONTENT_TYPE: HTML }}\n{{uppercased(title)}}\n"])
        XCTAssertEqual(compiled.render(root, withTemplate: "main"), "T &lt;1&gt; &amp; &quot;Q&quot;\n")
        XCTAssertNil(compiled.render(root, withTemplate: "absent"))
    }
}
