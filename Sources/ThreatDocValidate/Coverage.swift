import ThreatDocModel
import ThreatDocSupport
/// Which applicable STRIDE categories each element and flow has threats for.
/// Shared by the coverage rule and the resolved model, so reports and diagnostics agree.
public struct Coverage: Sendable {
    public struct Entry: Sendable {
        public var target: String
        public var kind: TargetKind
        public var location: SourceLocation
        public var applicable: Set<StrideCategory>
        public var covered: Set<StrideCategory>
        public var acknowledged: Set<StrideCategory>

        /// Applicable categories with neither a threat nor an acknowledgement.
        public var open: Set<StrideCategory> { applicable.subtracting(covered).subtracting(acknowledged) }
    }

    /// One entry per element and flow, in document order.
    public var entries: [Entry]

    public init(_ context: ModelContext) {
        self.init(model: context.model, index: context.index)
    }

    init(model: ModelSyntax, index: ModelIndex) {
        var covered: [String: Set<StrideCategory>] = [:]
        for threat in model.threats {
            let categories = Set(threat.stride.map(\.value))
            for target in threat.targets { covered[target.value, default: []].formUnion(categories) }
        }
        var acknowledged: [String: Set<StrideCategory>] = [:]
        for gap in model.gaps {
            guard let target = gap.target?.value else { continue }
            acknowledged[target, default: []].formUnion(gap.stride.map(\.value))
        }
        var seen = Set<String>()
        entries = index.definitions.compactMap { definition in
            // A duplicate ID is reported elsewhere; count only its first definition.
            guard let kind = definition.kind.targetKind, seen.insert(definition.id.lowercased()).inserted else {
                return nil
            }
            let applicable = kind.applicableCategories
            let done = covered[definition.id, default: []].intersection(applicable)
            return Entry(target: definition.id, kind: kind, location: definition.location, applicable: applicable,
                         covered: done,
                         acknowledged: acknowledged[definition.id, default: []].intersection(applicable).subtracting(done))
        }
    }

    public var applicableCount: Int { entries.reduce(0) { $0 + $1.applicable.count } }
    public var coveredCount: Int { entries.reduce(0) { $0 + $1.covered.count } }
    public var acknowledgedCount: Int { entries.reduce(0) { $0 + $1.acknowledged.count } }
    public var openCount: Int { entries.reduce(0) { $0 + $1.open.count } }
}
