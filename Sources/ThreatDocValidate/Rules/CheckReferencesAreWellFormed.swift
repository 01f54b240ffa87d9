import ThreatDocModel
import ThreatDocSupport
/// `checks:` entries name a benchmark tool and a check ID: `docker:2.14`, `kubernetes@cis-1.9:1.2.16`.
public struct CheckReferencesAreWellFormed: ModelRule {
    public static let codes: [DiagnosticCode] = [.invalidCheckReference]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        let references = context.model.mitigations.flatMap(\.checks) + context.model.findings.compactMap(\.check)
        for reference in references {
            switch CheckReference.parse(reference.value) {
            case .success: continue
            case .failure(let problem):
                diagnostics.report(.invalidCheckReference,
                    "\(reference.value.debugSnippet) is not a check reference: \(problem.reason)",
                    at: reference.location, help: problem.help)
            }
        }
    }
}
