import ThreatDocLoad
import ThreatDocModel
import ThreatDocValidate
import ThreatDocBench

/// What accepting some suggestions adds to a model: one threat per rule (with every target the rule
/// was chosen for), with an ID in the model's own pattern, and the mitigations it needs that the model
/// does not have yet. Written as YAML items that paste under the model's `threats:` and `mitigations:`.
public struct SuggestionPlan: Sendable, Equatable {
    public struct Threat: Sendable, Equatable {
        public var id: String
        public var rule: ThreatRuleSummary
        public var targets: [String]
        public var stride: [StrideCategory]
        public var mitigations: [String]
    }

    public struct Mitigation: Sendable, Equatable {
        public var id: String
        public var title: String
        public var description: String?
        public var checks: [String]
        /// Checks left out because the model does not declare their tool under `benchmarks:`.
        public var undeclared: [String]
    }

    /// The parts of a rule a threat is written from.
    public struct ThreatRuleSummary: Sendable, Equatable {
        public var id, title, description, rationale: String
        public var likelihood, impact: Level
        public var references: [String]
    }

    public var threats: [Threat] = []
    public var mitigations: [Mitigation] = []

    /// Plans the suggestions for one model, in their order (one threat per rule, at its first place).
    public init(_ suggestions: [Suggestion], context: ModelContext) {
        var used = Set(context.index.definitions.map { $0.id.lowercased() })
        var ids = ThreatIDs(context.model)
        let existing = context.model.mitigations.compactMap { mitigation -> (id: String, checks: Set<String>)? in
            mitigation.id.map { ($0.value, Set(mitigation.checks.map(\.value))) }
        }
        let declared = Dictionary(context.model.benchmarks.map { ($0.tool.value, $0.version.value) }, uniquingKeysWith: { a, _ in a })
        var planned: [String: String] = [:]  // a rule mitigation's ID → the ID written
        var byRule: [String: Int] = [:]
        for suggestion in suggestions {
            if let index = byRule[suggestion.rule] {
                if !threats[index].targets.contains(suggestion.target) { threats[index].targets.append(suggestion.target) }
                threats[index].stride = Array(Set(threats[index].stride + suggestion.categories)).sorted()
                continue
            }
            var mitigationIDs: [String] = []
            for mitigation in suggestion.mitigations {
                if let id = planned[mitigation.id] { mitigationIDs.append(id); continue }
                // The model's own mitigation, by ID or by the same checks, answers it already.
                if let same = existing.first(where: { $0.id == mitigation.id || (!mitigation.checks.isEmpty && $0.checks == Set(mitigation.checks)) }) {
                    planned[mitigation.id] = same.id
                    mitigationIDs.append(same.id)
                    continue
                }
                let id = Self.unique(mitigation.id, in: &used)
                planned[mitigation.id] = id
                mitigationIDs.append(id)
                var checks: [String] = [], undeclared: [String] = []
                for check in mitigation.checks {
                    guard case .success(let reference) = CheckReference.parse(check) else { continue }
                    let ruleVersion = reference.version ?? BenchmarkCatalog.defaultVersion(for: reference.tool)
                    switch declared.isEmpty ? ruleVersion : declared[reference.tool.rawValue] {
                    case nil: undeclared.append(check)
                    case ruleVersion?: checks.append("\(reference.tool.rawValue):\(reference.checkID)")
                    // The model reads another catalog version; the rule's number is in the rule's catalog.
                    default: checks.append("\(reference.tool.rawValue)@\(ruleVersion):\(reference.checkID)")
                    }
                }
                mitigations.append(Mitigation(id: id, title: mitigation.title, description: mitigation.description,
                                              checks: checks, undeclared: undeclared))
            }
            let id = ids.next(for: suggestion.categories.first ?? .spoofing, used: &used)
            byRule[suggestion.rule] = threats.count
            threats.append(Threat(
                id: id,
                rule: ThreatRuleSummary(id: suggestion.rule, title: suggestion.title, description: suggestion.description,
                                        rationale: suggestion.rationale, likelihood: suggestion.likelihood,
                                        impact: suggestion.impact, references: suggestion.references),
                targets: [suggestion.target], stride: suggestion.categories, mitigations: mitigationIDs))
        }
    }

    static func unique(_ id: String, in used: inout Set<String>) -> String {
        var candidate = id, number = 2
        while used.contains(candidate.lowercased()) {
            candidate = "\(id)-\(number)"
            number += 1
        }
        used.insert(candidate.lowercased())
        return candidate
    }

    // MARK: YAML

    /// The threats as items of a block list, each line starting with `indent`.
    public func threatItems(indent: String = "  ") -> String {
        threats.map { threat in
            var lines = [
                "- id: \(threat.id)",
                "  title: \(Self.quoted(threat.rule.title))",
                "  stride: [\(threat.stride.map(\.rawValue).joined(separator: ", "))]",
                "  targets: [\(threat.targets.joined(separator: ", "))]",
                "  description: \(Self.quoted(threat.rule.description + " Likelihood and impact: " + threat.rule.rationale))",
                "  likelihood: \(threat.rule.likelihood.rawValue)",
                "  impact: \(threat.rule.impact.rawValue)",
                "  # response: mitigate (the default), accept, transfer or avoid: yours to decide; any but mitigate needs a justification",
            ]
            if !threat.mitigations.isEmpty { lines.append("  mitigations: [\(threat.mitigations.joined(separator: ", "))]") }
            if !threat.rule.references.isEmpty {
                lines.append("  references: [\(threat.rule.references.map { Self.quoted(ThreatRule.link($0)) }.joined(separator: ", "))]")
            }
            lines.append("  rule: \(threat.rule.id)")
            return lines.map { indent + $0 }.joined(separator: "\n") + "\n"
        }.joined()
    }

    /// The new mitigations as items of a block list.
    public func mitigationItems(indent: String = "  ") -> String {
        mitigations.map { mitigation in
            var lines = ["- id: \(mitigation.id)", "  title: \(Self.quoted(mitigation.title))"]
            if let description = mitigation.description { lines.append("  description: \(Self.quoted(description))") }
            lines.append("  status: not-started")
            if !mitigation.checks.isEmpty { lines.append("  checks: [\(mitigation.checks.joined(separator: ", "))]") }
            if !mitigation.undeclared.isEmpty {
                lines.append("  # checks: [\(mitigation.undeclared.joined(separator: ", "))]: declare their tool under `benchmarks:` to use them")
            }
            return lines.map { indent + $0 }.joined(separator: "\n") + "\n"
        }.joined()
    }

    /// A document to paste: `threats:` and `mitigations:` with their items, after a comment that says
    /// where they go.
    public func yaml(for path: String) -> String {
        var out = "# threatdoc suggest: \(threats.count) threat\(threats.count == 1 ? "" : "s") and \(mitigations.count) new mitigation\(mitigations.count == 1 ? "" : "s") for \(Self.comment(path)).\n"
        out += "# Add the items under the model's own `threats:` and `mitigations:` lists (or paste this whole\n"
        out += "# block if it has neither), or run `threatdoc suggest --apply MODEL --rule ID…`; then review each one.\n"
        if !threats.isEmpty { out += "threats:\n" + threatItems() }
        if !mitigations.isEmpty { out += "mitigations:\n" + mitigationItems() }
        return out
    }

    /// A YAML double-quoted scalar (see `YAMLText`).
    static func quoted(_ text: String) -> String { YAMLText.quoted(text) }

    /// A path inside a YAML comment: one line, nothing hidden.
    static func comment(_ text: String) -> String { TerminalText.escape(text) }
}

/// New threat IDs in the model's own pattern: `DKR-E3` after `DKR-E1` and `DKR-E2` (a stem, the STRIDE
/// letter of the first category, a number), or `T-014` after `T-013` (a stem and a number, zero-padded
/// alike). A model without threats gets its ID's first word in capitals as the stem: `PAYMENTS-S1`.
struct ThreatIDs {
    enum Pattern { case letters(stem: String), numbers(stem: String, width: Int) }
    var pattern: Pattern
    var highest: [String: Int] = [:]

    init(_ model: ModelSyntax) {
        let ids = model.threats.compactMap(\.id?.value)
        var stems: [String: Int] = [:], numbered: [String: (count: Int, width: Int)] = [:]
        for id in ids {
            guard let split = Self.split(id) else { continue }
            if let letter = split.stem.last, "STRIDE".contains(letter), split.stem.count >= 2,
               let separator = split.stem.dropLast().last, "-_.".contains(separator) {
                stems[String(split.stem.dropLast()), default: 0] += 1
            }
            let current = numbered[split.stem] ?? (0, 0)
            numbered[split.stem] = (current.count + 1, max(current.width, split.digits))
        }
        if let stem = stems.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }), stem.value * 2 >= ids.count {
            pattern = .letters(stem: stem.key)
        } else if let stem = numbered.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }) {
            pattern = .numbers(stem: stem.key, width: stem.value.width)
        } else {
            let first = (model.id?.value ?? "threat").split(whereSeparator: { !$0.isLetter && !$0.isNumber }).first.map(String.init) ?? "T"
            let stem = String(first.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(10))
            pattern = .letters(stem: (stem.first?.isLetter == true ? stem : "T" + stem) + "-")
        }
        for id in ids {
            guard let split = Self.split(id) else { continue }
            highest[split.stem] = max(highest[split.stem] ?? 0, split.number)
        }
    }

    /// A stem and its trailing number: "DKR-E" and 12 for "DKR-E12".
    static func split(_ id: String) -> (stem: String, number: Int, digits: Int)? {
        let digits = id.reversed().prefix { $0.isASCII && $0.isNumber }.count
        guard digits > 0, digits < id.count, digits <= 9, let number = Int(id.suffix(digits)) else { return nil }
        return (String(id.dropLast(digits)), number, digits)
    }

    mutating func next(for category: StrideCategory, used: inout Set<String>) -> String {
        let stem: String, width: Int
        switch pattern {
        case .letters(let base): (stem, width) = (base + category.letter, 1)
        case .numbers(let base, let digits): (stem, width) = (base, digits)
        }
        var number = (highest[stem] ?? 0) + 1
        while true {
            let digits = String(number)
            let id = stem + String(repeating: "0", count: max(0, width - digits.count)) + digits
            number += 1
            if used.insert(id.lowercased()).inserted {
                highest[stem] = number - 1
                return id
            }
        }
    }
}
