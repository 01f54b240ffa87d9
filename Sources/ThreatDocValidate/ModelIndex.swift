import ThreatDocModel
import ThreatDocSupport
/// The kinds of thing an ID can name within a model.
public enum DefinitionKind: Hashable, Sendable {
    case asset, boundary, element(ElementKind?), flow, threat, mitigation

    public var title: String {
        switch self {
        case .asset: "asset"
        case .boundary: "boundary"
        case .element(let kind): kind?.title ?? "element"
        case .flow: "flow"
        case .threat: "threat"
        case .mitigation: "mitigation"
        }
    }

    /// What a threat or gap can target, and with which STRIDE categories.
    public var targetKind: TargetKind? {
        switch self {
        case .element(let kind?): .element(kind)
        case .flow: .flow
        default: nil
        }
    }

    func matches(_ expected: ReferenceKind) -> Bool {
        switch (self, expected) {
        case (.asset, .asset), (.boundary, .boundary), (.flow, .flow), (.threat, .threat),
             (.mitigation, .mitigation), (.element, .element):
            true
        default:
            false
        }
    }
}

/// The kind of definition a reference may point to (element types are not distinguished here).
public enum ReferenceKind: Sendable {
    case asset, boundary, element, flow, threat, mitigation

    var title: String {
        switch self {
        case .asset: "asset"
        case .boundary: "boundary"
        case .element: "element"
        case .flow: "flow"
        case .threat: "threat"
        case .mitigation: "mitigation"
        }
    }
}

public struct Definition: Sendable {
    public var id: String
    public var kind: DefinitionKind
    public var location: SourceLocation
}

/// Every ID a model defines, in document order, with a case-insensitive lookup.
public struct ModelIndex: Sendable {
    public private(set) var definitions: [Definition] = []
    /// Lowercased ID → the first definition with that ID.
    private var byFoldedID: [String: Definition] = [:]

    public init(_ model: ModelSyntax) {
        for asset in model.assets { add(asset.id, .asset) }
        for boundary in model.boundaries { add(boundary.id, .boundary) }
        for element in model.elements { add(element.id, .element(element.kind?.value)) }
        for flow in model.flows { add(flow.id, .flow) }
        for threat in model.threats { add(threat.id, .threat) }
        for mitigation in model.mitigations { add(mitigation.id, .mitigation) }
    }

    private mutating func add(_ id: Located<String>?, _ kind: DefinitionKind) {
        guard let id else { return }
        let definition = Definition(id: id.value, kind: kind, location: id.location)
        definitions.append(definition)
        let folded = id.value.lowercased()
        if byFoldedID[folded] == nil { byFoldedID[folded] = definition }
    }

    /// The definition of exactly this ID.
    public func lookup(_ id: String) -> Definition? {
        guard let definition = byFoldedID[id.lowercased()], definition.id == id else { return nil }
        return definition
    }

    /// The definition whose ID differs from `id` only in case.
    public func lookupIgnoringCase(_ id: String) -> Definition? { byFoldedID[id.lowercased()] }

    public func ids(of kinds: [ReferenceKind]) -> [String] {
        definitions.filter { definition in kinds.contains { definition.kind.matches($0) } }.map(\.id)
    }
}

/// What a rule sees: one model as written, its index, and the run's settings.
public struct ModelContext: Sendable {
    public var model: ModelSyntax
    public var index: ModelIndex
    public var options: ValidationOptions
    /// STRIDE coverage, computed once for the rules and the resolver.
    public var coverage: Coverage

    public init(model: ModelSyntax, options: ValidationOptions) {
        self.model = model
        self.index = ModelIndex(model)
        self.options = options
        self.coverage = Coverage(model: model, index: index)
    }
}

public struct ValidationOptions: Sendable {
    /// The date that "today" means for review-age rules (from `SOURCE_DATE_EPOCH`, or the clock).
    public var today: CalendarDate
    /// A review older than this many days is overdue.
    public var maxReviewAgeDays: Int

    public init(today: CalendarDate, maxReviewAgeDays: Int = 365) {
        self.today = today
        self.maxReviewAgeDays = maxReviewAgeDays
    }
}

/// A policy over one model. One rule per file, named after its policy, like swift-format's rules.
public protocol ModelRule: Sendable {
    /// The codes this rule can report.
    static var codes: [DiagnosticCode] { get }
    func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag)
}

/// A policy across all models of a run.
public protocol ProjectRule: Sendable {
    static var codes: [DiagnosticCode] { get }
    func check(_ contexts: [ModelContext], into diagnostics: inout DiagnosticBag)
}
