import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// The data-flow diagram as a Mermaid `flowchart`, which GitHub renders in Markdown.
///
/// Node IDs are generated (`n1`, `b1`, …) so no model ID can collide with Mermaid syntax, and every
/// label is written as a quoted string whose punctuation is entity-encoded (`#35;`), so quotes,
/// brackets, `|`, `#`, `<`, backticks and emoji cannot break the diagram or the Markdown fence.
public enum MermaidDiagram {
    static let maxDepth = 32

    public static func flowchart(_ model: ResolvedModel) -> String {
        fitted(from: .labelled) { style in flowchart(model, style: style, keepsElement: { _ in true }, keepsBoundary: { _ in true }) }
    }

    /// GitHub draws a Mermaid block of at most 50,000 characters; past it the reader sees an error.
    static let maxBlockCharacters = 50_000

    /// The first of `style` and its quicker styles whose diagram fits GitHub's limit (a name can be
    /// written out at 8 characters a letter); when none does, a note that says so.
    static func fitted(from style: DataFlowGraph.PartStyle, _ make: (DataFlowGraph.PartStyle) -> String) -> String {
        var current: DataFlowGraph.PartStyle? = style
        while let style = current {
            let text = make(style)
            if text.utf8.count <= maxBlockCharacters { return text }
            current = style.quicker
        }
        return "flowchart TB\n  note[\(label("The names here are too long for GitHub's Mermaid to draw; the HTML site draws this diagram, and the tables list everything"))]"
    }

    /// Elements inside their boundaries and the flows between them; `keepsElement` and
    /// `keepsBoundary` choose a part of the model, and `stubs` adds lines of its own.
    static func flowchart(_ model: ResolvedModel, style: DataFlowGraph.PartStyle = .labelled,
                          keepsElement: (String) -> Bool, keepsBoundary: (String) -> Bool,
                          stubs: (_ nodeID: [String: String]) -> [String] = { _ in [] }) -> String {
        let selection = DiagramSelection(model, boundaryPrefix: "b", keepsElement: keepsElement, keepsBoundary: keepsBoundary)
        let nodeID = selection.nodeID, boundaryID = selection.boundaryID, children = selection.children, members = selection.members

        var lines = ["flowchart TB"]
        func node(_ element: ResolvedModel.Element, indent: String) {
            let label = label(DiagramText.name(element))
            let shape = switch element.kind {
            case .external: "[\(label)]"
            case .process: "((\(label)))"
            case .datastore: "[(\(label))]"
            }
            lines.append("\(indent)\(nodeID[element.id]!)\(shape)")
        }
        // Subgraphs nest at most `maxDepth` deep: a chain of 26,000 `parent:` links would otherwise
        // recurse that deep and indent every line by its depth (quadratic output). Deeper boundaries
        // are drawn as subgraphs of their own, after the tree.
        var deeper: [ResolvedModel.Boundary] = []
        var emitted = Set<String>()
        func subgraph(_ boundary: ResolvedModel.Boundary, depth: Int) {
            guard emitted.insert(boundary.id).inserted else { return }
            let indent = String(repeating: "  ", count: depth + 1)
            lines.append("\(indent)subgraph \(boundaryID[boundary.id]!)[\(label(boundary.name))]")
            for child in children[boundary.id] ?? [] {
                if depth + 1 < Self.maxDepth { subgraph(child, depth: depth + 1) } else { deeper.append(child) }
            }
            for element in members[boundary.id] ?? [] { node(element, indent: indent + "  ") }
            lines.append("\(indent)end")
        }
        for boundary in selection.outermost { subgraph(boundary, depth: 0) }
        while !deeper.isEmpty {
            let next = deeper
            deeper = []
            for boundary in next { subgraph(boundary, depth: 0) }
        }
        for element in selection.outside { node(element, indent: "  ") }
        lines += stubs(nodeID)
        for flow in model.flows where style != .withoutFlows {
            guard let from = nodeID[flow.from], let to = nodeID[flow.to] else { continue }
            lines.append(style == .labelled ? "  \(from) -->|\(label(lines: DiagramText.flowLines(flow)))| \(to)" : "  \(from) --> \(to)")
        }
        for boundary in model.boundaries where boundaryID[boundary.id] != nil {
            lines.append("  style \(boundaryID[boundary.id]!) fill:none,stroke-dasharray:6 4")
        }
        return lines.joined(separator: "\n")
    }

    /// GitHub renders at most 500 edges in one Mermaid diagram; an overview with more arrows than
    /// this draws its boxes only.
    static let maxOverviewArrows = 400
    static let maxBoxesWithoutArrows = 150

    /// A large model's overview (see `DataFlowGraph.overviewPlan`): a box per boundary, or per
    /// outermost boundary, with its element count, and the flows between boxes with their counts.
    static func overview(_ model: ResolvedModel) -> (mermaid: String, arrows: Bool) {
        let plan = DataFlowGraph.overviewPlan(model)
        let groups = Array(Set(plan.groupOf.values)).sorted()
        let names = Dictionary(model.boundaries.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var nodeID: [String: String] = [:]
        for (index, group) in groups.enumerated() { nodeID[group] = "g\(index + 1)" }
        let (counts, inside) = DataFlowGraph.boxCounts(model, plan)
        var lines = ["flowchart TB"]
        let arrows = !plan.arrows.isEmpty && plan.arrows.count <= maxOverviewArrows
        // Without arrows, the boxes alone could run past GitHub's 50,000 characters (13,500 boundaries
        // made 680,000): at most `maxBoxesWithoutArrows` are listed, then how many more there are.
        var listed: [String] = []
        var size = 0
        for group in groups {
            // Boxes stop at `maxBoxesWithoutArrows` without arrows, and before GitHub's character limit.
            if !arrows, listed.count == maxBoxesWithoutArrows { break }
            let text = DataFlowGraph.boxLabel(group, plan: plan, model: model, names: names, elements: counts, inside: inside)
            let line = "  \(nodeID[group]!)[\(label(text))]"
            if size + line.utf8.count > maxBlockCharacters * 3 / 5 { break }
            size += line.utf8.count + 1
            lines.append(line)
            listed.append(group)
        }
        let shown = Set(listed)
        if listed.count < groups.count {
            lines.append("  more[\(label("… and \(groups.count - listed.count) more boundaries; the HTML site draws them all"))]")
        }
        if arrows {
            var edges: [(String, Int)] = []
            for (pair, count) in plan.arrows {
                let ends = pair.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                guard shown.contains(ends[0]), shown.contains(ends[1]) else { continue }
                edges.append(("\(nodeID[ends[0]]!) -->", count))
                edges[edges.count - 1].0 += plan.simplified ? " \(nodeID[ends[1]]!)" : "|\(label("\(count) flow\(count == 1 ? "" : "s")"))| \(nodeID[ends[1]]!)"
            }
            lines += edges.map { "  " + $0.0 }.sorted()
        }
        for group in listed where group != DataFlowGraph.outside {
            lines.append("  style \(nodeID[group]!) stroke-dasharray:6 4")
        }
        return (lines.joined(separator: "\n"), arrows || plan.arrows.isEmpty)  // false: arrows left out
    }

    /// Part `index` of a large model (see `DiagramParts`), with a dotted arrow per element and other
    /// part that flows connect, to a box naming that part.
    static func part(_ model: ResolvedModel, _ plan: DiagramParts, index: Int) -> String {
        let part = plan.parts[index]
        let elements = Set(part.elements)
        return fitted(from: DataFlowGraph.partStyle(model, plan, index: index)) { style in
            partFlowchart(model, plan, index: index, style: style, elements: elements) }
    }

    static func partFlowchart(_ model: ResolvedModel, _ plan: DiagramParts, index: Int, style: DataFlowGraph.PartStyle,
                              elements: Set<String>) -> String {
        let part = plan.parts[index]
        return flowchart(model, style: style, keepsElement: { elements.contains($0) }, keepsBoundary: { part.boundaries.contains($0) }) { nodeID in
            guard style != .withoutFlows else { return [] }
            let crossings = plan.crossings(of: index, in: model).crossings
            let targets = Set(crossings.map { $0.part ?? 0 })
            var lines: [String] = []
            for other in plan.parts where targets.contains(other.number) {
                // The heading names the part; the note stays short, so many of them fit GitHub's limit.
                lines.append("  s\(other.number)[/\(label("Part \(other.number)"))/]")
            }
            if targets.contains(0) { lines.append("  s0[/\(label("Parts not drawn"))/]") }
            for crossing in crossings {
                let node = nodeID[crossing.element]!, note = "s\(crossing.part ?? 0)"
                let text = style == .labelled ? "|\(label("\(crossing.count) flow\(crossing.count == 1 ? "" : "s")"))| " : " "
                lines.append(crossing.outgoing ? "  \(node) -.->\(text)\(note)" : "  \(note) -.->\(text)\(node)")
            }
            return lines
        }
    }

    /// The Mermaid diagrams of `model`: the whole, or for a large model the overview and its parts,
    /// split exactly as the HTML site splits them; `note` says what the overview shows.
    public static func diagrams(_ model: ResolvedModel) -> (main: String, note: String?, parts: [(title: String, mermaid: String)]) {
        guard DataFlowGraph.drawsOverview(model), !model.elements.isEmpty else { return (flowchart(model), nil, []) }
        let overview = overview(model)
        let parts = DiagramParts.plan(model)
        let names = Dictionary(model.boundaries.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let total = parts.parts.count + parts.leftOut
        let plan = DataFlowGraph.overviewPlan(model)
        var note = "With \(model.elements.count) elements and \(model.flows.count) flows, the first diagram shows the trust boundaries"
            + (overview.arrows && !plan.arrows.isEmpty ? " and the flows between them" : "") + "; the tables list every element and flow."
            + (overview.arrows ? DataFlowGraph.overviewNote(model) : " There are too many flows between boundaries to draw them here.")
        if !parts.parts.isEmpty {
            note += parts.leftOut == 0
                ? " Parts 1 to \(total) below draw every element inside its boundaries, with the flows between them; a dotted arrow leads to another part."
                : " Parts 1 to \(parts.parts.count) below draw the elements of the first boundaries; the other \(parts.leftOut) parts are not drawn."
        }
        let drawn = parts.parts.indices.map { index in
            (title: "Part \(parts.parts[index].number) of \(total): \(DiagramParts.title(of: parts.parts[index], names: names))",
             mermaid: part(model, parts, index: index))
        }
        return (overview.mermaid, note, drawn)
    }

    /// A quoted Mermaid label of lines, each escaped as `label` escapes it, joined by Mermaid's line break.
    public static func label(lines: [String]) -> String {
        "\"" + lines.map { label($0).dropFirst().dropLast() }.joined(separator: "<br>") + "\""
    }

    /// A quoted Mermaid label: letters, digits, spaces and harmless punctuation stay; everything else
    /// becomes a decimal entity code, which Mermaid decodes for display.
    public static func label(_ text: String) -> String {
        var out = "\""
        for scalar in DiagramText.label(text).unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", " ", ".", ",", ":", "-", "_", "/", "(", ")", "+", "=", "?", "!", "'", "*":
                out.unicodeScalars.append(scalar)
            case "\n", "\r", "\t":
                out += " "
            default:
                out += "#\(scalar.value);"
            }
        }
        return out + "\""
    }
}
