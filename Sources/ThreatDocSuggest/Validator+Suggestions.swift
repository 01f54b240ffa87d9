import Foundation
import ThreatDocModel
import ThreatDocValidate
import ThreatDocBench

/// The suggestion counts of each model in one run, computed once: the coverage notes (TD309) and the
/// report both ask, and evaluating every rule against a large model twice doubled validate's time.
public final class SuggestionCounts: @unchecked Sendable {
    public let library: RuleLibrary
    private let lock = NSLock()
    private var counts: [String: [String: Int]] = [:]

    public init(library: RuleLibrary) {
        self.library = library
    }

    /// Per element or flow, the suggestions for its open categories. A model is known by its file.
    public func counts(for context: ModelContext) -> [String: Int] {
        let key = context.model.file.path
        if let known = lock.withLock({ counts[key] }) { return known }
        let computed = Suggester.openCounts(context, library: library)
        lock.withLock { counts[key] = computed }
        return computed
    }
}

extension Validator {
    /// Every rule on one model (`modelRules`), with coverage notes that count the threats `library`
    /// suggests for each gap.
    public static func rules(suggesting library: RuleLibrary) -> [any ModelRule] {
        rules(counting: SuggestionCounts(library: library))
    }

    public static func rules(counting counts: SuggestionCounts) -> [any ModelRule] {
        modelRules.map { rule in
            rule is StrideIsCovered ? StrideIsCovered(countSuggestions: { counts.counts(for: $0) }) : rule
        }
    }
}
