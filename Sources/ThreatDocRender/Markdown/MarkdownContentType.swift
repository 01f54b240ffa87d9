import ThreatDocReport
import Mustache
/// The `MARKDOWN` content type for swift-mustache.
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { MarkdownEscaping.inline(text) }
}
