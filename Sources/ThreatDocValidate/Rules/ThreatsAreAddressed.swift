import ThreatDocModel
import ThreatDocSupport
/// A threat is answered by mitigations, or by a justified decision to accept, transfer or avoid it.
public struct ThreatsAreAddressed: ModelRule {
    public static let codes: [DiagnosticCode] = [.unaddressedThreat, .missingJustification]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        for threat in context.model.threats {
            guard let id = threat.id else { continue }
            let response = threat.response?.value ?? .mitigate
            if response.needsJustification {
                let justification = threat.justification?.value.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                if justification.isEmpty {
                    diagnostics.report(.missingJustification,
                        "threat '\(id.value)' is answered with `\(response.rawValue)` but has no justification",
                        at: threat.response?.location ?? id.location)
                }
            } else if threat.mitigations.isEmpty {
                diagnostics.report(.unaddressedThreat,
                    "unaddressed threat '\(id.value)': no mitigations and no other response", at: id.location)
            }
        }
    }
}
