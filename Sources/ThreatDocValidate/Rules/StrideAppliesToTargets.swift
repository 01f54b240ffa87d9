import ThreatDocModel
import ThreatDocSupport
/// STRIDE per element: a category must apply to the kind of every target a threat names.
public struct StrideAppliesToTargets: ModelRule {
    public static let codes: [DiagnosticCode] = [.strideNotApplicable]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        for threat in context.model.threats {
            for target in threat.targets {
                guard let definition = context.index.lookup(target.value),
                      let kind = definition.kind.targetKind else { continue }
                let applicable = kind.applicableCategories
                for category in threat.stride where !applicable.contains(category.value) {
                    diagnostics.report(.strideNotApplicable,
                        "\(category.value.title) does not apply to the \(kind.title) '\(target.value)', a target of threat '\(threat.id?.value ?? "?")'",
                        at: category.location,
                        help: "STRIDE per element: \(kind.pluralTitle) face \(StrideCategory.letters(applicable)); retarget the threat or choose another category")
                }
            }
        }
    }
}
