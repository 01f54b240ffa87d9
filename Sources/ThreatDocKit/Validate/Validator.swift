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
        for context in contexts {
            for rule in Self.modelRules { rule.check(context, into: &diagnostics) }
        }
        for rule in Self.projectRules { rule.check(contexts, into: &diagnostics) }
        return (contexts, diagnostics)
    }
}
