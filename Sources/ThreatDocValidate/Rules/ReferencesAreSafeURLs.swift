import ThreatDocModel
import ThreatDocSupport
/// Reference links allow only http, https, mailto and relative URLs: a `javascript:` link in a
/// model from a fork must never reach a reader's browser.
public struct ReferencesAreSafeURLs: ModelRule {
    public static let codes: [DiagnosticCode] = [.invalidURL]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        let references = context.model.threats.flatMap(\.references) + context.model.mitigations.flatMap(\.references)
        for reference in references {
            if let problem = Self.problem(with: reference.value) {
                diagnostics.report(.invalidURL, "\(reference.value.debugSnippet) \(problem)", at: reference.location)
            }
        }
    }

    public static let allowedSchemes: Set<String> = ["http", "https", "mailto"]

    /// Why `url` is not an acceptable link, or nil when it is.
    public static func problem(with url: String) -> String? {
        if url.isEmpty { return "is empty" }
        if url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.properties.isWhitespace }) {
            return "contains white space or control characters"
        }
        // A scheme is the part before the first ':' when no '/', '?' or '#' comes first.
        guard let colon = url.firstIndex(of: ":"),
              !url[..<colon].contains(where: { "/?#".contains($0) }) else {
            return nil  // relative link
        }
        let scheme = url[..<colon].lowercased()
        guard allowedSchemes.contains(scheme) else {
            return "uses the scheme '\(scheme):'; only http, https, mailto and relative links are allowed"
        }
        if scheme != "mailto", !url[url.index(after: colon)...].hasPrefix("//") {
            return "is not a complete \(scheme) URL"
        }
        return nil
    }
}
