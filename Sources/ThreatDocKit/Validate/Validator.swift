import Foundation

/// The validate stage: runs every rule over every model and collects all diagnostics in one pass.
public struct Validator: Sendable {
    public static let modelRules: [any ModelRule] = [
        IDsAreWellFormed(), IDsAreUnique(), ReferencesResolve(), ThreatsAreAddressed(), MitigationsAreUsed(),
        StrideAppliesToTargets(), StrideIsCovered(), BoundariesAreAcyclic(), ReviewIsCurrent(),
        ReferencesAreSafeURLs(), CheckReferencesAreWellFormed(), ChecksExistInCatalogs(),
    ]
    public static let projectRules: [any ProjectRule] = [ModelIDsAreUnique()]

    public var options: ValidationOptions

    public init(options: ValidationOptions) {
        self.options = options
    }

    public func validate(_ models: [ModelSyntax]) -> (contexts: [ModelContext], diagnostics: DiagnosticBag) {
        let contexts = models.map { ModelContext(model: $0, options: options) }
        var diagnostics = DiagnosticBag()
        // Models are independent: check them on every core, then merge in order.
        let bags = Slots<DiagnosticBag>(count: contexts.count)
        DispatchQueue.concurrentPerform(iterations: contexts.count) { index in
            var bag = DiagnosticBag()
            for rule in Self.modelRules { rule.check(contexts[index], into: &bag) }
            bags.set(index, bag)
        }
        for index in contexts.indices { diagnostics.append(contentsOf: bags.get(index) ?? DiagnosticBag()) }
        for rule in Self.projectRules { rule.check(contexts, into: &diagnostics) }
        return (contexts, diagnostics)
    }
}
