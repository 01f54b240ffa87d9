import ThreatDocModel
import ThreatDocSupport
/// A mitigation that answers no threat is either dead weight or a missing link.
public struct MitigationsAreUsed: ModelRule {
    public static let codes: [DiagnosticCode] = [.unusedMitigation]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        let used = Set(context.model.threats.flatMap { $0.mitigations.map(\.value) })
        var seen = Set<String>()
        for mitigation in context.model.mitigations {
            guard let id = mitigation.id, !used.contains(id.value), seen.insert(id.value).inserted else { continue }
            diagnostics.report(.unusedMitigation, "mitigation '\(id.value)' answers no threat", at: id.location)
        }
    }
}
