import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// Charts drawn by threatdoc as inline SVG. Colours come from CSS classes (so the dark theme and
/// print styles apply), and every cell also carries text, so colour is never the only signal. A chart
/// whose labels are links is a `group`, not an `img`: an image's content is not interactive.
public enum SVGCharts {
    static func esc(_ text: String) -> String { HTMLEscaping.text(text) }

    /// Likelihood × impact, with each threat's ID placed in its cell (linked to the threat).
    public static func riskMatrix(_ threats: [ThreatItem], perCell: Int = 12) -> String {
        let levels = ["low", "medium", "high", "critical"]
        let risk = RiskMatrix.table
        let left = 90, top = 24, cellW = 150, cellH = 96
        let width = left + cellW * 4 + 10, height = top + cellH * 4 + 40
        var out = "<svg class=\"chart risk\" viewBox=\"0 0 \(width) \(height)\" role=\"group\" aria-labelledby=\"risk-title\" focusable=\"false\">"
        out += "<title id=\"risk-title\">Risk matrix: each threat placed by likelihood and impact</title>"
        for (row, likelihood) in levels.reversed().enumerated() {
            let y = top + row * cellH
            out += "<text class=\"axis\" x=\"\(left - 8)\" y=\"\(y + cellH / 2)\" text-anchor=\"end\">\(likelihood)</text>"
            for (column, impact) in levels.enumerated() {
                let x = left + column * cellW
                let level = risk[3 - row][column].rawValue
                let here = threats.filter { $0.likelihood == likelihood && $0.impact == impact }
                out += "<rect class=\"cell risk-\(level)\" x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cellW - 2)\" height=\"\(cellH - 2)\" rx=\"4\"><title>likelihood \(likelihood), impact \(impact): \(level) risk, \(here.count) threat\(here.count == 1 ? "" : "s")</title></rect>"
                out += "<text class=\"risk-label\" x=\"\(x + 6)\" y=\"\(y + 14)\">\(level)</text>"
                for (index, threat) in here.prefix(perCell).enumerated() {
                    let tx = x + 6 + (index % 2) * (cellW / 2 - 2), ty = y + 30 + (index / 2) * 12
                    let id = threat.id.count > 16 ? String(threat.id.prefix(15)) + "…" : threat.id
                    out += "<a href=\"#\(threat.anchor)\"><text class=\"threat-id\" x=\"\(tx)\" y=\"\(ty)\">\(esc(id))<title>\(esc(threat.id)): \(esc(threat.title))</title></text></a>"
                }
                if here.count > perCell {
                    out += "<text class=\"more\" x=\"\(x + 6)\" y=\"\(y + cellH - 6)\">+\(here.count - perCell) more</text>"
                }
            }
        }
        for (column, impact) in levels.enumerated() {
            out += "<text class=\"axis\" x=\"\(left + column * cellW + cellW / 2)\" y=\"\(top + cellH * 4 + 16)\" text-anchor=\"middle\">\(impact)</text>"
        }
        out += "<text class=\"axis-title\" x=\"\(left + cellW * 2)\" y=\"\(top + cellH * 4 + 34)\" text-anchor=\"middle\">impact →</text>"
        out += "<text class=\"axis-title\" x=\"12\" y=\"\(top + 12)\">likelihood ↑</text>"
        return out + "</svg>"
    }

    /// Mitigation status against evidence state: how many mitigations fall in each combination.
    public static func statusEvidence(_ mitigations: [MitigationItem]) -> String {
        let statuses = MitigationStatus.allCases.map(\.rawValue)
        let states = EvidenceState.allCases.map(\.rawValue)
        let left = 110, top = 44, cellW = 120, cellH = 40
        let width = left + cellW * states.count + 10, height = top + cellH * statuses.count + 10
        var out = "<svg class=\"chart evidence\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"evidence-title\" focusable=\"false\">"
        out += "<title id=\"evidence-title\">Mitigations by status and evidence state</title>"
        for (column, state) in states.enumerated() {
            out += "<text class=\"axis\" x=\"\(left + column * cellW + cellW / 2)\" y=\"30\" text-anchor=\"middle\">\(state)</text>"
        }
        for (row, status) in statuses.enumerated() {
            let y = top + row * cellH
            out += "<text class=\"axis\" x=\"\(left - 8)\" y=\"\(y + cellH / 2 + 4)\" text-anchor=\"end\">\(status)</text>"
            for (column, state) in states.enumerated() {
                let count = mitigations.filter { $0.status == status && $0.evidence == state }.count
                let x = left + column * cellW
                out += "<rect class=\"cell ev-\(state)\(count == 0 ? " empty" : "")\" x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cellW - 2)\" height=\"\(cellH - 2)\" rx=\"4\"><title>\(status), \(state): \(count)</title></rect>"
                out += "<text class=\"value\" x=\"\(x + cellW / 2)\" y=\"\(y + cellH / 2 + 4)\" text-anchor=\"middle\">\(count)</text>"
            }
        }
        return out + "</svg>"
    }

    /// The index's risk overview: one row per model, its whole title as HTML text (the browser wraps it
    /// by width, in any script, so no title is cut and none changes another row's size), over a bar of
    /// its threats by risk level drawn as a small SVG, then a legend. Widths are SVG attributes, not
    /// styles, which the pages' Content Security Policy forbids.
    public static func riskOverview(_ entries: [IndexReport.Entry]) -> String {
        let levels = ["critical", "high", "medium", "low"]
        let scaleWidth = 600, barHeight = 18
        let maxThreats = max(entries.map(\.threats).max() ?? 1, 1)
        var out = "<ul class=\"overview\" aria-label=\"Threats per model by risk level\">"
        for entry in entries {
            let counts = levels.map { level in (level, entry.risks.first { $0.key == level }?.count ?? 0) }
            let words = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
            out += "<li><a href=\"\(esc(entry.id)).html\">\(esc(entry.title))</a> <span class=\"muted\">\(entry.threats) threat\(entry.threats == 1 ? "" : "s")</span>"
            out += "<svg class=\"chart bar\" preserveAspectRatio=\"xMinYMid meet\" viewBox=\"0 0 \(scaleWidth) \(barHeight)\" role=\"img\" aria-label=\"\(entry.threats) threats\(words.isEmpty ? "" : ": \(words)")\" focusable=\"false\">"
            var x = 0
            for (level, count) in counts where count > 0 {
                let w = max(1, count * scaleWidth / maxThreats)
                out += "<rect class=\"cell risk-\(level)\" x=\"\(x)\" y=\"0\" width=\"\(w)\" height=\"\(barHeight)\"/>"
                x += w
            }
            out += "</svg></li>"
        }
        // The legend is text; only its swatches are drawn.
        out += "</ul><ul class=\"legend\">"
        for level in levels {
            out += "<li><svg class=\"chart swatch\" width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" aria-hidden=\"true\" focusable=\"false\"><rect class=\"cell risk-\(level)\" width=\"12\" height=\"12\"/></svg> \(level)</li>"
        }
        return out + "</ul>"
    }
}
