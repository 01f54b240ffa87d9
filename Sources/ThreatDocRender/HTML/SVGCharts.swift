import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// Charts drawn by threatdoc as inline SVG. Colours come from CSS classes (so the dark theme and
/// print styles apply), and every cell also carries text, so colour is never the only signal.
public enum SVGCharts {
    static func esc(_ text: String) -> String { HTMLEscaping.text(text) }

    /// The STRIDE matrix as a heat map: rows are elements and flows, columns S T R I D E.
    public static func strideHeatmap(_ matrix: StrideMatrix, maxRows: Int = 120) -> String {
        let rows = Array(matrix.rows.prefix(maxRows))
        let labelWidth = 190, cell = 34, top = 30
        let width = labelWidth + cell * matrix.columns.count + 10
        let height = top + cell * max(rows.count, 1) + 10
        var out = "<svg class=\"chart heatmap\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"heatmap-title\" focusable=\"false\">"
        out += "<title id=\"heatmap-title\">STRIDE heat map: threats per element or flow and category</title>"
        for (column, header) in matrix.columns.enumerated() {
            out += "<text class=\"axis\" x=\"\(labelWidth + column * cell + cell / 2)\" y=\"20\" text-anchor=\"middle\">\(esc(header.letter))<title>\(esc(header.title))</title></text>"
        }
        for (index, row) in rows.enumerated() {
            let y = top + index * cell
            let name = row.target.id.count > 26 ? String(row.target.id.prefix(25)) + "…" : row.target.id
            out += "<a href=\"#\(row.target.anchor)\"><text class=\"label\" x=\"\(labelWidth - 8)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"end\">\(esc(name))</text></a>"
            for (column, value) in row.cells.enumerated() {
                let x = labelWidth + column * cell
                let level = value.state == "covered" ? "h\(min(value.count, 4))" : value.state
                let text = value.state == "covered" || value.count > 0 ? String(value.count)
                    : value.state == "gap" ? "gap" : value.state == "acknowledged" ? "ack" : "–"
                out += "<rect class=\"cell \(level)\" x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" rx=\"3\"><title>\(esc(row.target.id)), \(esc(matrix.columns[column].title)): \(esc(value.state))\(value.count > 0 ? ", \(value.count) threat\(value.count == 1 ? "" : "s")" : "")</title></rect>"
                out += "<text class=\"value\" x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"middle\">\(text)</text>"
            }
        }
        return out + "</svg>"
    }

    /// Likelihood × impact, with each threat's ID placed in its cell (linked to the threat).
    public static func riskMatrix(_ threats: [ThreatItem], perCell: Int = 12) -> String {
        let levels = ["low", "medium", "high", "critical"]
        let risk = RiskMatrix.table
        let left = 90, top = 24, cellW = 150, cellH = 96
        let width = left + cellW * 4 + 10, height = top + cellH * 4 + 40
        var out = "<svg class=\"chart risk\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"risk-title\" focusable=\"false\">"
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

    /// The index's risk overview: one bar per model, split by risk level.
    public static func riskOverview(_ entries: [IndexReport.Entry]) -> String {
        let levels = ["critical", "high", "medium", "low"]
        let left = 170, barHeight = 22, gap = 8, top = 10, scaleWidth = 420
        let maxThreats = max(entries.map(\.threats).max() ?? 1, 1)
        let height = top + (barHeight + gap) * max(entries.count, 1) + 30
        var out = "<svg class=\"chart overview\" viewBox=\"0 0 \(left + scaleWidth + 60) \(height)\" role=\"img\" aria-labelledby=\"overview-title\" focusable=\"false\">"
        out += "<title id=\"overview-title\">Threats per model by risk level</title>"
        for (index, entry) in entries.enumerated() {
            let y = top + index * (barHeight + gap)
            let name = entry.title.count > 24 ? String(entry.title.prefix(23)) + "…" : entry.title
            out += "<a href=\"\(esc(entry.id)).html\"><text class=\"label\" x=\"\(left - 8)\" y=\"\(y + barHeight / 2 + 4)\" text-anchor=\"end\">\(esc(name))</text></a>"
            var x = left
            for level in levels {
                let count = entry.risks.first { $0.key == level }?.count ?? 0
                guard count > 0 else { continue }
                let w = max(1, count * scaleWidth / maxThreats)
                out += "<rect class=\"cell risk-\(level)\" x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(barHeight)\"><title>\(esc(entry.title)): \(count) \(level)</title></rect>"
                x += w
            }
            out += "<text class=\"value\" x=\"\(x + 6)\" y=\"\(y + barHeight / 2 + 4)\">\(entry.threats)</text>"
        }
        let legendY = top + (barHeight + gap) * max(entries.count, 1) + 12
        for (index, level) in levels.enumerated() {
            let x = left + index * 100
            out += "<rect class=\"cell risk-\(level)\" x=\"\(x)\" y=\"\(legendY - 9)\" width=\"12\" height=\"12\"/><text class=\"axis\" x=\"\(x + 16)\" y=\"\(legendY + 2)\">\(level)</text>"
        }
        return out + "</svg>"
    }
}
