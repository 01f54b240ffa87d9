import ThreatDocModel
import ThreatDocValidate
import ThreatDocBench

extension Validator {
    /// Every rule on one model (`modelRules`), with coverage notes that count the threats `library`
    /// suggests for each gap.
    public static func rules(suggesting library: RuleLibrary) -> [any ModelRule] {
        modelRules.map { rule in
            rule is StrideIsCovered
                ? StrideIsCovered(countSuggestions: { Suggester.openCounts($0, library: library) })
                : rule
        }
    }
}
