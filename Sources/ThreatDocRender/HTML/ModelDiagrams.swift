import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// Every diagram on one model's page, laid out within the model's budget of CPU time.
///
/// A model small enough is drawn whole. A larger one (by size alone, see `DataFlowGraph`) is drawn as
/// the boundary overview plus a detailed diagram per part (`DiagramParts`), each laid out by its own
/// `dot`. The overview gets half the budget and the parts share the other half (each at least 1 s, as
/// the kernel counts CPU limits in seconds). A layout that runs past its share is drawn again the
/// quicker way, and the page says so: a whole diagram becomes the overview and its parts; an overview
/// loses its arrows; a part loses its flow labels and gets dot's quicker options.
struct ModelDiagrams: Sendable {
    struct Drawing: Sendable {
        var job: GraphvizLayout.Job
        var quick: Bool
        /// How a part draws its flows (nil for the whole and the overview).
        var style: DataFlowGraph.PartStyle?
        var result: Result<String, GraphvizLayout.Failure>?
        /// Why it is drawn the quicker way, when it is.
        var fellBack: Fallback?
        /// A part's flows and arrows to other parts, which chose its style (0 for the whole and the
        /// overview).
        var edges = 0
    }

    var overview: Bool
    /// Why the overview and parts replaced the whole diagram, when they did.
    var wholeFellBack: Fallback?

    /// Why a layout was drawn again the quicker way.
    enum Fallback: Sendable, Equatable {
        /// It ran past its share of CPU seconds.
        case overBudget(Int)
        /// Graphviz could not lay it out.
        case failed(String)

        /// "needed more than 5 s of CPU time (its share of the diagram budget)"
        var reason: String {
            switch self {
            case .overBudget(let seconds): "needed more than \(seconds) s of CPU time (its share of the diagram budget)"
            case .failed(let message): "could not be laid out by Graphviz (\(message))"
            }
        }

        var code: DiagnosticCode {
            switch self {
            case .overBudget: .diagramOverBudget
            case .failed: .diagramFailed
            }
        }

        init?(_ result: Result<String, GraphvizLayout.Failure>?) {
            switch result {
            case .failure(.timedOut(let seconds))?: self = .overBudget(seconds)
            case .failure(let failure)?: self = .failed(failure.description)
            default: return nil
            }
        }
    }
    var main: Drawing
    var parts: DiagramParts?
    var partDrawings: [Drawing]

    static func partAnchor(_ number: Int) -> String { "diagram-part-\(number)" }

    /// The overview as threatdoc's own grid of boxes, already drawn: nothing for Graphviz to do.
    static func grid(_ model: ResolvedModel, parts: DiagramParts?, after fallback: Fallback?) -> Drawing {
        Drawing(job: .init(dot: "", cpuSeconds: 0), quick: true, result: .success(OverviewGrid.svg(model, parts: parts)),
                fellBack: fallback)
    }

    init(_ model: ResolvedModel, budget: Int, overview: Bool? = nil) {
        let overview = overview ?? DataFlowGraph.drawsOverview(model)
        self.overview = overview
        guard overview else {
            main = Drawing(job: .init(dot: DataFlowGraph.detailed(model), cpuSeconds: budget), quick: false)
            partDrawings = []
            return
        }
        let parts = DiagramParts.plan(model)
        // The overview, the map of the whole, gets half the budget; the parts share the other half.
        // A 200-box overview takes dot about 1 s, a 60-element part well under that.
        let share = max(1, budget / 2 / max(1, parts.parts.count))
        self.parts = parts
        if DataFlowGraph.overviewPlan(model).level == 2 {
            main = Self.grid(model, parts: parts, after: nil)
        } else {
            main = Drawing(job: .init(dot: DataFlowGraph.overview(model, parts: parts), cpuSeconds: max(1, budget - budget / 2)), quick: false)
        }
        partDrawings = parts.parts.indices.map { index in
            let edges = DataFlowGraph.partEdges(model, parts, index: index)
            let style = DataFlowGraph.partStyle(edges: edges)
            return Drawing(job: .init(dot: DataFlowGraph.part(model, parts, index: index, style: style), cpuSeconds: share,
                                      titleID: Self.partAnchor(parts.parts[index].number) + "-title"), quick: false, style: style, edges: edges)
        }
    }

    /// Every diagram given the same layout result, without Graphviz: for template checks and tests.
    init(_ model: ResolvedModel, every result: Result<String, GraphvizLayout.Failure>) {
        self.init(model, budget: GraphvizLayout.defaultCPUSeconds)
        main.result = result
        for index in partDrawings.indices { partDrawings[index].result = result }
    }

    /// Lays out every model's diagrams together (as many `dot`s at a time as there are cores), then
    /// draws again the quicker way what ran past its share, at most twice.
    static func layOut(_ sets: inout [ModelDiagrams], models: [ResolvedModel], budget: Int, with layout: GraphvizLayout) {
        for _ in 0..<3 {
            for index in sets.indices { sets[index].fallBack(models[index], budget: budget) }
            var pending: [(set: Int, part: Int?)] = []
            for (index, set) in sets.enumerated() {
                if set.main.result == nil { pending.append((index, nil)) }
                for (part, drawing) in set.partDrawings.enumerated() where drawing.result == nil { pending.append((index, part)) }
            }
            if pending.isEmpty { return }
            let jobs = pending.map { slot in slot.part.map { sets[slot.set].partDrawings[$0].job } ?? sets[slot.set].main.job }
            let results = layout.svgs(for: jobs)
            for (slot, result) in zip(pending, results) {
                if let part = slot.part { sets[slot.set].partDrawings[part].result = result } else { sets[slot.set].main.result = result }
            }
        }
    }

    /// Any failure of a layout, not only a timeout, gets the quicker drawing: the whole diagram becomes
    /// the overview and its parts, the overview becomes the grid (which needs no Graphviz at all),
    /// a part gets its next quicker style.
    private mutating func fallBack(_ model: ResolvedModel, budget: Int) {
        if !overview, let fallback = Fallback(main.result) {
            self = ModelDiagrams(model, budget: budget, overview: true)
            wholeFellBack = fallback
            return
        }
        if !main.quick, let fallback = Fallback(main.result) {
            main = Self.grid(model, parts: parts, after: fallback)
        }
        guard let parts else { return }
        for index in partDrawings.indices where !partDrawings[index].quick {
            guard let fallback = Fallback(partDrawings[index].result), let quicker = partDrawings[index].style?.quicker else { continue }
            var job = partDrawings[index].job
            job.dot = DataFlowGraph.part(model, parts, index: index, style: quicker)
            partDrawings[index] = Drawing(job: job, quick: true, style: quicker, fellBack: fallback, edges: partDrawings[index].edges)
        }
    }
}
