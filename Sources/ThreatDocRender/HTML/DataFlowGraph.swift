import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// The data-flow diagram as Graphviz DOT: trust boundaries as nested clusters, DFD shapes by element
/// type, labelled flows, and `newrank=true` (without it, clusters with edge labels crash Graphviz 2.42).
///
/// Labels are written with every character but letters, digits and spaces as an entity code
/// (`&#60;`), which Graphviz decodes and escapes again for SVG; so no name can reach the DOT syntax,
/// Graphviz's `\N`-style escapes, or the SVG markup. Node IDs are generated.
public enum DataFlowGraph {
    /// Above this many elements, or this many elements and flows together, or this many boundaries,
    /// the diagram shows boundaries and the flows between them, not every element: a readable overview
    /// instead of an unreadable and slow full layout. dot's cost grows with flows crossing clusters:
    /// 150 elements with 400 flows across 30 nested boundaries took 10 s of CPU, the overview 0.1 s.
    public static let maxDetailedElements = 150
    public static let maxDetailedElementsAndFlows = 300
    public static let maxDetailedBoundaries = 60
    /// An overview with more edges than this draws them without labels and with a simplified layout
    /// (see `overview`).
    public static let maxLabelledOverviewEdges = 60
    /// A part (see `DiagramParts`) with more flows and arrows to other parts than this draws them
    /// without labels, with the quicker options: labelled edges are what costs dot its time (a deeply
    /// nested part with 150 labelled flows took 1.4 s).
    public static let maxLabelledPartEdges = 60
    static let simplifiedLayout = "nslimit=1, mclimit=0.1, splines=line"

    /// How a model's overview is drawn, worked out once: its level, each element's box, and the
    /// arrows between boxes (none at level 2).
    public struct OverviewPlan {
        /// 0, a box per boundary; 1, a box per outermost boundary; 2, boxes without arrows.
        public let level: Int
        let groupOf: [String: String]
        let arrows: [String: Int]

        /// Whether the arrows are drawn without labels and with dot's quicker options.
        public var simplified: Bool { arrows.count > maxLabelledOverviewEdges }
    }
    /// Whether `model` is drawn as the boundary overview: decided by its size alone, so the choice is
    /// the same on every machine and every run.
    public static func drawsOverview(_ model: ResolvedModel) -> Bool {
        model.elements.count > maxDetailedElements || model.elements.count + model.flows.count > maxDetailedElementsAndFlows
            || model.boundaries.count > maxDetailedBoundaries || boundaryDepth(model) >= maxClusterDepth
    }

    /// Clusters nest at most this deep in a detailed diagram; a deeper model is drawn as the overview.
    static let maxClusterDepth = 32

    /// The deepest chain of `parent:` links (cycles are errors and never reach rendering).
    static func boundaryDepth(_ model: ResolvedModel) -> Int {
        let parent = Dictionary(model.boundaries.compactMap { b in b.parent.map { (b.id, $0) } }, uniquingKeysWith: { a, _ in a })
        var depth: [String: Int] = [:]
        func depthOf(_ id: String) -> Int {
            var chain: [String] = []
            var current: String? = id
            while let node = current, depth[node] == nil, chain.count <= model.boundaries.count {
                chain.append(node)
                current = parent[node]
            }
            var level = current.flatMap { depth[$0] } ?? 0
            for node in chain.reversed() {
                level += 1
                depth[node] = level
            }
            return depth[id] ?? level
        }
        return model.boundaries.map { depthOf($0.id) }.max() ?? 0
    }

    /// The coarsest overview needed, by size alone. The overview is the map; the parts have the
    /// detail. 200 boxes with 590 arrows was an unreadable tangle 11,000 points wide (and 1,000
    /// boundaries with 4,000 flows ran dot past 200 s), so past 120 boxes or 300 arrows the overview
    /// is coarser, and at last threatdoc's grid of boxes.
    public static func overviewPlan(_ model: ResolvedModel) -> OverviewPlan {
        for level in 0...1 {
            let groups = grouping(model, level: level)
            let arrows = arrows(model, groups)
            if Set(groups.values).count <= maxOverviewBoxes, arrows.count <= maxOverviewArrows {
                return OverviewPlan(level: level, groupOf: groups, arrows: arrows)
            }
        }
        return OverviewPlan(level: 2, groupOf: grouping(model, level: 1), arrows: [:])
    }

    static let maxOverviewBoxes = 120
    static let maxOverviewArrows = 300
    static let outside = "(outside any boundary)"

    /// Each element's box in the overview at `level`.
    static func grouping(_ model: ResolvedModel, level: Int) -> [String: String] {
        let parent = Dictionary(model.boundaries.compactMap { b in b.parent.map { (b.id, $0) } }, uniquingKeysWith: { a, _ in a })
        var root: [String: String] = [:]
        func rootOf(_ id: String) -> String {
            if let known = root[id] { return known }
            var chain = [id]
            var current = id
            while let next = parent[current], root[next] == nil, chain.count <= model.boundaries.count {
                chain.append(next)
                current = next
            }
            let top = parent[current].flatMap { root[$0] } ?? current
            for node in chain { root[node] = top }
            return top
        }
        var groupOf: [String: String] = [:]
        for element in model.elements {
            guard let boundary = element.boundary else { groupOf[element.id] = outside; continue }
            groupOf[element.id] = level == 0 ? boundary : rootOf(boundary)
        }
        return groupOf
    }

    /// The distinct (from box, to box) pairs that flows connect, with their counts; flows within one
    /// box are counted in its label, not drawn as loops.
    static func arrows(_ model: ResolvedModel, _ groupOf: [String: String]) -> [String: Int] {
        var edges: [String: Int] = [:]
        for flow in model.flows {
            guard let a = groupOf[flow.from], let b = groupOf[flow.to], a != b else { continue }
            edges["\(a)\u{0}\(b)", default: 0] += 1
        }
        return edges
    }

    /// A box's label: its boundary's name, its element count and the flows within it.
    static func boxLabel(_ group: String, plan: OverviewPlan, model: ResolvedModel, names: [String: String],
                         elements: [String: Int], inside: [String: Int]) -> String {
        let title = group == outside ? "Outside any boundary" : (names[group] ?? group)
        let count = elements[group] ?? 0, flows = inside[group] ?? 0
        return "\(title) (\(count) element\(count == 1 ? "" : "s")"
            + (flows == 0 ? ")" : ", \(flows) flow\(flows == 1 ? "" : "s") inside)")
    }

    /// Element counts and flows within each box of `plan`.
    static func boxCounts(_ model: ResolvedModel, _ plan: OverviewPlan) -> (elements: [String: Int], inside: [String: Int]) {
        let elements = Dictionary(grouping: model.elements, by: { plan.groupOf[$0.id]! }).mapValues(\.count)
        var inside: [String: Int] = [:]
        for flow in model.flows {
            guard let a = plan.groupOf[flow.from], a == plan.groupOf[flow.to] else { continue }
            inside[a, default: 0] += 1
        }
        return (elements, inside)
    }

    public static func dot(_ model: ResolvedModel) -> (dot: String, overview: Bool) {
        drawsOverview(model) ? (overview(model), true) : (detailed(model), false)
    }

    static let header = """
        digraph dfd {
          graph [newrank=true, rankdir=TB, fontname="DejaVu Sans", fontsize=11, bgcolor="transparent", pad=0.2, nodesep=0.35, ranksep=0.55, compound=true];
          node [fontname="DejaVu Sans", fontsize=10, style=filled, fillcolor="#ffffff", color="#334155", penwidth=1.2];
          edge [fontname="DejaVu Sans", fontsize=9, color="#475569", fontcolor="#1e293b", arrowsize=0.7];

        """

    /// A flow's label, drawn as a node of its own (`class` marks it in the SVG).
    static let flowLabelStyle = "shape=plaintext, style=\"\", fontsize=9, fontcolor=\"#1e293b\", margin=\"0.04,0.02\", width=0, height=0, class=\"flow-label\""

    static func detailed(_ model: ResolvedModel, quick: Bool = false) -> String {
        clustered(model, graphID: nil, quick: quick, unlabelledPast: maxLabelledDetailedFlows,
                  keepsElement: { _ in true }, keepsBoundary: { _ in true })
    }

    /// A whole diagram with more flows than this draws them without labels (each flow's label is its
    /// tooltip), with the quicker options: 56 elements with 244 labelled flows took dot 9 s.
    public static let maxLabelledDetailedFlows = 100

    /// Elements inside their boundaries (nested frames) and the flows between them; `keepsElement`
    /// and `keepsBoundary` choose a part of the model. `graphID` prefixes Graphviz's generated IDs, so
    /// that several diagrams can share a page. `quick` draws flows without labels, with the quicker
    /// options; `stubs` adds nodes and edges of its own.
    static func clustered(_ model: ResolvedModel, graphID: String?, quick: Bool, unlabelledPast: Int = .max, drawsFlows: Bool = true,
                          keepsElement: (String) -> Bool, keepsBoundary: (String) -> Bool,
                          stubs: (_ nodeID: [String: String]) -> (nodes: [String], edges: [(String, Int)]) = { _ in ([], []) }) -> String {
        let selection = DiagramSelection(model, boundaryPrefix: "cluster_b", keepsElement: keepsElement, keepsBoundary: keepsBoundary)
        let nodeID = selection.nodeID, clusterID = selection.boundaryID, children = selection.children, members = selection.members
        var out = header
        if let graphID { out += "  graph [id=\"\(graphID)\"];\n" }
        func node(_ element: ResolvedModel.Element, indent: String) {
            let shape = switch element.kind {
            case .external: "box"
            case .process: "ellipse"
            case .datastore: "cylinder"
            }
            out += "\(indent)\(nodeID[element.id]!) [label=\(label(DiagramText.name(element))), shape=\(shape), href=\"#element-\(element.id.lowercased())\", tooltip=\(label("\(element.kind.title): \(element.name)")), id=\"dfd-element-\(element.id.lowercased())\"];\n"
        }
        /// Every element inside `boundary`'s subtree, for a frame drawn at the nesting limit.
        func everything(in boundary: ResolvedModel.Boundary) -> [ResolvedModel.Element] {
            var found: [ResolvedModel.Element] = [], stack = [boundary]
            while let next = stack.popLast() {
                found += members[next.id] ?? []
                stack += children[next.id] ?? []
            }
            return found
        }
        // The frames each element is drawn in, outermost first (the nesting limit as `cluster` applies it).
        var frames: [String: [String]] = [:]
        func assignFrames(_ boundary: ResolvedModel.Boundary, depth: Int, enclosing: [String]) {
            let path = enclosing + [boundary.id]
            if depth + 1 >= maxClusterDepth {
                for element in everything(in: boundary) { frames[element.id] = path }
            } else {
                for child in children[boundary.id] ?? [] { assignFrames(child, depth: depth + 1, enclosing: path) }
                for element in members[boundary.id] ?? [] { frames[element.id] = path }
            }
        }
        for boundary in selection.outermost { assignFrames(boundary, depth: 0, enclosing: []) }

        let extra: (nodes: [String], edges: [(String, Int)]) = drawsFlows ? stubs(nodeID) : ([], [])
        let flows = drawsFlows ? model.flows.filter { nodeID[$0.from] != nil && nodeID[$0.to] != nil } : []
        let unlabelled = quick || flows.count + extra.edges.count > unlabelledPast
        // A labelled arrow is drawn as two edges through a node that holds its label, placed in the
        // innermost frame that holds both ends. dot keeps frames clear of nodes that are not theirs,
        // but not of edge labels: drawn as edge labels, they sat on frame borders and titles.
        var labelNodes: [String?: [String]] = [:]
        var arrows: [String] = []
        for (index, flow) in flows.enumerated() {
            let from = nodeID[flow.from]!, to = nodeID[flow.to]!
            let link = "href=\"#flow-\(flow.id.lowercased())\""
            guard !unlabelled else {
                arrows.append("\(from) -> \(to) [\(link), tooltip=\(label(flow.label ?? flow.id))];")
                continue
            }
            let holder = "f\(index + 1)"
            let a = frames[flow.from] ?? [], b = frames[flow.to] ?? []
            let shared = zip(a, b).prefix { $0 == $1 }.last?.0
            labelNodes[shared, default: []].append(
                "\(holder) [label=\(label(lines: DiagramText.flowLines(flow))), \(flowLabelStyle), \(link), tooltip=\(label("flow \(flow.id)")), id=\"dfd-flow-\(flow.id.lowercased())\"];")
            arrows.append("\(from) -> \(holder) [dir=none, \(link), tooltip=\(label("flow \(flow.id)"))];")
            arrows.append("\(holder) -> \(to) [\(link), tooltip=\(label("flow \(flow.id)"))];")
        }
        for (index, (edge, count)) in extra.edges.enumerated() {
            let text = label("\(count) flow\(count == 1 ? "" : "s")")
            let ends = edge.components(separatedBy: " -> ")
            guard !unlabelled, ends.count == 2 else {
                arrows.append("\(edge) [tooltip=\(text), style=dashed];")
                continue
            }
            let holder = "g\(index + 1)"
            labelNodes[nil, default: []].append("\(holder) [label=\(text), \(flowLabelStyle), tooltip=\(text)];")
            arrows.append("\(ends[0]) -> \(holder) [dir=none, style=dashed, tooltip=\(text)];")
            arrows.append("\(holder) -> \(ends[1]) [style=dashed, tooltip=\(text)];")
        }

        func cluster(_ boundary: ResolvedModel.Boundary, indent: String, depth: Int) {
            let name = clusterID[boundary.id]!
            out += "\(indent)subgraph \(name) {\n"
            // Graphviz gives an unnamed cluster the graph's own ID, so a named graph names its clusters.
            let id = graphID.map { " id=\"\($0)_\(name.dropFirst("cluster_".count))\";" } ?? ""
            out += "\(indent)  label=\(label(boundary.name)); style=\"dashed,rounded\"; margin=16; color=\"#b91c1c\"; fontcolor=\"#b91c1c\"; href=\"#boundary-\(boundary.id.lowercased())\";\(id)\n"
            // Frames nest at most `maxClusterDepth` deep; the deepest holds everything below it, so no
            // element is ever left out.
            if depth + 1 >= maxClusterDepth {
                for element in everything(in: boundary) { node(element, indent: indent + "  ") }
            } else {
                for child in children[boundary.id] ?? [] { cluster(child, indent: indent + "  ", depth: depth + 1) }
                for element in members[boundary.id] ?? [] { node(element, indent: indent + "  ") }
            }
            for line in labelNodes[boundary.id] ?? [] { out += "\(indent)  \(line)\n" }
            out += "\(indent)}\n"
        }
        for boundary in selection.outermost { cluster(boundary, indent: "  ", depth: 0) }
        for element in selection.outside { node(element, indent: "  ") }
        for line in extra.nodes { out += "  \(line)\n" }
        for line in labelNodes[nil] ?? [] { out += "  \(line)\n" }
        if unlabelled { out += "  graph [\(simplifiedLayout)];\n" }
        for line in arrows { out += "  \(line)\n" }
        return out + "}\n"
    }

    /// Part `index` of a large model (see `DiagramParts`): its elements inside their boundaries, the
    /// flows between them, and for flows to other parts one dashed arrow per element and part, to a
    /// box that names that part and links to it.
    /// How a part draws its flows, by their number alone: labelled; unlabelled with the quicker
    /// options past `maxLabelledPartEdges`; not at all past `maxDrawnPartEdges` (a boundary of 44
    /// elements with a flow between every pair took dot 1.5 s unlabelled; 400 edges take 0.03 s).
    public enum PartStyle: Int, Comparable, Sendable {
        case labelled, unlabelled, withoutFlows

        public static func < (a: PartStyle, b: PartStyle) -> Bool { a.rawValue < b.rawValue }
        /// The quicker style, for a layout past its share; nil when there is none.
        var quicker: PartStyle? { PartStyle(rawValue: rawValue + 1) }
    }

    public static let maxDrawnPartEdges = 400

    /// The part's flows and its arrows to other parts: the edges its diagram would draw.
    static func partEdges(_ model: ResolvedModel, _ plan: DiagramParts, index: Int) -> Int {
        let (crossings, inside) = plan.crossings(of: index, in: model)
        return inside + crossings.count
    }

    static func partStyle(_ model: ResolvedModel, _ plan: DiagramParts, index: Int) -> PartStyle {
        partStyle(edges: partEdges(model, plan, index: index))
    }

    static func partStyle(edges: Int) -> PartStyle {
        edges > maxDrawnPartEdges ? .withoutFlows : edges > maxLabelledPartEdges ? .unlabelled : .labelled
    }

    public static func part(_ model: ResolvedModel, _ plan: DiagramParts, index: Int, style: PartStyle? = nil) -> String {
        let style = style ?? partStyle(model, plan, index: index)
        let part = plan.parts[index]
        let elements = Set(part.elements)
        let names = Dictionary(model.boundaries.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return clustered(model, graphID: "dfd_part\(part.number)", quick: style != .labelled, drawsFlows: style != .withoutFlows,
                         keepsElement: { elements.contains($0) }, keepsBoundary: { part.boundaries.contains($0) }) { nodeID in
            let crossings = plan.crossings(of: index, in: model).crossings
            let targets = Set(crossings.map { $0.part ?? 0 })
            var nodes: [String] = []
            for other in plan.parts where targets.contains(other.number) {
                let title = "Part \(other.number): \(DiagramParts.title(of: other, names: names))"
                nodes.append("s\(other.number) [label=\(label(title)), shape=note, style=\"filled,dashed\", fillcolor=\"#f1f5f9\", href=\"#diagram-part-\(other.number)\", tooltip=\(label("Go to \(title)"))];")
            }
            if targets.contains(0) {
                nodes.append("s0 [label=\(label("Parts not drawn")), shape=note, style=\"filled,dashed\", fillcolor=\"#f1f5f9\"];")
            }
            let edges = crossings.map { crossing -> (String, Int) in
                let node = nodeID[crossing.element]!, note = "s\(crossing.part ?? 0)"
                return (crossing.outgoing ? "\(node) -> \(note)" : "\(note) -> \(node)", crossing.count)
            }
            return (nodes, edges)
        }
    }

    /// Boundaries as boxes, with their element counts, and the flows between them aggregated. Each
    /// box links to the part that draws its elements when there are `parts`. (An overview without
    /// arrows is drawn by `OverviewGrid` instead.)
    static func overview(_ model: ResolvedModel, parts: DiagramParts? = nil) -> String {
        let plan = overviewPlan(model)
        let groupOf = plan.groupOf
        let groups = Array(Set(groupOf.values)).sorted()
        let names = Dictionary(model.boundaries.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var nodeID: [String: String] = [:]
        for (index, group) in groups.enumerated() { nodeID[group] = "g\(index + 1)" }
        let (counts, inside) = boxCounts(model, plan)
        let partOf = parts?.partNumbers(of: groupOf, in: model) ?? [:]
        var out = header + "  graph [id=\"dfd_overview\"];\n"
        for group in groups {
            let text = boxLabel(group, plan: plan, model: model, names: names, elements: counts, inside: inside)
            let link = partOf[group].map { ", href=\"#diagram-part-\($0)\", tooltip=\(label("\(text): drawn in part \($0)"))" }
                ?? (group == outside ? "" : ", href=\"#boundary-\(group.lowercased())\"")
            let style = group == outside ? "filled,rounded" : "filled,dashed,rounded"
            out += "  \(nodeID[group]!) [label=\(label(text)), shape=box, style=\"\(style)\"\(link)];\n"
        }
        var edges: [String: Int] = [:]
        for (pair, count) in plan.arrows {
            let ends = pair.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            edges["\(nodeID[ends[0]]!) -> \(nodeID[ends[1]]!)"] = count
        }
        // Edge labels become nodes in dot's layout: past a few dozen edges they cost most of the time
        // (323 labelled edges took 5 s, unlabelled 0.3 s), so a busy overview gives counts as tooltips
        // and line widths instead.
        let labelled = !plan.simplified
        if !labelled {
            // Straight edges and a short search for ranks and crossings: 200 boundaries with 592 edges
            // took 49 s with dot's defaults and 0.5 s so. The same graph always gets the same options.
            out += "  graph [\(simplifiedLayout)];\n"
        }
        for (edge, count) in edges.sorted(by: { $0.key < $1.key }) {
            let text = label("\(count) flow\(count == 1 ? "" : "s")")
            if labelled {
                out += "  \(edge) [label=\(text)];\n"
            } else {
                let width = min(4.0, 1.0 + Double(count).squareRoot() / 2)
                out += "  \(edge) [tooltip=\(text), penwidth=\(String(format: "%.1f", width))];\n"
            }
        }
        return out + "}\n"
    }

    /// What the overview of a large model leaves out, in words for the page and the document.
    static func overviewNote(_ model: ResolvedModel, fallback reason: String? = nil) -> String {
        let plan = DataFlowGraph.overviewPlan(model)
        let simplified = plan.simplified
        if let reason {
            return " Its layout with the flows between boundaries \(reason), so the boxes are drawn without them."
        }
        return switch plan.level {
        case 0: simplified
            ? " There are many such flows, so they are drawn as straight lines without counts (hover a line for its count), with a quicker layout." : ""
        case 1: " There are too many boundaries to draw each, so each box is an outermost boundary with everything inside it"
            + (simplified ? "; flows are straight lines without counts (hover a line for its count)." : ".")
        default: " There are too many boundaries and flows to draw the flows, so the boxes show the outermost boundaries and how many elements each holds."
        }
    }

    /// A DOT string literal of centred lines, each escaped as `label` escapes it.
    static func label(lines: [String]) -> String {
        "\"" + lines.map { label($0).dropFirst().dropLast() }.joined(separator: "\\n") + "\""
    }

    /// A DOT string literal in which only letters, digits and spaces are literal.
    static func label(_ text: String) -> String {
        var out = "\""
        for scalar in DiagramText.label(text).unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", " ":
                out.unicodeScalars.append(scalar)
            case "\n", "\r", "\t":
                out += " "
            case "\\":
                // Graphviz reads \l, \n, \N… in a label even after the entity is decoded; a doubled one
                // is a literal backslash.
                out += "&#92;&#92;"
            default:
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) { out += "&#65533;" } else { out += "&#\(v);" }
            }
        }
        return out + "\""
    }
}
