import ThreatDocModel
import ThreatDocSupport
/// `checks:` entries name a benchmark tool and a check ID: `docker:2.14`, `kubernetes@cis-1.9:1.2.16`.
/// A reference written as words (`kubernetes:network policies`) gets the checks whose titles match
/// them, when the layer that holds the catalogs supplies `findChecks`.
public struct CheckReferencesAreWellFormed: ModelRule {
    public static let codes: [DiagnosticCode] = [.invalidCheckReference]

    /// For a tool, the catalog version the model declares for it (nil: the default) and the words
    /// written after the tool: references that match, best first, such as "kubernetes:5.3.2 (title)".
    public typealias CheckFinder = @Sendable (_ tool: CheckReference.Tool, _ version: String?, _ words: String) -> [String]
    public var findChecks: CheckFinder?

    public init(findChecks: CheckFinder? = nil) {
        self.findChecks = findChecks
    }

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        let references = context.model.mitigations.flatMap(\.checks) + context.model.findings.compactMap(\.check)
        var reported = 0
        for reference in references {
            switch CheckReference.parse(reference.value) {
            case .success: continue
            case .failure(let problem):
                reported += 1
                // Past the repeats a file shows (the rest are counted in one note), nothing is searched:
                // a file of 60,000 bad references must not run 60,000 searches.
                let words = reported > DiagnosticBag.maxRepeatsPerCode ? nil : wordsHelp(reference.value, context)
                diagnostics.report(.invalidCheckReference,
                    "\(reference.value.debugSnippet) is not a check reference: "
                        + (words == nil ? problem.reason : "a check is named by its number, not by words from its title"),
                    at: reference.location, help: words ?? problem.help)
            }
        }
    }

    /// For `tool:some words`, the checks whose titles hold the words, or how to look for them.
    private func wordsHelp(_ text: String, _ context: ModelContext) -> String? {
        guard let findChecks, let colon = text.firstIndex(of: ":"),
              let tool = CheckReference.Tool(rawValue: String(text[..<colon])) else { return nil }
        let words = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard words.contains(where: \.isLetter), words.count <= 200 else { return nil }
        let version = context.model.benchmarks.first { $0.tool.value == tool.rawValue }?.version.value
        let found = findChecks(tool, version, words)
        let search = "`threatdoc bench list \(tool.rawValue) --search \"\(words)\"`"
        guard !found.isEmpty else { return "write the check's number; \(search) looks for it" }
        return "write the check's number: did you mean " + found.prefix(3).joined(separator: ", or ") + "? (\(search) lists every match)"
    }
}
