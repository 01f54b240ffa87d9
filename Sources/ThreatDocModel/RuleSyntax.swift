import Foundation

/// A file of threat rules as written (`threatdoc-rules: 1`): the library that `threatdoc suggest`
/// evaluates against a model. Declared with the same format machinery as a model, so the decoder, the
/// JSON Schema and the README derive from one declaration.
public struct RuleFileSyntax: Sendable {
    public var file: SourceFile
    public var location: SourceLocation
    public var formatVersion: Located<Int>?
    public var rules: [RuleSyntax] = []

    public init(file: SourceFile, location: SourceLocation) {
        self.file = file
        self.location = location
    }
}

extension RuleFileSyntax: ObjectSyntax {
    public static let format = ObjectFormat<RuleFileSyntax>(
        name: "rules", article: "a rule file", documentation: "A library of threat rules.",
        make: { location, file in RuleFileSyntax(file: file, location: location) },
        fields: [
            .formatVersion("threatdoc-rules", \.formatVersion, "Rule format version."),
            .objects("rules", \.rules, RuleSyntax.format),
            .ignoredString("$schema"),
        ])
}

/// One rule: where it applies, the threat it proposes, and the mitigations (with CIS checks) that answer it.
public struct RuleSyntax: Sendable, ObjectSyntax {
    public var location: SourceLocation
    public var id: Located<String>?
    public var title: Located<String>?
    public var description: Located<String>?
    public var stride: [Located<StrideCategory>] = []
    public var appliesTo: RuleConditionSyntax?
    public var likelihood: Located<Level>?
    public var impact: Located<Level>?
    public var rationale: Located<String>?
    public var references: [Located<String>] = []
    public var mitigations: [RuleMitigationSyntax] = []
    public var fallback: Located<Bool>?
}

extension RuleSyntax {
    public static let format = ObjectFormat<RuleSyntax>(
        name: "rule", article: "a rule", documentation: "A threat rule: where it applies and what it proposes.",
        make: { location, _ in RuleSyntax(location: location) },
        fields: [
            .string("id", \.id, .id, required: true),
            .string("title", \.title, required: true),
            .string("description", \.description, required: true),
            .keywords("stride", \.stride, required: true, nonEmpty: true),
            .object("applies-to", \.appliesTo, RuleConditionSyntax.format, required: true),
            .keyword("likelihood", \.likelihood, required: true),
            .keyword("impact", \.impact, required: true),
            .string("rationale", \.rationale, .text, "Why this likelihood and impact.", required: true),
            .strings("references", \.references, .text, "CAPEC-n, CWE-n, or an https link."),
            .objects("mitigations", \.mitigations, RuleMitigationSyntax.format),
            .flag("fallback", \.fallback, "Proposed only where no other rule proposes the same category for the same target."),
        ])
}

/// What a target must be for a rule to apply. Every condition given must hold; one left out is not
/// looked at. Element conditions do not apply to flows, and flow conditions not to elements.
public struct RuleConditionSyntax: Sendable, ObjectSyntax {
    public var location: SourceLocation
    public var types: [Located<RuleTargetType>] = []
    public var benchmarks: [Located<CheckReference.Tool>] = []
    public var technology: [Located<String>] = []
    public var sensitivity: Located<Level>?
    public var neighbours: [Located<ElementKind>] = []
    public var internetFacing: Located<Bool>?
    public var runsAsRoot: Located<Bool>?
    public var storesCredentials: Located<Bool>?
    public var from: [Located<ElementKind>] = []
    public var to: [Located<ElementKind>] = []
    public var protocols: [Located<String>] = []
    public var crossesBoundary: Located<Bool>?
    public var encrypted: Located<Bool>?
    public var authenticated: Located<Bool>?
    public var fromTechnology: [Located<String>] = []
    public var toTechnology: [Located<String>] = []
    public var unless: [Located<RuleAttribute>] = []
}

/// The attributes a model may write on elements and flows, as rules name them.
public enum RuleAttribute: String, ModelKeyword, Codable {
    case internetFacing = "internet-facing", runsAsRoot = "runs-as-root", storesCredentials = "stores-credentials"
    case encrypted, authenticated
}

extension RuleConditionSyntax {
    public static let format = ObjectFormat<RuleConditionSyntax>(
        name: "rule-conditions", article: "the rule's conditions", documentation: "Where a rule applies.",
        make: { location, _ in RuleConditionSyntax(location: location) },
        fields: [
            .keywords("type", \.types, "Element types, or `flow`.", required: true, nonEmpty: true),
            .keywords("benchmark", \.benchmarks, "Tools, one of which the model declares under `benchmarks:` or cites in a check."),
            .strings("technology", \.technology, .text, "Words, one of which the element's technology or name holds."),
            .keyword("sensitivity", \.sensitivity, "The least sensitivity of an asset it holds or carries."),
            .keywords("neighbours", \.neighbours, "Element types, one of which it exchanges data with."),
            .flag("internet-facing", \.internetFacing, "The element's `internet-facing`, as written."),
            .flag("runs-as-root", \.runsAsRoot, "The element's `runs-as-root`, as written."),
            .flag("stores-credentials", \.storesCredentials, "The element's `stores-credentials`, as written."),
            .keywords("from", \.from, "Element types, one of which the flow leaves."),
            .keywords("to", \.to, "Element types, one of which the flow reaches."),
            .strings("protocol", \.protocols, .text, "Words, one of which the flow's protocol holds."),
            .flag("crosses-boundary", \.crossesBoundary, "Whether its ends sit in different trust boundaries."),
            .flag("encrypted", \.encrypted, "The flow's `encrypted`, as written."),
            .flag("authenticated", \.authenticated, "The flow's `authenticated`, as written."),
            .strings("from-technology", \.fromTechnology, .text, "Words, one of which the technology or name of the element the flow leaves holds."),
            .strings("to-technology", \.toTechnology, .text, "Words, one of which the technology or name of the element the flow reaches holds."),
            .keywords("unless", \.unless, "Attributes that, written `true`, say the threat is answered: the rule does not apply."),
        ])

    /// The conditions that only an element can meet, and those only a flow can meet, by field name.
    public static let elementOnly = ["technology", "neighbours", "internet-facing", "runs-as-root", "stores-credentials"]
    public static let flowOnly = ["from", "to", "protocol", "crosses-boundary", "encrypted", "authenticated", "from-technology", "to-technology"]

    /// The names of the conditions written, in the format's order.
    public var written: [(name: String, location: SourceLocation)] {
        var found: [(String, SourceLocation)] = []
        if let first = technology.first { found.append(("technology", first.location)) }
        if let first = neighbours.first { found.append(("neighbours", first.location)) }
        if let value = internetFacing { found.append(("internet-facing", value.location)) }
        if let value = runsAsRoot { found.append(("runs-as-root", value.location)) }
        if let value = storesCredentials { found.append(("stores-credentials", value.location)) }
        if let first = from.first { found.append(("from", first.location)) }
        if let first = to.first { found.append(("to", first.location)) }
        if let first = protocols.first { found.append(("protocol", first.location)) }
        if let value = crossesBoundary { found.append(("crosses-boundary", value.location)) }
        if let value = encrypted { found.append(("encrypted", value.location)) }
        if let value = authenticated { found.append(("authenticated", value.location)) }
        if let first = fromTechnology.first { found.append(("from-technology", first.location)) }
        if let first = toTechnology.first { found.append(("to-technology", first.location)) }
        return found
    }
}

/// A mitigation a rule proposes with its threat.
public struct RuleMitigationSyntax: Sendable, ObjectSyntax {
    public var location: SourceLocation
    public var id: Located<String>?
    public var title: Located<String>?
    public var description: Located<String>?
    public var checks: [Located<String>] = []
}

extension RuleMitigationSyntax {
    public static let format = ObjectFormat<RuleMitigationSyntax>(
        name: "rule-mitigation", article: "a rule's mitigation", documentation: "A mitigation a rule proposes.",
        make: { location, _ in RuleMitigationSyntax(location: location) },
        fields: [
            .string("id", \.id, .id, required: true),
            .string("title", \.title, required: true),
            .string("description", \.description),
            .strings("checks", \.checks, .check, "CIS checks that verify it."),
        ])
}

/// What a rule can apply to: an element type, or a data flow.
public enum RuleTargetType: String, ModelKeyword, Codable {
    case external, process, datastore, flow

    public var targetKind: TargetKind {
        switch self {
        case .external: .element(.external)
        case .process: .element(.process)
        case .datastore: .element(.datastore)
        case .flow: .flow
        }
    }

    public static var synonyms: [String: RuleTargetType] {
        ["data-store": .datastore, "store": .datastore, "database": .datastore, "actor": .external, "entity": .external,
         "service": .process, "dataflow": .flow, "data-flow": .flow]
    }
}
