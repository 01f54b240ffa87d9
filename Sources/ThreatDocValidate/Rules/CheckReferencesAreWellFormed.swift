import ThreatDocModel
import ThreatDocSupport
/// `checks:` entries name a benchmark tool and a check ID: `docker:2.14`, `kubernetes@cis-1.9:1.2.16`.
/// A reference written as words (`kubernetes:network policies`) gets the checks whose titles match
/// them, when the layer that holds the catalogs supplies `findChecks`.
public struct CheckReferencesAreWellFormed: ModelRule {
    public static let codes: [DiagnosticCode] = [.invalidCheckReference]

    /// For a tool, the catalog version (nil: the default) and the words written after the tool: the
    /// checks that match, best first, as "5.3.2 (title)".
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

    /// For `tool[@version]:some words`, the checks whose titles hold the words (or whose number the words
    /// start with, as in `docker:2.15 live restore`), or how to look for them, in the catalog the
    /// reference or the model names.
    private func wordsHelp(_ text: String, _ context: ModelContext) -> String? {
        guard let findChecks, let (tool, written, words) = CheckReference.words(text), words.unicodeScalars.count <= 200 else { return nil }
        let version = written ?? context.model.benchmarks.first { $0.tool.value == tool.rawValue }?.version.value
        let found = findChecks(tool, version, words)
        let prefix = "\(tool.rawValue)\(written.map { "@\($0)" } ?? ""):"
        // The command quotes the model's words, so it is offered only when they are plain words: a help
        // line someone pastes into a shell must not carry what a hostile model wrote.
        let plain = words.allSatisfy { $0.isLetter || $0.isNumber || " .-_".contains($0) }
            && (version ?? "").allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-_".contains($0)) }
        let search = plain
            ? "`threatdoc bench list \(tool.rawValue)\(version.map { " --catalog \($0)" } ?? "") --search \"\(words)\"`"
            : "`threatdoc bench list \(tool.rawValue) --search WORDS`"
        guard !found.isEmpty else { return "write the check's number; \(search) looks for it" }
        let suggestions = "did you mean " + found.prefix(3).map { prefix + $0 }.joined(separator: ", or ") + "?"
        // Words that start with the check's number ("2.15 live restore") need no search.
        if let number = words.split(separator: " ").first, found.count == 1, found[0].hasPrefix("\(number) (") {
            return "write the check's number alone: \(suggestions)"
        }
        return "write the check's number: \(suggestions) (\(search) lists every match)"
    }
}
