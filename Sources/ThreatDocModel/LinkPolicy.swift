/// Which links threatdoc lets through: http, https, mailto and relative URLs. Validation reports a
/// reference that breaks it (TD208), and the renderers apply it to links in prose, so a `javascript:`
/// link in a model from a fork never reaches a reader's browser.
public enum LinkPolicy {
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
