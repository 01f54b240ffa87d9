import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// The boundary overview without arrows, drawn by threatdoc instead of Graphviz: boxes in a grid,
/// each linking to the part that draws it. Its cost is linear in the boxes (dot's grew with their
/// square: 10,000 boxes took 3 s), it cannot time out, and it is the overview's last resort, so every
/// large model has a picture.
enum OverviewGrid {
    static let boxWidth = 250, boxHeight = 46, gap = 14, maxColumns = 8
    /// Characters of a label that fit in a box; the full label is the box's tooltip.
    static let fittingCharacters = 34

    static func svg(_ model: ResolvedModel, parts: DiagramParts?, titleID: String = "dfd-title") -> String {
        let plan = DataFlowGraph.overviewPlan(model)
        let groups = Array(Set(plan.groupOf.values)).sorted()
        let names = Dictionary(model.boundaries.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let (counts, inside) = DataFlowGraph.boxCounts(model, plan)
        let partOf = parts?.partNumbers(of: plan.groupOf, in: model) ?? [:]
        let columns = max(1, min(maxColumns, Int(Double(groups.count).squareRoot().rounded(.up))))
        let rows = (groups.count + columns - 1) / columns
        let width = columns * (boxWidth + gap) + gap, height = rows * (boxHeight + gap) + gap
        var out = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" class=\"dfd\" role=\"img\" aria-labelledby=\"\(titleID)\" focusable=\"false\">"
        for (index, group) in groups.enumerated() {
            let x = gap + (index % columns) * (boxWidth + gap), y = gap + (index / columns) * (boxHeight + gap)
            let text = DataFlowGraph.boxLabel(group, plan: plan, model: model, names: names, elements: counts, inside: inside)
            let shown = DiagramText.label(text)
            // The name on the first line, the counts on the second.
            let name = DiagramText.label(group == DataFlowGraph.outside ? "Outside any boundary" : (names[group] ?? group))
            let fitted = name.count > fittingCharacters ? String(name.prefix(fittingCharacters - 1)) + "…" : name
            let count = counts[group] ?? 0, flows = inside[group] ?? 0
            let detail = "\(count) element\(count == 1 ? "" : "s")" + (flows == 0 ? "" : ", \(flows) flow\(flows == 1 ? "" : "s") inside")
            let link = partOf[group].map { "#diagram-part-\($0)" } ?? (group == DataFlowGraph.outside ? nil : "#boundary-\(group.lowercased())")
            let dash = group == DataFlowGraph.outside ? "" : " stroke-dasharray=\"5,3\""
            var box = "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxWidth)\" height=\"\(boxHeight)\" rx=\"6\" fill=\"#ffffff\" stroke=\"#334155\"\(dash)/>"
            box += "<text x=\"\(x + boxWidth / 2)\" y=\"\(y + 19)\" text-anchor=\"middle\" font-family=\"DejaVu Sans\" font-size=\"12\" fill=\"#1e293b\">\(HTMLEscaping.text(fitted))</text>"
            box += "<text x=\"\(x + boxWidth / 2)\" y=\"\(y + 36)\" text-anchor=\"middle\" font-family=\"DejaVu Sans\" font-size=\"10\" fill=\"#475569\">\(detail)</text>"
            box += "<title>\(HTMLEscaping.text(shown + (partOf[group].map { ": drawn in part \($0)" } ?? "")))</title>"
            out += link.map { "<a href=\"\($0)\">\(box)</a>" } ?? "<g>\(box)</g>"
        }
        return out + "</svg>"
    }
}
