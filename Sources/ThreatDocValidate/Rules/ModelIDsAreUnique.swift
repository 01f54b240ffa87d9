import ThreatDocModel
import ThreatDocSupport
/// Model IDs name output files and cross-model links, so no two models share one (ignoring case).
public struct ModelIDsAreUnique: ProjectRule {
    public static let codes: [DiagnosticCode] = [.duplicateModelID]

    public func check(_ contexts: [ModelContext], into diagnostics: inout DiagnosticBag) {
        var first: [String: Located<String>] = [:]
        for context in contexts {
            guard let id = context.model.id else { continue }
            let folded = id.value.lowercased()
            if let original = first[folded] {
                diagnostics.report(.duplicateModelID,
                    "model ID '\(id.value)' is already used by \(original.location.file)",
                    at: id.location, related: [.init("first used here", at: original.location)])
            } else {
                first[folded] = id
            }
        }
    }
}
