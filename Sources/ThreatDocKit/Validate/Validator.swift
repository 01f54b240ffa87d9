import ThreatDocSupport
import ThreatDocLoad
import ThreatDocModel
import Foundation

/// The validate stage: runs every rule over every model and collects all diagnostics in one pass.
public struct Validator: Sendable {
    public static let modelRules: [any ModelRule] = [
        IDsAreWellFormed(), IDsAreUnique(), ReferencesResolve(), ThreatsAreAddressed(), MitigationsAreUsed(),
        StrideAppliesToTargets(), StrideIsCovered(), BoundariesAreAcyclic(), ReviewIsCurrent(),
        ReferencesAreSafeURLs(), CheckReferencesAreWellFormed(), ChecksExistInCatalogs(), ModelIDsAreSafeFileNames(),
    ]
    public static let projectRules: [any ProjectRule] = [ModelIDsAreUnique()]

    public var options: ValidationOptions

    public init(options: ValidationOptions) {
        self.options = options
    }

    public func validate(_ models: [ModelSyntax]) -> (contexts: [ModelContext], diagnostics: DiagnosticBag) {
        var diagnostics = DiagnosticBag()
        // Models are independent: index and check them on every core, then merge in order.
        let options = self.options
        let checked = concurrentMap(models.count) { index in
            let context = ModelContext(model: models[index], options: options)
            var bag = DiagnosticBag()
            for rule in Self.modelRules { rule.check(context, into: &bag) }
            return (context, bag)
        }
        for (_, bag) in checked { diagnostics.append(contentsOf: bag) }
        let contexts = checked.map(\.0)
        for rule in Self.projectRules { rule.check(contexts, into: &diagnostics) }
        return (contexts, diagnostics)
    }
}
