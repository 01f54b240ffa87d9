import Foundation
import Mustache

/// The template context of a model's page: the report, plus the SVG drawn for the site.
public struct HTMLModelPage: Encodable, Sendable {
    public var generator: String
    public var report: ModelReport
    /// The data-flow diagram laid out by Graphviz, inline SVG; nil when it could not be drawn.
    public var diagramSVG: String?
    /// Why there is no diagram, for the page.
    public var diagramFailure: String?
    /// A remark on the diagram, such as that it shows boundaries only.
    public var diagramNote: String?
    public var heatmapSVG: String
    public var heatmapTruncated: Bool
    public var riskMatrixSVG: String
    public var evidenceSVG: String
}

public struct HTMLIndexPage: Encodable, Sendable {
    public var generator: String
    public var report: IndexReport
    public var overviewSVG: String
}

/// The HTML renderer: a static, self-contained site (`index.html`, a page per model, a stylesheet).
public struct HTMLRenderer: Sendable {
    public var templates: TemplateSet
    public var layout: GraphvizLayout
    public var outputDirectory: String
    public var cache: PageCache

    public init(templates: TemplateSet, layout: GraphvizLayout, outputDirectory: String,
                cache: PageCache = PageCache(folder: nil)) {
        self.templates = templates
        self.layout = layout
        self.outputDirectory = outputDirectory
        self.cache = cache
    }

    static let heatmapRows = 120

    /// The shapes the HTML templates are checked against.
    static let shapes: (model: TemplateChecker.Shape, index: TemplateChecker.Shape) = {
        guard let model = Exemplar.resolved() else { return (.scalar, .scalar) }
        let report = ReportContextBuilder.build(model, file: "every-feature.html", sourceLink: nil)
        let page = HTMLModelPage(generator: "", report: report, diagramSVG: "", diagramFailure: "", diagramNote: "",
                                 heatmapSVG: "", heatmapTruncated: true, riskMatrixSVG: "", evidenceSVG: "")
        let index = HTMLIndexPage(generator: "", report: ReportContextBuilder.index([model], files: ["x.html"]), overviewSVG: "")
        return (TemplateChecker.Shape.of(page), TemplateChecker.Shape.of(index))
    }()

    func check(into diagnostics: inout DiagnosticBag) -> TemplateRenderer? {
        templates.checkedRenderer(contentType: "HTML", model: Self.shapes.model, index: Self.shapes.index, into: &diagnostics)
    }

    /// The page for one model (diagram included), and any diagnostic about its diagram.
    public func page(for model: ResolvedModel) -> (page: HTMLModelPage, problem: Diagnostic?) {
        let graph = DataFlowGraph.dot(model)
        return page(for: model, graph: graph, layout: model.elements.isEmpty ? nil : layout.svg(for: graph.dot))
    }

    /// What the overview of a large model leaves out, in words for the page.
    static func overviewNote(_ model: ResolvedModel) -> String {
        let plan = DataFlowGraph.overviewPlan(model)
        return switch plan.level {
        case 0: plan.simplified
            ? " There are many such flows, so they are drawn as straight lines without counts (hover a line for its count), with a quicker layout." : ""
        case 1: " There are too many boundaries to draw each, so each box is an outermost boundary with everything inside it"
            + (plan.simplified ? "; flows are straight lines without counts (hover a line for its count)." : ".")
        default: " There are too many boundaries and flows to draw the flows, so the boxes show the outermost boundaries and how many elements each holds."
        }
    }

    func page(for model: ResolvedModel, graph: (dot: String, overview: Bool),
              layout laidOut: Result<String, GraphvizLayout.Failure>?) -> (page: HTMLModelPage, problem: Diagnostic?) {
        let report = ReportContextBuilder.build(model, file: "\(model.id).html",
                                                sourceLink: MarkdownRenderer.relativeLink(from: outputDirectory + "/html", to: model.sourcePath),
                                                prose: .html)
        var svg: String?, failure: String?, problem: Diagnostic?
        if model.elements.isEmpty {
            failure = "the model has no elements"
        } else if let laidOut {
            switch laidOut {
            case .success(let text): svg = text
            case .failure(let error):
                failure = error.description
                problem = Diagnostic(.diagramFailed, "the data-flow diagram of '\(model.id)' could not be drawn: \(error.description)",
                                     at: SourceLocation(file: model.sourcePath, line: 1, column: 1))
            }
        }
        let threats = report.threatGroups.flatMap(\.threats)
        return (HTMLModelPage(
            generator: report.generator, report: report, diagramSVG: svg, diagramFailure: failure,
            diagramNote: graph.overview ? "With \(model.elements.count) elements and \(model.flows.count) flows, the diagram shows the trust boundaries and the flows between them; the tables list every element and flow."
                + Self.overviewNote(model) : nil,
            heatmapSVG: SVGCharts.strideHeatmap(report.strideMatrix, maxRows: Self.heatmapRows),
            heatmapTruncated: report.strideMatrix.rows.count > Self.heatmapRows,
            riskMatrixSVG: SVGCharts.riskMatrix(threats),
            evidenceSVG: SVGCharts.statusEvidence(report.mitigations)), problem)
    }

    /// The files of the site, by path relative to the site folder. Models are laid out and rendered
    /// in parallel (Graphviz runs as separate processes).
    public func render(_ models: [ResolvedModel], into diagnostics: inout DiagnosticBag) -> [String: String]? {
        guard let library = check(into: &diagnostics) else { return nil }
        let cache = self.cache, templates = self.templates, outputDirectory = self.outputDirectory
        let templateDigest = PageCache.digest(of: templates)
        let extra = outputDirectory + "|" + GraphvizLayout.graphvizVersion
        // Lay out every diagram a page will need first, each on its own; cached pages need none.
        let keys = models.map { cache.key(format: "html", model: $0, templates: templateDigest, extra: extra) }
        let kept = models.indices.map { cache.keep("\(models[$0].id).html", key: keys[$0]) }
        var needed: [Int] = []
        for (index, model) in models.enumerated() where !model.elements.isEmpty && !kept[index] && !cache.contains(keys[index]) {
            needed.append(index)
        }
        var graphs = needed.map { DataFlowGraph.dot(models[$0]) }
        var layouts = StageTimer.shared.measure("html: graphviz layouts (wall)") { layout.svgs(for: graphs.map(\.dot)) }
        // A detailed layout that ran out of its CPU budget is drawn again as the overview, so that no
        // page goes without a picture.
        for (offset, index) in needed.enumerated() where !graphs[offset].overview {
            guard case .failure(.timedOut) = layouts[offset] else { continue }
            graphs[offset] = (DataFlowGraph.overview(models[index]), true)
            layouts[offset] = layout.svg(for: graphs[offset].dot)
        }
        var laidOut: [Int: (graph: (dot: String, overview: Bool), layout: Result<String, GraphvizLayout.Failure>)] = [:]
        for (offset, index) in needed.enumerated() { laidOut[index] = (graphs[offset], layouts[offset]) }
        let layoutFor = laidOut
        // A page kept from the previous output has no text here (nil); the writer keeps its file.
        let results: [(html: String, problem: Diagnostic?)?] = concurrentMap(models.count) { index in
            guard !kept[index] else { return nil }
            let key = keys[index], path = "\(models[index].id).html"
            if let hit = cache.lookup(key) {
                cache.record(path, key: key)
                return (hit, nil)
            }
            let timer = StageTimer.shared
            let (page, problem) = timer.measure("html: view model") { layoutFor[index].map { self.page(for: models[index], graph: $0.graph, layout: $0.layout) }
                ?? self.page(for: models[index]) }
            let value = timer.measure("html: encode") { TemplateValue.encode(page) }
            let html = timer.measure("html: template") { library.render(value, withTemplate: "model") ?? "" }
            // A page without its diagram is neither cached nor kept, so the next render tries Graphviz again.
            if problem == nil {
                cache.store(key, html)
                cache.record(path, key: key)
            }
            return (html, problem)
        }
        var files: [String: String] = [:]
        for (model, result) in zip(models, results) {
            guard let (html, problem) = result else { continue }
            files["\(model.id).html"] = html
            if let problem { diagnostics.report(problem) }
        }
        let index = ReportContextBuilder.index(models, files: models.map { "\($0.id).html" })
        files["index.html"] = library.render(
            TemplateValue.encode(HTMLIndexPage(generator: index.generator, report: index, overviewSVG: SVGCharts.riskOverview(index.models))),
            withTemplate: "index") ?? ""
        for (name, text) in templates.assets { files[name] = text }
        return files
    }
}
