import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
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
    public var riskMatrixSVG: String
    public var evidenceSVG: String
    /// A large model's parts, each a detailed diagram of some of its boundaries, beside the overview.
    public var diagramParts: [HTMLDiagramPart] = []
}

/// One part of a large model's diagram (see `DiagramParts`).
public struct HTMLDiagramPart: Encodable, Sendable {
    public var number: Int
    /// The figure's ID, which other parts' notes link to.
    public var anchor: String
    /// The ID of the text that titles the SVG.
    public var titleID: String
    /// "Part 2 of 9: Payments, Ledger and 12 more boundaries"
    public var title: String
    /// The part laid out by Graphviz, inline SVG; nil when it could not be drawn.
    public var partSVG: String?
    public var failure: String?
    public var note: String?
}

public struct HTMLIndexPage: Encodable, Sendable {
    public var generator: String
    public var report: IndexReport
    /// The risk overview: a list of models, each with a bar of its threats by risk.
    public var overviewHTML: String
}

/// The HTML renderer: a static, self-contained site (`index.html`, a page per model, a stylesheet).
public struct HTMLRenderer: Sendable {
    public var templates: TemplateSet
    public var layout: GraphvizLayout
    public var outputDirectory: String
    public var cache: any PageStore
    /// CPU seconds all of one model's diagram layouts share (see `ModelDiagrams`).
    public var diagramBudget = GraphvizLayout.defaultCPUSeconds

    public init(templates: TemplateSet, layout: GraphvizLayout, outputDirectory: String,
                cache: any PageStore = NoPageStore()) {
        self.templates = templates
        self.layout = layout
        self.outputDirectory = outputDirectory
        self.cache = cache
    }

    /// The shapes the HTML templates are checked against.
    static let shapes: (model: TemplateChecker.Shape, index: TemplateChecker.Shape) = {
        guard let model = Exemplar.resolved() else { return (.scalar, .scalar) }
        let report = ReportContextBuilder.build(model, file: "every-feature.html", sourceLink: nil, renderings: .all)
        let page = HTMLModelPage(generator: "", report: report, diagramSVG: "", diagramFailure: "", diagramNote: "",
                                 riskMatrixSVG: "", evidenceSVG: "",
                                 diagramParts: [HTMLDiagramPart(number: 1, anchor: "", titleID: "", title: "", partSVG: "", failure: "", note: "")])
        let index = HTMLIndexPage(generator: "", report: ReportContextBuilder.index([model], files: ["x.html"]), overviewHTML: "")
        return (TemplateChecker.Shape.of(page), TemplateChecker.Shape.of(index))
    }()

    func check(into diagnostics: inout DiagnosticBag) -> TemplateRenderer? {
        templates.checkedRenderer(contentType: "HTML", model: Self.shapes.model, index: Self.shapes.index, into: &diagnostics)
    }

    /// The page for one model (diagrams included), and any diagnostics about its diagrams.
    public func page(for model: ResolvedModel) -> (page: HTMLModelPage, problems: [Diagnostic]) {
        guard !model.elements.isEmpty else { return page(for: model, diagrams: nil) }
        var sets = [ModelDiagrams(model, budget: diagramBudget)]
        ModelDiagrams.layOut(&sets, models: [model], budget: diagramBudget, with: layout)
        return page(for: model, diagrams: sets[0])
    }

    /// What a part's style leaves out, and why, for its caption; nil when it draws everything.
    static func partNote(_ drawing: ModelDiagrams.Drawing) -> String? {
        let how = switch drawing.style {
        case .unlabelled?: "its flows are drawn as straight lines without labels (hover a line for its flow), with a quicker layout"
        case .withoutFlows?: "its flows are not drawn; the tables list them"
        default: ""
        }
        if let fallback = drawing.fellBack {
            return "Its fuller layout \(fallback.reason), so \(how)."
        }
        guard !how.isEmpty else { return nil }
        return "With \(drawing.edges) flows and arrows to other parts, \(how)."
    }

    func page(for model: ResolvedModel, diagrams: ModelDiagrams?) -> (page: HTMLModelPage, problems: [Diagnostic]) {
        let report = ReportContextBuilder.build(model, file: "\(model.id).html",
                                                sourceLink: ReportContextBuilder.relativeLink(from: outputDirectory + "/html", to: model.sourcePath),
                                                renderings: .html)
        var svg: String?, failure: String?, note: String?
        var problems: [Diagnostic] = []
        var parts: [HTMLDiagramPart] = []
        let location = SourceLocation(file: model.sourcePath, line: 1, column: 1)
        if model.elements.isEmpty {
            failure = "the model has no elements"
        } else if let diagrams {
            switch diagrams.main.result {
            case .success(let text): svg = text
            case .failure(let error):
                failure = error.description
                problems.append(Diagnostic(.diagramFailed, "the data-flow diagram of '\(model.id)' could not be drawn: \(error.description)", at: location))
            case nil: break
            }
            if let fallback = diagrams.wholeFellBack {
                problems.append(Diagnostic(fallback.code, "the data-flow diagram of '\(model.id)' \(fallback.reason); it is drawn as the boundary overview and its parts", at: location))
            }
            if let fallback = diagrams.main.fellBack {
                problems.append(Diagnostic(fallback.code, "the overview of '\(model.id)' \(fallback.reason); its boxes are drawn as a grid without arrows", at: location))
            }
            if diagrams.overview {
                let why = diagrams.wholeFellBack.map { "The whole diagram \($0.reason), so it" }
                    ?? "With \(model.elements.count) elements and \(model.flows.count) flows, the diagram"
                let drawsArrows = !diagrams.main.quick && !DataFlowGraph.overviewPlan(model).arrows.isEmpty
                let arrows = drawsArrows ? " and the flows between them" : ""
                note = why + " shows the trust boundaries\(arrows); the tables list every element and flow."
                    + DataFlowGraph.overviewNote(model, fallback: diagrams.main.fellBack?.reason)
            }
            if let plan = diagrams.parts, !plan.parts.isEmpty {
                let names = Dictionary(model.boundaries.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
                let total = plan.parts.count + plan.leftOut
                note = (note ?? "") + (plan.leftOut == 0
                    ? " Parts 1 to \(total) below draw every element inside its boundaries, with the flows between them."
                    : " Parts 1 to \(plan.parts.count) below draw the elements of the first boundaries; the other \(plan.leftOut) parts are not drawn.")
                for (part, drawing) in zip(plan.parts, diagrams.partDrawings) {
                    var view = HTMLDiagramPart(number: part.number, anchor: ModelDiagrams.partAnchor(part.number), titleID: drawing.job.titleID,
                                               title: "Part \(part.number) of \(total): \(DiagramParts.title(of: part, names: names))",
                                               partSVG: nil, failure: nil,
                                               note: Self.partNote(drawing))
                    if let fallback = drawing.fellBack {
                        problems.append(Diagnostic(fallback.code, "part \(part.number) of the data-flow diagram of '\(model.id)' \(fallback.reason); it is drawn the quicker way", at: location))
                    }
                    switch drawing.result {
                    case .success(let text): view.partSVG = text
                    case .failure(let error):
                        view.failure = error.description
                        problems.append(Diagnostic(.diagramFailed, "part \(part.number) of the data-flow diagram of '\(model.id)' could not be drawn: \(error.description)", at: location))
                    case nil: break
                    }
                    parts.append(view)
                }
            }
        }
        let threats = report.threatGroups.flatMap(\.threats)
        return (HTMLModelPage(
            generator: report.generator, report: report, diagramSVG: svg, diagramFailure: failure,
            diagramNote: note,
            riskMatrixSVG: SVGCharts.riskMatrix(threats),
            evidenceSVG: SVGCharts.statusEvidence(report.mitigations), diagramParts: parts), problems)
    }

    /// The files of the site, by path relative to the site folder. Models are laid out and rendered
    /// in parallel (Graphviz runs as separate processes).
    public func render(_ models: [ResolvedModel], into diagnostics: inout DiagnosticBag) -> [String: String]? {
        guard let library = check(into: &diagnostics) else { return nil }
        let cache = self.cache, templates = self.templates, outputDirectory = self.outputDirectory
        let templateDigest = templates.digest
        let extra = outputDirectory + "|" + GraphvizLayout.graphvizVersion + "|budget \(diagramBudget)"
        // Lay out every diagram a page will need first, each on its own; cached pages need none.
        let keys = models.map { cache.key(format: "html", model: $0, templates: templateDigest, extra: extra) }
        let kept = models.indices.map { cache.keep("\(models[$0].id).html", key: keys[$0]) }
        // Cached pages are read (and their digests checked) before layout, so a damaged one is laid out.
        let cached: [String?] = concurrentMap(models.count) { kept[$0] ? nil : cache.lookup(keys[$0]) }
        var needed: [Int] = []
        for (index, model) in models.enumerated() where !model.elements.isEmpty && !kept[index] && cached[index] == nil {
            needed.append(index)
        }
        let budget = diagramBudget
        var sets = needed.map { ModelDiagrams(models[$0], budget: budget) }
        StageTimer.shared.measure("html: graphviz layouts (wall)") {
            ModelDiagrams.layOut(&sets, models: needed.map { models[$0] }, budget: budget, with: layout)
        }
        var laidOut: [Int: ModelDiagrams] = [:]
        for (offset, index) in needed.enumerated() { laidOut[index] = sets[offset] }
        let layoutFor = laidOut
        // A page kept from the previous output has no text here (nil); the writer keeps its file.
        let results: [(html: String, problems: [Diagnostic])?] = concurrentMap(models.count) { index in
            guard !kept[index] else { return nil }
            let key = keys[index], path = "\(models[index].id).html"
            if let hit = cached[index] {
                cache.record(path, key: key)
                return (hit, [])
            }
            let timer = StageTimer.shared
            let (page, problems) = timer.measure("html: view model") { layoutFor[index].map { self.page(for: models[index], diagrams: $0) }
                ?? self.page(for: models[index]) }
            let value = timer.measure("html: encode") { TemplateValue.encode(page) }
            let html = timer.measure("html: template") { library.render(value, withTemplate: "model") ?? "" }
            // A page without its diagram is neither cached nor kept, so the next render tries Graphviz again.
            if problems.isEmpty {
                cache.store(key, html)
                cache.record(path, key: key)
            }
            return (html, problems)
        }
        var files: [String: String] = [:]
        for (model, result) in zip(models, results) {
            guard let (html, problems) = result else { continue }
            files["\(model.id).html"] = html
            for problem in problems { diagnostics.report(problem) }
        }
        let index = ReportContextBuilder.index(models, files: models.map { "\($0.id).html" })
        files["index.html"] = library.render(
            TemplateValue.encode(HTMLIndexPage(generator: index.generator, report: index, overviewHTML: SVGCharts.riskOverview(index.models))),
            withTemplate: "index") ?? ""
        for (name, text) in templates.assets { files[name] = text }
        return files
    }
}
