/// The data-flow diagram as a Mermaid `flowchart`, which GitHub renders in Markdown.
///
/// Node IDs are generated (`n1`, `b1`, …) so no model ID can collide with Mermaid syntax, and every
/// label is written as a quoted string whose punctuation is entity-encoded (`#35;`), so quotes,
/// brackets, `|`, `#`, `<`, backticks and emoji cannot break the diagram or the Markdown fence.
public enum MermaidDiagram {
    static let maxDepth = 32

    public static func flowchart(_ model: ResolvedModel) -> String {
        var nodeID: [String: String] = [:]
        for (index, element) in model.elements.enumerated() { nodeID[element.id] = "n\(index + 1)" }
        var boundaryID: [String: String] = [:]
        for (index, boundary) in model.boundaries.enumerated() { boundaryID[boundary.id] = "b\(index + 1)" }
        let children = Dictionary(grouping: model.boundaries.filter { $0.parent != nil }, by: { $0.parent! })
        let members = Dictionary(grouping: model.elements.filter { $0.boundary != nil }, by: { $0.boundary! })

        var lines = ["flowchart TB"]
        func node(_ element: ResolvedModel.Element, indent: String) {
            let label = label(element.name)
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
        for boundary in model.boundaries where boundary.parent == nil || boundaryID[boundary.parent!] == nil {
            subgraph(boundary, depth: 0)
        }
        while !deeper.isEmpty {
            let next = deeper
            deeper = []
            for boundary in next { subgraph(boundary, depth: 0) }
        }
        for element in model.elements where element.boundary == nil || boundaryID[element.boundary!] == nil {
            node(element, indent: "  ")
        }
        for flow in model.flows {
            guard let from = nodeID[flow.from], let to = nodeID[flow.to] else { continue }
            lines.append("  \(from) -->|\(label(flow.label ?? flow.id))| \(to)")
        }
        for boundary in model.boundaries {
            lines.append("  style \(boundaryID[boundary.id]!) fill:none,stroke-dasharray:6 4")
        }
        return lines.joined(separator: "\n")
    }

    /// A quoted Mermaid label: letters, digits, spaces and harmless punctuation stay; everything else
    /// becomes a decimal entity code, which Mermaid decodes for display.
    public static func label(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
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
