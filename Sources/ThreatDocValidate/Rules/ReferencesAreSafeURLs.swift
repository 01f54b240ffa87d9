import ThreatDocModel
import ThreatDocSupport
/// Reference links allow only http, https, mailto and relative URLs: a `javascript:` link in a
/// model from a fork must never reach a reader's browser.
public struct ReferencesAreSafeURLs: ModelRule {
    public static let codes: [DiagnosticCode] = [.invalidURL]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        let references = context.model.threats.flatMap(\.references) + context.model.mitigations.flatMap(\.references)
        for reference in references {
            if let problem = LinkPolicy.problem(with: reference.value) {
                diagnostics.report(.invalidURL, "\(reference.value.debugSnippet) \(problem)", at: reference.location)
            }
        }
    }
}
