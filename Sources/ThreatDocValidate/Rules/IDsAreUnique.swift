import ThreatDocModel
import ThreatDocSupport
/// IDs are unique within a model, ignoring case: they share one anchor namespace in every report.
public struct IDsAreUnique: ModelRule {
    public static let codes: [DiagnosticCode] = [.duplicateID]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        var first: [String: Definition] = [:]
        // Document order, so "first defined" is the one a reader meets first.
        for definition in context.index.definitions.sorted(by: { $0.location < $1.location }) {
            let folded = definition.id.lowercased()
            guard let original = first[folded] else {
                first[folded] = definition
                continue
            }
            let sameSpelling = original.id == definition.id
            diagnostics.report(.duplicateID,
                "\(definition.kind.title) ID '\(definition.id)' is already used by the \(original.kind.title) "
                    + "'\(original.id)' at line \(original.location.line)\(sameSpelling ? "" : " (IDs ignore case)")",
                at: definition.location,
                related: [.init("'\(original.id)' first defined here", at: original.location)])
        }
    }
}
