import ThreatDocModel
import ThreatDocSupport
/// Every element and flow has a threat, or an acknowledged gap, for each STRIDE category that applies
/// to it. Open gaps are notes, summarised once per model; an acknowledgement that no longer matches
/// a gap is a warning so it does not outlive its reason.
public struct StrideIsCovered: ModelRule {
    public static let codes: [DiagnosticCode] = [.coverageGap, .coverageSummary, .staleGap]

    /// How many threats the threat rules suggest per element or flow for its open categories; supplied
    /// by the layer that holds the rules (nil: not counted).
    public typealias SuggestionCounter = @Sendable (ModelContext) -> [String: Int]
    public var countSuggestions: SuggestionCounter?

    public init(countSuggestions: SuggestionCounter? = nil) {
        self.countSuggestions = countSuggestions
    }

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        let coverage = context.coverage
        let counts = coverage.entries.contains { !$0.open.isEmpty } ? countSuggestions?(context) : nil
        for entry in coverage.entries where !entry.open.isEmpty {
            let missing = StrideCategory.allCases.filter(entry.open.contains)
            var help: String?
            if let count = counts?[entry.target], count > 0 {
                // The path goes into a command only when it is plain: a help line may be pasted into a shell.
                let path = context.model.file.path
                let plain = path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-".contains($0)) } && !path.hasPrefix("-")
                help = "\(count) threat\(count == 1 ? "" : "s") suggested for it: `threatdoc suggest \(plain ? path : "MODEL")`; "
                    + "add a threat for each category, or acknowledge the gap under `gaps:` with a reason"
            }
            diagnostics.report(.coverageGap,
                "no threat covers \(missing.map(\.title).joined(separator: ", ")) for the \(entry.kind.title) '\(entry.target)'",
                at: entry.location, help: help)
        }
        var firstAcknowledged: [String: SourceLocation] = [:]
        for gap in context.model.gaps {
            guard let target = gap.target, let definition = context.index.lookup(target.value),
                  let kind = definition.kind.targetKind,
                  let entry = coverage.entries.first(where: { $0.target == target.value }) else { continue }
            for category in gap.stride {
                let key = "\(target.value)\u{0}\(category.value.rawValue)"
                if let first = firstAcknowledged[key] {
                    diagnostics.report(.staleGap,
                        "\(category.value.title) for '\(target.value)' is already acknowledged at line \(first.line); one entry, with one reason, is enough",
                        at: category.location, help: "remove it from one of the two `gaps:` entries")
                    continue
                }
                firstAcknowledged[key] = category.location
                if !kind.applicableCategories.contains(category.value) {
                    diagnostics.report(.staleGap,
                        "\(category.value.title) does not apply to the \(kind.title) '\(target.value)', so there is no gap to acknowledge",
                        at: category.location)
                } else if entry.covered.contains(category.value) {
                    diagnostics.report(.staleGap,
                        "\(category.value.title) for '\(target.value)' is covered by a threat; the acknowledged gap is stale",
                        at: category.location)
                }
            }
        }
        guard coverage.applicableCount > 0 else { return }
        let percent = wholePercent(coverage.coveredCount, of: coverage.applicableCount)
        diagnostics.report(.coverageSummary,
            "STRIDE coverage of model '\(context.model.id?.value ?? "?")': \(coverage.coveredCount) of \(coverage.applicableCount) applicable categories covered (\(percent)%), \(coverage.acknowledgedCount) acknowledged, \(coverage.openCount) open",
            at: context.model.id?.location ?? context.model.location)
    }
}
