import Foundation
import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocBench
import ThreatDocValidate

/// The threat rules `threatdoc suggest` evaluates: the built-in library (embedded in the binary), a
/// project's own rule folders, less the rules the project disables. Rule files are read as safely as
/// models and checked as strictly: every problem is a located diagnostic, and a rule with one is left out.
public struct RuleLibrary: Sendable {
    public let rules: [ThreatRule]
    /// The rules prepared for evaluation (words normalised) and grouped by the type they apply to,
    /// once per library rather than once per model.
    let byType: [RuleTargetType: [PreparedRule]]

    public init(rules: [ThreatRule]) {
        self.rules = rules
        var byType: [RuleTargetType: [PreparedRule]] = [:]
        for rule in rules.map(PreparedRule.init) {
            for type in Set(rule.rule.conditions.types) { byType[type, default: []].append(rule) }
        }
        self.byType = byType
    }

    /// The built-in rule files, by name. A test holds this list to the files in Sources/ThreatDocSuggest/Rules.
    public static let builtinFiles: [(name: String, bytes: [UInt8])] = [
        ("web.yaml", PackageResources.web_yaml),
        ("api.yaml", PackageResources.api_yaml),
        ("data.yaml", PackageResources.data_yaml),
        ("messaging.yaml", PackageResources.messaging_yaml),
        ("secrets.yaml", PackageResources.secrets_yaml),
        ("identity.yaml", PackageResources.identity_yaml),
        ("cicd.yaml", PackageResources.cicd_yaml),
        ("general.yaml", PackageResources.general_yaml),
        ("docker.yaml", PackageResources.docker_yaml),
        ("kubernetes.yaml", PackageResources.kubernetes_yaml),
    ]

    /// The built-in library, read once. Its own tests keep it free of diagnostics.
    public static let builtin: (library: RuleLibrary, diagnostics: DiagnosticBag) = {
        var diagnostics = DiagnosticBag()
        var rules: [ThreatRule] = []
        var seen: [String: SourceLocation] = [:]
        for file in builtinFiles {
            let source = SourceFile(path: "built-in:\(file.name)", text: String(decoding: file.bytes, as: UTF8.self))
            rules += RuleChecker.rules(in: source, seen: &seen, into: &diagnostics)
        }
        return (RuleLibrary(rules: rules), diagnostics)
    }()

    /// The built-in rules (unless `builtin` is false), then every rule file in `folders` (searched
    /// recursively, in name order), less the `disabled` IDs.
    public static func load(builtin includeBuiltin: Bool = true, folders: [Located<String>] = [], disabled: [Located<String>] = [],
                            limits: LoadLimits = .default, into diagnostics: inout DiagnosticBag) -> RuleLibrary {
        let off = Set(disabled.map(\.value))
        let builtinIDs = Set(builtin.library.rules.map(\.id))
        // A disabled built-in rule leaves first, so that a project rule may take its ID and replace it.
        var rules = includeBuiltin ? builtin.library.rules.filter { !off.contains($0.id) } : []
        if includeBuiltin { diagnostics.append(contentsOf: builtin.diagnostics) }
        var seen = Dictionary(rules.map { ($0.id.lowercased(), $0.location) }, uniquingKeysWith: { a, _ in a })
        for folder in folders {
            var found = DiagnosticBag()
            let files = ModelLoader.discover(folder.value, diagnostics: &found)
            if files.isEmpty, !FileManager.default.fileExists(atPath: folder.value) {
                diagnostics.report(.ruleFolder, "rule folder '\(folder.value)' does not exist", at: folder.location)
                continue
            }
            diagnostics.append(contentsOf: found)
            for path in files {
                do {
                    guard let bytes = try FileReading.readRegularFile(path, limit: limits.maxFileBytes) else {
                        diagnostics.report(.fileTooLarge, "rule file is larger than the limit of \(limits.maxFileBytes) bytes",
                                           at: SourceLocation(file: path, line: 1, column: 1))
                        continue
                    }
                    let source = try SourceFile(path: path, bytes: bytes)
                    rules += RuleChecker.rules(in: source, limits: limits, seen: &seen, into: &diagnostics)
                } catch let error as SourceFile.DecodingError {
                    if case .invalidUTF8(let offset) = error {
                        diagnostics.report(.invalidUTF8, "invalid UTF-8 at byte offset \(offset)", at: SourceLocation(file: path, line: 1, column: 1))
                    }
                } catch {
                    diagnostics.report(.ioError, "cannot read rule file: \(error)", at: SourceLocation(file: path, line: 1, column: 1))
                }
            }
        }
        let ids = Set(rules.map(\.id)).union(builtinIDs)
        for id in disabled where !ids.contains(id.value) {
            let candidates = ids.subtracting(off).sorted()
            diagnostics.report(.ruleUnknownDisabled, "no rule has the ID '\(id.value)'", at: id.location,
                               help: Suggestions.didYouMean(id.value, in: candidates) ?? DiagnosticCode.ruleUnknownDisabled.help)
        }
        // A project rule that replaced a disabled built-in one stays; other disabled IDs go.
        let replacing = Set(rules.filter { !$0.source.hasPrefix("built-in ") }.map(\.id))
        return RuleLibrary(rules: rules.filter { !off.contains($0.id) || replacing.contains($0.id) })
    }

    /// Rules per element type and STRIDE category: how many rules could propose that category for that
    /// type (`threatdoc suggest --list-rules --stats`).
    public var stats: [(type: RuleTargetType, counts: [StrideCategory: Int])] {
        RuleTargetType.allCases.map { type in
            var counts: [StrideCategory: Int] = [:]
            for rule in rules where rule.conditions.types.contains(type) {
                for category in rule.stride where type.targetKind.applicableCategories.contains(category) {
                    counts[category, default: 0] += 1
                }
            }
            return (type, counts)
        }
    }
}

/// Reads one rule file and checks each rule; only rules without problems are kept.
enum RuleChecker {
    static func rules(in file: SourceFile, limits: LoadLimits = .default, seen: inout [String: SourceLocation],
                      into diagnostics: inout DiagnosticBag) -> [ThreatRule] {
        guard let syntax = ModelDecoder.decode(file, as: RuleFileSyntax.format, limits: limits, into: &diagnostics) else { return [] }
        return syntax.rules.compactMap { rule in
            // Every rule written takes its ID, so a second one is reported even when the first had problems.
            if let id = rule.id {
                if let first = seen[id.value.lowercased()] {
                    diagnostics.report(.ruleDuplicateID, "rule ID '\(id.value)' is already used by the rule at \(first.file):\(first.line)",
                                       at: id.location, related: [.init("the first rule with this ID", at: first)])
                    return nil
                }
                seen[id.value.lowercased()] = id.location
            }
            return check(rule, file: file.path, into: &diagnostics)
        }
    }

    static func check(_ rule: RuleSyntax, file: String, into diagnostics: inout DiagnosticBag) -> ThreatRule? {
        guard let id = rule.id, let title = rule.title, let description = rule.description, let conditions = rule.appliesTo,
              let likelihood = rule.likelihood, let impact = rule.impact, let rationale = rule.rationale,
              !rule.stride.isEmpty, !conditions.types.isEmpty else {
            return nil  // The decoder reported the missing field.
        }
        var problems = 0
        if let problem = IDsAreWellFormed.problem(with: id.value) {
            diagnostics.report(.invalidID, "invalid rule ID \(id.value.debugSnippet): \(problem)", at: id.location)
            problems += 1
        }
        let types = conditions.types.map(\.value)
        let hasFlow = types.contains(.flow), hasElement = types.contains { $0 != .flow }
        for (name, location) in conditions.written {
            if RuleConditionSyntax.elementOnly.contains(name), hasFlow {
                diagnostics.report(.ruleConditionMismatch, "`\(name)` is a condition on elements, and rule '\(id.value)' also applies to flows",
                                   at: location)
                problems += 1
            }
            if RuleConditionSyntax.flowOnly.contains(name), hasElement {
                diagnostics.report(.ruleConditionMismatch, "`\(name)` is a condition on flows, and rule '\(id.value)' also applies to elements",
                                   at: location)
                problems += 1
            }
        }
        for category in rule.stride where !types.contains(where: { $0.targetKind.applicableCategories.contains(category.value) }) {
            diagnostics.report(.ruleStrideNotApplicable,
                               "\(category.value.title) applies to none of the types of rule '\(id.value)' (\(types.map(\.rawValue).joined(separator: ", ")))",
                               at: category.location)
            problems += 1
        }
        // Rule text becomes model text: it must fit a model's limits and hide nothing.
        let texts: [(field: String, value: Located<String>, limit: Int)] = [("title", title, 200), ("description", description, 4000),
                                                                           ("rationale", rationale, 2000)]
            + rule.mitigations.compactMap { m in m.title.map { ("mitigation title", $0, 200) } }
            + rule.mitigations.compactMap { m in m.description.map { ("mitigation description", $0, 4000) } }
        for text in texts {
            if text.value.value.unicodeScalars.count > text.limit {
                diagnostics.report(.scalarTooLarge, "the rule's \(text.field) is longer than \(text.limit) characters", at: text.value.location)
                problems += 1
            } else if let hidden = text.value.value.unicodeScalars.first(where: { TerminalText.isUnsafe($0.value, keepingTabs: false) }) {
                diagnostics.report(.bidiCharacter, "the rule's \(text.field) holds \(hidden.codePointName), which would hide or reorder text in a model",
                                   at: text.value.location)
                problems += 1
            }
        }
        for reference in rule.references where !isReference(reference.value) {
            diagnostics.report(.ruleInvalidReference, "\(reference.value.debugSnippet) is not CAPEC-n, CWE-n or an https link",
                               at: reference.location)
            problems += 1
        }
        var mitigations: [ThreatRule.Mitigation] = []
        for mitigation in rule.mitigations {
            guard let mid = mitigation.id, let mtitle = mitigation.title else { problems += 1; continue }
            // Mitigation IDs are written into models unquoted, as IDs.
            if let problem = IDsAreWellFormed.problem(with: mid.value) {
                diagnostics.report(.invalidID, "invalid mitigation ID \(mid.value.debugSnippet): \(problem)", at: mid.location)
                problems += 1
            }
            for check in mitigation.checks { problems += checkExists(check, into: &diagnostics) ? 0 : 1 }
            mitigations.append(.init(id: mid.value, title: mtitle.value, description: mitigation.description?.value,
                                     checks: mitigation.checks.map(\.value)))
        }
        guard problems == 0 else { return nil }
        return ThreatRule(
            id: id.value, title: title.value, description: description.value,
            stride: Array(Set(rule.stride.map(\.value))).sorted(),
            conditions: .init(
                types: types, benchmarks: conditions.benchmarks.map(\.value), technology: conditions.technology.map(\.value), sensitivity: conditions.sensitivity?.value,
                neighbours: conditions.neighbours.map(\.value), internetFacing: conditions.internetFacing?.value,
                runsAsRoot: conditions.runsAsRoot?.value, storesCredentials: conditions.storesCredentials?.value,
                from: conditions.from.map(\.value), to: conditions.to.map(\.value), protocols: conditions.protocols.map(\.value),
                crossesBoundary: conditions.crossesBoundary?.value, encrypted: conditions.encrypted?.value,
                authenticated: conditions.authenticated?.value, fromTechnology: conditions.fromTechnology.map(\.value),
                toTechnology: conditions.toTechnology.map(\.value), unless: conditions.unless.map(\.value)),
            likelihood: likelihood.value, impact: impact.value, rationale: rationale.value,
            references: rule.references.map(\.value), mitigations: mitigations, fallback: rule.fallback?.value ?? false,
            source: file.hasPrefix("built-in:") ? "built-in \(file.dropFirst("built-in:".count))" : file,
            location: id.location)
    }

    static func isReference(_ text: String) -> Bool {
        let upper = text.uppercased()
        for prefix in ["CAPEC-", "CWE-"] where upper.hasPrefix(prefix) {
            let number = upper.dropFirst(prefix.count)
            return !number.isEmpty && number.count <= 6 && number.allSatisfy(\.isASCII) && number.allSatisfy(\.isNumber)
        }
        return text.hasPrefix("https://") && LinkPolicy.problem(with: text) == nil && !text.contains(where: \.isWhitespace)
    }

    /// A check a rule's mitigation names must exist in the catalog it names (or the tool's default).
    static func checkExists(_ check: Located<String>, into diagnostics: inout DiagnosticBag) -> Bool {
        let reference: CheckReference
        switch CheckReference.parse(check.value) {
        case .success(let parsed): reference = parsed
        case .failure(let problem):
            diagnostics.report(.invalidCheckReference, "\(check.value.debugSnippet) is not a check reference: \(problem.reason)",
                               at: check.location, help: problem.help)
            return false
        }
        let version = reference.version ?? BenchmarkCatalog.defaultVersion(for: reference.tool)
        guard let catalog = BenchmarkCatalog.find(tool: reference.tool, version: version) else {
            diagnostics.report(.unknownCatalog, "no bundled \(reference.tool.rawValue) catalog '\(version)'", at: check.location)
            return false
        }
        guard catalog.check(reference.checkID) != nil else {
            let suggestions = catalog.suggestions(for: reference.checkID)
            diagnostics.report(.unknownCheck, "\(catalog.version) has no check '\(reference.checkID)'", at: check.location,
                help: suggestions.isEmpty ? nil : "did you mean " + suggestions.map { "\(reference.tool.rawValue):\($0.id) (\($0.title))" }
                    .joined(separator: ", or ") + "?")
            return false
        }
        return true
    }
}
