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

    /// The coarsest overview needed, by size alone: a box per boundary past 200 boxes or 600 arrows
    /// took dot minutes even with the quicker options (1,000 boundaries and 4,000 flows ran past 200 s).
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

    static let maxOverviewBoxes = 200
    static let maxOverviewArrows = 600
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

    /// The distinct (from box, to box) pairs that flows connect, with their counts.
    static func arrows(_ model: ResolvedModel, _ groupOf: [String: String]) -> [String: Int] {
        var edges: [String: Int] = [:]
        for flow in model.flows {
            guard let a = groupOf[flow.from], let b = groupOf[flow.to] else { continue }
            edges["\(a)\u{0}\(b)", default: 0] += 1
        }
        return edges
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

    static func detailed(_ model: ResolvedModel) -> String {
        var nodeID: [String: String] = [:]
        for (index, element) in model.elements.enumerated() { nodeID[element.id] = "n\(index + 1)" }
        var clusterID: [String: String] = [:]
        for (index, boundary) in model.boundaries.enumerated() { clusterID[boundary.id] = "cluster_b\(index + 1)" }
        let children = Dictionary(grouping: model.boundaries.filter { $0.parent != nil }, by: { $0.parent! })
        let members = Dictionary(grouping: model.elements.filter { $0.boundary != nil }, by: { $0.boundary! })
        var out = header
        func node(_ element: ResolvedModel.Element, indent: String) {
            let shape = switch element.kind {
            case .external: "box"
            case .process: "ellipse"
            case .datastore: "cylinder"
            }
            out += "\(indent)\(nodeID[element.id]!) [label=\(label(element.name)), shape=\(shape), href=\"#element-\(element.id.lowercased())\", tooltip=\(label("\(element.kind.title): \(element.name)")), id=\"dfd-element-\(element.id.lowercased())\"];\n"
        }
        func cluster(_ boundary: ResolvedModel.Boundary, indent: String, depth: Int) {
            guard depth < 32 else { return }
            out += "\(indent)subgraph \(clusterID[boundary.id]!) {\n"
            out += "\(indent)  label=\(label(boundary.name)); style=\"dashed,rounded\"; color=\"#b91c1c\"; fontcolor=\"#b91c1c\"; href=\"#boundary-\(boundary.id.lowercased())\";\n"
            for child in children[boundary.id] ?? [] { cluster(child, indent: indent + "  ", depth: depth + 1) }
            for element in members[boundary.id] ?? [] { node(element, indent: indent + "  ") }
            out += "\(indent)}\n"
        }
        for boundary in model.boundaries where boundary.parent == nil || clusterID[boundary.parent!] == nil {
            cluster(boundary, indent: "  ", depth: 0)
        }
        for element in model.elements where element.boundary == nil || clusterID[element.boundary!] == nil {
            node(element, indent: "  ")
        }
        for flow in model.flows {
            guard let from = nodeID[flow.from], let to = nodeID[flow.to] else { continue }
            out += "  \(from) -> \(to) [label=\(label(flow.label ?? flow.id)), href=\"#flow-\(flow.id.lowercased())\", tooltip=\(label("flow \(flow.id)"))];\n"
        }
        return out + "}\n"
    }

    /// Boundaries as nodes, with their element counts, and the flows between them aggregated.
    static func overview(_ model: ResolvedModel) -> String {
        let plan = overviewPlan(model)
        let groupOf = plan.groupOf
        let groups = Array(Set(groupOf.values)).sorted()
        let names = Dictionary(uniqueKeysWithValues: model.boundaries.map { ($0.id, $0.name) })
        var nodeID: [String: String] = [:]
        for (index, group) in groups.enumerated() { nodeID[group] = "g\(index + 1)" }
        let counts = Dictionary(grouping: model.elements, by: { groupOf[$0.id]! }).mapValues(\.count)
        var out = header
        for group in groups {
            let title = group == outside ? "Outside any boundary" : (names[group] ?? group)
            let href = group == outside ? "" : ", href=\"#boundary-\(group.lowercased())\""
            out += "  \(nodeID[group]!) [label=\(label("\(title) (\(counts[group] ?? 0) elements)")), shape=box, style=\"filled,dashed,rounded\"\(href)];\n"
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

    /// A DOT string literal in which only letters, digits and spaces are literal.
    static func label(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", " ":
                out.unicodeScalars.append(scalar)
            case "\n", "\r", "\t":
                out += " "
            default:
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) { out += "&#65533;" } else { out += "&#\(v);" }
            }
        }
        return out + "\""
    }
}
