import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
extension Validator {
    /// Every rule on one model: the structural ones, with check references written as words answered
    /// from the catalogs' search, and the catalog check.
    public static let modelRules: [any ModelRule] =
        structuralRules.map { $0 is CheckReferencesAreWellFormed ? CheckReferencesAreWellFormed(findChecks: BenchmarkCatalog.find(tool:version:words:)) : $0 }
            + [ChecksExistInCatalogs()]
}

extension BenchmarkCatalog {
    /// The checks whose titles match `words` in the catalog a model declares (or the default one); a
    /// check number at the start of the words ("2.15 live restore") is that check.
    @Sendable public static func find(tool: CheckReference.Tool, version: String?, words: String) -> [String] {
        guard let catalog = find(tool: tool, version: version ?? defaultVersion(for: tool)) else { return [] }
        let first = words.split(separator: " ").first.map(String.init) ?? ""
        if let numbered = catalog.check(first) { return ["\(numbered.id) (\(numbered.title))"] }
        return catalog.search(words).prefix(3).map { "\($0.id) (\($0.title))" }
    }
}

/// Every `checks:` entry names a check that exists in the catalog the model declares for its tool,
/// and every catalog named under `benchmarks:` is one threatdoc bundles.
public struct ChecksExistInCatalogs: ModelRule {
    public static let codes: [DiagnosticCode] = [.unknownCheck, .undeclaredBenchmark, .unknownCatalog]
    public init() {}

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        for entry in context.model.benchmarks {
            guard let tool = CheckReference.Tool(rawValue: entry.tool.value) else {
                let tools = CheckReference.Tool.allCases.map(\.rawValue)
                diagnostics.report(.unknownCatalog, "unknown benchmark tool '\(entry.tool.value)'", at: entry.tool.location,
                    help: Suggestions.didYouMean(entry.tool.value, in: tools) ?? "tools: \(tools.joined(separator: ", "))")
                continue
            }
            if BenchmarkCatalog.find(tool: tool, version: entry.version.value) == nil {
                reportUnknownCatalog(tool, entry.version.value, at: entry.version.location, into: &diagnostics)
            }
        }
        let resolver = CheckResolver(context.model)
        var unknownChecks = 0
        let references = context.model.mitigations.flatMap(\.checks) + context.model.findings.compactMap(\.check)
        for reference in references {
            guard case .failure(let failure) = resolver.resolve(reference.value) else { continue }
            switch failure {
            case .syntax:
                continue  // CheckReferencesAreWellFormed reports it
            case .undeclared(let tool):
                diagnostics.report(.undeclaredBenchmark,
                    "the model uses \(tool.rawValue) checks but does not declare a \(tool.rawValue) catalog under `benchmarks:`",
                    at: reference.location,
                    help: "add `\(tool.rawValue): \(BenchmarkCatalog.defaultVersion(for: tool))` under `benchmarks:`")
            case .unknownCatalog(let tool, let version):
                // A version written in the reference itself; a declared one is reported once above.
                if CheckReference.parse(reference.value).map(\.version) == .success(version) {
                    reportUnknownCatalog(tool, version, at: reference.location, into: &diagnostics)
                }
            case .unknownCheck(let parsed, let catalog):
                // Past the repeats a file shows (the rest are counted in one note), no suggestions are
                // looked for: 60,000 unknown checks in one file once took two minutes.
                unknownChecks += 1
                let suggestions = unknownChecks > DiagnosticBag.maxRepeatsPerCode ? [] : catalog.suggestions(for: parsed.checkID)
                let help = suggestions.isEmpty
                    ? "`threatdoc bench list \(parsed.tool.rawValue) --version \(catalog.version)` lists its checks"
                    : "did you mean " + suggestions.map { "\(parsed.tool.rawValue):\($0.id) (\($0.title))" }
                        .joined(separator: ", or ") + "?"
                diagnostics.report(.unknownCheck,
                    "\(catalog.version) has no check '\(parsed.checkID)'", at: reference.location, help: help)
            }
        }
    }

    private func reportUnknownCatalog(_ tool: CheckReference.Tool, _ version: String, at location: SourceLocation,
                                      into diagnostics: inout DiagnosticBag) {
        let versions = BenchmarkCatalog.versions(of: tool)
        diagnostics.report(.unknownCatalog, "no bundled \(tool.rawValue) catalog '\(version)'", at: location,
            help: Suggestions.didYouMean(version, in: versions).map { "\($0) bundled: \(versions.joined(separator: ", "))" }
                ?? "bundled: \(versions.joined(separator: ", "))")
    }
}
