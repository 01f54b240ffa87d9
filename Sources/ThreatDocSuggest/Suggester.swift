import ThreatDocModel
import ThreatDocValidate

/// A threat a rule proposes for one element or flow.
public struct Suggestion: Sendable, Codable, Equatable {
    public var rule: String
    public var title: String
    public var description: String
    public var target: String
    /// "process", "data flow"…
    public var targetKind: String
    /// The element's name or the flow's label, for reading.
    public var targetName: String
    /// The rule's categories that apply to the target.
    public var categories: [StrideCategory]
    /// Of those, the ones the model leaves open (no threat, no acknowledged gap).
    public var open: [StrideCategory]
    public var likelihood: Level
    public var impact: Level
    public var risk: Level
    public var rationale: String
    public var references: [String]
    public var mitigations: [ThreatRule.Mitigation]
    /// The threat already in the model that holds this suggestion: one recording the rule (`rule:`) for
    /// this target, or one on this target with one of its categories.
    public var heldBy: String?
    /// Whether `heldBy` records this rule for this target, so it is never proposed again.
    public var recorded: Bool = false
    /// The rule's type for the target: `external`, `process`, `datastore` or `flow`.
    public var targetType: RuleTargetType = .process
}

/// Evaluates rules against a model: typed conditions against the model's typed facts.
public enum Suggester {
    /// Suggestions for the model, best first (risk, then likelihood, then the target's place in the
    /// model, then the rule ID). By default only those that cover an open category and that no threat
    /// records by rule ID; with `includeCovered`, every rule that applies, with `heldBy` set.
    public static func suggest(_ context: ModelContext, library: RuleLibrary, includeCovered: Bool = false) -> [Suggestion] {
        let facts = ModelFacts(context)
        var found: [(order: Int, suggestion: Suggestion)] = []
        for (order, target) in facts.targets.enumerated() {
            // Only the threats on this target are looked at: a scan of every threat for every rule and
            // target made validate quadratic in the size of the model.
            let onTarget = (facts.threatsByTarget[target.id] ?? []).map { facts.threats[$0] }
            for rule in facts.selected(library.byType[target.type] ?? [], for: target) {
                let categories = rule.stride.filter(target.entry.applicable.contains)
                guard !categories.isEmpty else { continue }
                let open = categories.filter(target.entry.open.contains)
                let recorded = onTarget.first { $0.rule == rule.id }
                if !includeCovered, open.isEmpty || recorded != nil { continue }
                // Otherwise the threat on this target with these categories that is most like the rule: the
                // most checks in common, then the most categories, then the first.
                let checks = Set(rule.mitigations.flatMap(\.checks))
                let related = recorded ?? onTarget.enumerated()
                    .filter { !$0.element.stride.isDisjoint(with: categories) }
                    .min { a, b in
                        (b.element.checks.intersection(checks).count, b.element.stride.intersection(categories).count, a.offset)
                            < (a.element.checks.intersection(checks).count, a.element.stride.intersection(categories).count, b.offset)
                    }?.element
                found.append((order, Suggestion(
                    rule: rule.id, title: rule.title, description: rule.description, target: target.id,
                    targetKind: target.entry.kind.title, targetName: target.name, categories: categories, open: open,
                    likelihood: rule.likelihood, impact: rule.impact, risk: rule.risk, rationale: rule.rationale,
                    references: rule.references, mitigations: rule.mitigations, heldBy: related?.id,
                    recorded: recorded != nil, targetType: target.type)))
            }
        }
        return found.sorted { a, b in
            (b.suggestion.risk, b.suggestion.likelihood, a.order, a.suggestion.rule)
                < (a.suggestion.risk, a.suggestion.likelihood, b.order, b.suggestion.rule)
        }.map(\.suggestion)
    }

    /// How many suggestions each element and flow has for its open categories (for TD309 and the report).
    /// The same selection as `suggest` (open categories, not recorded, fallbacks stepping aside), counted
    /// without building the suggestions: validate asks for every model.
    public static func openCounts(_ context: ModelContext, library: RuleLibrary) -> [String: Int] {
        // Nothing is open: nothing to count, and no rule needs evaluating.
        guard context.coverage.entries.contains(where: { !$0.open.isEmpty }) else { return [:] }
        let facts = ModelFacts(context)
        var counts: [String: Int] = [:]
        for target in facts.targets where !target.entry.open.isEmpty {
            // Only rules that propose an open category can count, or make a fallback step aside from one.
            let open = target.entry.open
            let candidates = (library.byType[target.type] ?? []).filter { $0.rule.stride.contains(where: open.contains) }
            let onTarget = facts.threatsByTarget[target.id] ?? []
            let count = facts.selected(candidates, for: target).filter { rule in
                !onTarget.contains { facts.threats[$0].rule == rule.id }
            }.count
            if count > 0 { counts[target.id] = count }
        }
        return counts
    }
}

/// A rule with its words normalised as `ModelFacts.words` normalises a target's, each as the forms
/// that match: the words themselves, or with the last one in the plural ("container" finds
/// "containers"). Words match whole words: "pod" does not find "podcast", nor "log" "login".
struct PreparedRule {
    let rule: ThreatRule
    let technology: [Phrase]
    let fromTechnology: [Phrase]
    let toTechnology: [Phrase]
    let protocols: [Phrase]

    init(_ rule: ThreatRule) {
        self.rule = rule
        func phrases(_ texts: [String], plural: Bool = true) -> [Phrase] {
            texts.map(Words.tokens).filter { !$0.isEmpty }.map { Phrase(words: $0, plural: plural) }
        }
        technology = phrases(rule.conditions.technology)
        fromTechnology = phrases(rule.conditions.fromTechnology)
        toTechnology = phrases(rule.conditions.toTechnology)
        protocols = phrases(rule.conditions.protocols, plural: false)
    }
}

/// Rule words with the forms their last word may take in a model, worked out once.
struct Phrase {
    let words: [String]
    /// The last word, and its plurals when they count.
    let lastForms: [String]

    init(words: [String], plural: Bool) {
        self.words = words
        let last = words[words.count - 1]
        lastForms = plural ? [last, last + "s", last + "es"] : [last]
    }
}

/// A text as lowercased words (letters and digits), for matching rule words against model words
/// token by token (a substring search per rule and target cost validate seconds on large models).
struct Words {
    let tokens: [String]
    let set: Set<String>

    init(_ text: String) {
        tokens = Self.tokens(text)
        set = Set(tokens)
    }

    static func tokens(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// Whether the words hold the phrase as whole words (its last word in one of its forms).
    func holds(_ phrase: Phrase) -> Bool {
        let words = phrase.words
        if words.count == 1 { return phrase.lastForms.contains(where: set.contains) }
        guard set.contains(words[0]), tokens.count >= words.count else { return false }
        for start in 0...(tokens.count - words.count) where tokens[start] == words[0] {
            let middle = (1..<(words.count - 1)).allSatisfy { tokens[start + $0] == words[$0] }
            if middle, phrase.lastForms.contains(tokens[start + words.count - 1]) { return true }
        }
        return false
    }
}

/// What the rules look at, per element and flow, computed once per model.
struct ModelFacts {
    struct Target {
        var id: String
        var name: String
        var entry: Coverage.Entry
        var element: ElementKind?
        /// The words of its technology, name and ID.
        var words: Words
        var sensitivity: Level?
        var neighbours: Set<ElementKind>
        var internetFacing: Bool?, runsAsRoot: Bool?, storesCredentials: Bool?
        var from: ElementKind?, to: ElementKind?
        var protocolWords: Words
        /// The words of the elements a flow leaves and reaches.
        var fromWords = Words(""), toWords = Words("")
        var crossesBoundary: Bool?
        var encrypted: Bool?, authenticated: Bool?

        var type: RuleTargetType {
            switch element {
            case .external?: .external
            case .process?: .process
            case .datastore?: .datastore
            case nil: .flow
            }
        }
    }

    struct Threat {
        var id: String
        var rule: String?
        var targets: Set<String>
        var stride: Set<StrideCategory>
        /// The checks of its mitigations.
        var checks: Set<String>
    }

    var targets: [Target] = []
    var threats: [Threat] = []
    /// The threats on each element or flow, by their place in `threats`, in file order.
    var threatsByTarget: [String: [Int]] = [:]
    /// The benchmark tools the model declares or cites.
    var tools: Set<CheckReference.Tool> = []

    init(_ context: ModelContext) {
        let model = context.model
        var sensitivity: [String: Level] = [:]
        for asset in model.assets {
            if let id = asset.id?.value, let level = asset.sensitivity?.value { sensitivity[id] = level }
        }
        var kinds: [String: ElementKind] = [:], boundaries: [String: String] = [:]
        var elements: [String: ElementSyntax] = [:]
        for element in model.elements {
            guard let id = element.id?.value else { continue }
            if let kind = element.kind?.value { kinds[id] = kind }
            if let boundary = element.boundary?.value { boundaries[id] = boundary }
            if elements[id] == nil { elements[id] = element }
        }
        var neighbours: [String: Set<ElementKind>] = [:]
        var flows: [String: FlowSyntax] = [:]
        for flow in model.flows {
            guard let id = flow.id?.value else { continue }
            if flows[id] == nil { flows[id] = flow }
            if let from = flow.from?.value, let to = flow.to?.value {
                if let kind = kinds[to] { neighbours[from, default: []].insert(kind) }
                if let kind = kinds[from] { neighbours[to, default: []].insert(kind) }
            }
        }
        func most(_ assets: [Located<String>]) -> Level? { assets.compactMap { sensitivity[$0.value] }.max() }
        for entry in context.coverage.entries {
            if let element = elements[entry.target] {
                let name = element.name?.value ?? entry.target
                targets.append(Target(
                    id: entry.target, name: name, entry: entry, element: element.kind?.value,
                    words: Words("\(element.technology?.value ?? "") \(name) \(entry.target)"),
                    sensitivity: most(element.assets), neighbours: neighbours[entry.target] ?? [],
                    internetFacing: element.internetFacing?.value, runsAsRoot: element.runsAsRoot?.value,
                    storesCredentials: element.storesCredentials?.value,
                    from: nil, to: nil, protocolWords: Words(""), crossesBoundary: nil, encrypted: nil, authenticated: nil))
            } else if let flow = flows[entry.target] {
                let from = flow.from?.value ?? "", to = flow.to?.value ?? ""
                func words(_ id: String) -> Words {
                    guard let element = elements[id] else { return Words("") }
                    return Words("\(element.technology?.value ?? "") \(element.name?.value ?? "") \(id)")
                }
                var target = Target(
                    id: entry.target, name: flow.label?.value ?? entry.target, entry: entry, element: nil, words: Words(""),
                    sensitivity: most(flow.assets), neighbours: [],
                    internetFacing: nil, runsAsRoot: nil, storesCredentials: nil,
                    from: kinds[from], to: kinds[to], protocolWords: Words(flow.protocolName?.value ?? ""),
                    // Derived, never written: the two ends sit in different boundaries (or one outside all).
                    crossesBoundary: boundaries[from] != boundaries[to],
                    encrypted: flow.encrypted?.value, authenticated: flow.authenticated?.value)
                target.fromWords = words(from)
                target.toWords = words(to)
                targets.append(target)
            }
        }
        tools = Set(model.benchmarks.compactMap { CheckReference.Tool(rawValue: $0.tool.value) })
        for check in model.mitigations.flatMap(\.checks) {
            if case .success(let reference) = CheckReference.parse(check.value) { tools.insert(reference.tool) }
        }
        var mitigationChecks: [String: [String]] = [:]
        for mitigation in model.mitigations {
            if let id = mitigation.id?.value { mitigationChecks[id] = mitigation.checks.map(\.value) }
        }
        threats = model.threats.compactMap { threat in
            threat.id.map { Threat(id: $0.value, rule: threat.rule?.value, targets: Set(threat.targets.map(\.value)),
                                   stride: Set(threat.stride.map(\.value)),
                                   checks: Set(threat.mitigations.flatMap { mitigationChecks[$0.value] ?? [] })) }
        }
        for (index, threat) in threats.enumerated() {
            for target in threat.targets { threatsByTarget[target, default: []].append(index) }
        }
    }

    /// The candidates that apply to the target, less the fallback rules whose categories another
    /// candidate that applies already proposes.
    func selected(_ candidates: [PreparedRule], for target: Target) -> [ThreatRule] {
        let applying = candidates.filter { applies($0, to: target) }.map(\.rule)
        let specific = Set(applying.filter { !$0.fallback }.flatMap(\.stride))
        return applying.filter { !$0.fallback || !$0.stride.allSatisfy(specific.contains) }
    }

    func applies(_ prepared: PreparedRule, to target: Target) -> Bool {
        let c = prepared.rule.conditions
        guard c.types.contains(target.type) else { return false }
        if !c.benchmarks.isEmpty, tools.isDisjoint(with: c.benchmarks) { return false }
        if !prepared.technology.isEmpty, !prepared.technology.contains(where: { target.words.holds($0) }) { return false }
        if !prepared.fromTechnology.isEmpty, !prepared.fromTechnology.contains(where: { target.fromWords.holds($0) }) { return false }
        if !prepared.toTechnology.isEmpty, !prepared.toTechnology.contains(where: { target.toWords.holds($0) }) { return false }
        for attribute in c.unless {
            let value: Bool? = switch attribute {
            case .internetFacing: target.internetFacing
            case .runsAsRoot: target.runsAsRoot
            case .storesCredentials: target.storesCredentials
            case .encrypted: target.encrypted
            case .authenticated: target.authenticated
            }
            if value == true { return false }
        }
        if let least = c.sensitivity, !(target.sensitivity.map { $0 >= least } ?? false) { return false }
        if !c.neighbours.isEmpty, target.neighbours.isDisjoint(with: c.neighbours) { return false }
        if let wanted = c.internetFacing, target.internetFacing != wanted { return false }
        if let wanted = c.runsAsRoot, target.runsAsRoot != wanted { return false }
        if let wanted = c.storesCredentials, target.storesCredentials != wanted { return false }
        if !c.from.isEmpty, !(target.from.map(c.from.contains) ?? false) { return false }
        if !c.to.isEmpty, !(target.to.map(c.to.contains) ?? false) { return false }
        // Protocols match whole words exactly: "http" is not "https".
        if !prepared.protocols.isEmpty, !prepared.protocols.contains(where: { target.protocolWords.holds($0) }) { return false }
        if let wanted = c.crossesBoundary, target.crossesBoundary != wanted { return false }
        if let wanted = c.encrypted, target.encrypted != wanted { return false }
        if let wanted = c.authenticated, target.authenticated != wanted { return false }
        return true
    }
}
