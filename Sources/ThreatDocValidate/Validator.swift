import ThreatDocModel
import ThreatDocSupport
import Foundation

/// The validate stage: runs every rule over every model and collects all diagnostics in one pass.
public struct Validator: Sendable {
    /// The rules on a model alone. The rule that needs the CIS catalogs lives with them (ThreatDocBench),
    /// and the pipeline adds it (`Validator.modelRules` there).
    public static let structuralRules: [any ModelRule] = [
        IDsAreWellFormed(), IDsAreUnique(), ReferencesResolve(), ThreatsAreAddressed(), MitigationsAreUsed(),
        StrideAppliesToTargets(), StrideIsCovered(), BoundariesAreAcyclic(), ReviewIsCurrent(),
        ReferencesAreSafeURLs(), CheckReferencesAreWellFormed(), ModelIDsAreSafeFileNames(),
    ]
    public static let projectRules: [any ProjectRule] = [ModelIDsAreUnique()]

    public var options: ValidationOptions
    public var rules: [any ModelRule]

    public init(options: ValidationOptions, rules: [any ModelRule] = Validator.structuralRules) {
        self.options = options
        self.rules = rules
    }

    public func validate(_ models: [ModelSyntax]) -> (contexts: [ModelContext], diagnostics: DiagnosticBag) {
        var diagnostics = DiagnosticBag()
        // Models are independent: index and check them on every core, then merge in order.
        let options = self.options, rules = self.rules
        let checked = concurrentMap(models.count) { index in
            let context = ModelContext(model: models[index], options: options)
            var bag = DiagnosticBag()
            for rule in rules { rule.check(context, into: &bag) }
            return (context, bag)
        }
        for (_, bag) in checked { diagnostics.append(contentsOf: bag) }
        let contexts = checked.map(\.0)
        for rule in Self.projectRules { rule.check(contexts, into: &diagnostics) }
        return (contexts, diagnostics)
    }
}
