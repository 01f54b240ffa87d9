import ThreatDocModel
import ThreatDocSupport
/// Every reference names an ID of the right kind in the same model; misses suggest the closest ID.
public struct ReferencesResolve: ModelRule {
    public static let codes: [DiagnosticCode] = [.unresolvedReference, .wrongReferenceKind]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        let model = context.model
        var checker = Checker(index: context.index)
        for element in model.elements {
            checker.check(element.boundary, field: "boundary", expects: [.boundary])
            for asset in element.assets { checker.check(asset, field: "assets", expects: [.asset]) }
        }
        for boundary in model.boundaries {
            checker.check(boundary.parent, field: "parent", expects: [.boundary])
        }
        for flow in model.flows {
            checker.check(flow.from, field: "from", expects: [.element])
            checker.check(flow.to, field: "to", expects: [.element])
            for asset in flow.assets { checker.check(asset, field: "assets", expects: [.asset]) }
        }
        for threat in model.threats {
            for target in threat.targets { checker.check(target, field: "targets", expects: [.element, .flow]) }
            for mitigation in threat.mitigations {
                checker.check(mitigation, field: "mitigations", expects: [.mitigation])
            }
        }
        for finding in model.findings {
            for threat in finding.threats { checker.check(threat, field: "threats", expects: [.threat]) }
        }
        for gap in model.gaps {
            checker.check(gap.target, field: "target", expects: [.element, .flow])
        }
        diagnostics.append(contentsOf: checker.diagnostics)
    }

    private struct Checker {
        let index: ModelIndex
        var diagnostics = DiagnosticBag()
        /// Suggestions cost an edit distance per ID; past the diagnostics that get printed
        /// (`DiagnosticBag.maxRepeatsPerCode`), thousands of misses would cost their square for nothing.
        var suggestionsLeft = DiagnosticBag.maxRepeatsPerCode

        mutating func check(_ reference: Located<String>?, field: String, expects kinds: [ReferenceKind]) {
            guard let reference else { return }
            let expected = kinds.map(\.title).joined(separator: " or ")
            if let definition = index.lookup(reference.value) {
                guard kinds.contains(where: { definition.kind.matches($0) }) else {
                    diagnostics.report(.wrongReferenceKind,
                        "`\(field)` expects \(article(expected)) \(expected), but '\(reference.value)' is \(article(definition.kind.title)) \(definition.kind.title)",
                        at: reference.location,
                        related: [.init("'\(definition.id)' is defined here", at: definition.location)])
                    return
                }
                return
            }
            var help: String?
            if let caseMatch = index.lookupIgnoringCase(reference.value),
               kinds.contains(where: { caseMatch.kind.matches($0) }) {
                help = "did you mean '\(caseMatch.id)'? IDs must be written with the same case everywhere"
            } else if suggestionsLeft > 0 {
                suggestionsLeft -= 1
                help = Suggestions.didYouMean(reference.value, in: index.ids(of: kinds))
            }
            diagnostics.report(.unresolvedReference,
                "`\(field)` refers to '\(reference.value)', but no \(expected) has that ID",
                at: reference.location, help: help)
        }

        private func article(_ word: String) -> String {
            word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        }
    }
}
