import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import CMark
import Foundation

/// CommonMark prose (summaries, descriptions) for the Markdown reports: parsed by libcmark, made inert
/// on the tree, and written back as CommonMark by libcmark.
///
/// Working on the parsed tree, not on the text, is what makes it both linear and complete: cmark has
/// already decoded entities (`&#106;avascript:` is `javascript:`), resolved reference definitions into
/// the links that use them, and told code apart from text. Then:
/// - a link whose destination the model's URL rule refuses (anything but http, https, mailto or a
///   relative link) keeps its text and loses the link;
/// - an image becomes its text, as on the HTML site (a viewer would load it from another host);
/// - raw HTML becomes text, which the writer escapes.
/// Text that could trigger libcmark 0.30.2's slow paths (see `ProseRenderer`) is not parsed: each
/// paragraph is written as escaped plain text.
public enum MarkdownProse {
    public static func sanitize(_ text: String) -> String {
        guard ProseRenderer.isSafeForCMark(text) else { return plain(text) }
        let bytes = Array(text.utf8)
        guard let document = bytes.withUnsafeBufferPointer({ buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parse_document($0, buffer.count, CMARK_OPT_DEFAULT)
            }
        }) else { return plain(text) }
        defer { cmark_node_free(document) }
        makeInert(document)
        guard let rendered = cmark_render_commonmark(document, CMARK_OPT_DEFAULT, 0) else { return plain(text) }
        defer { free(rendered) }
        let output = ProseRenderer.trimmingNewlines(String(cString: rendered))
        // libcmark's writer does not always write back what it read (a `~~~` fence whose info string
        // holds a backtick closes early when read again), so the output is read again and must be
        // inert itself; if not, the text is written as escaped plain paragraphs.
        let seen = inspect(output)
        guard seen.rawHTML.allSatisfy(isEndListComment), seen.destinations.allSatisfy({ LinkPolicy.problem(with: $0) == nil }),
              !seen.hasImages else { return plain(text) }
        return output
    }

    /// The comment libcmark writes between two adjacent lists; it is the writer's, not the model's.
    static func isEndListComment(_ html: String) -> Bool {
        html.trimmingCharacters(in: .whitespacesAndNewlines) == "<!-- end list -->"
    }

    /// Escaped paragraphs, for text libcmark should not see.
    static func plain(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map(MarkdownEscaping.inline).joined(separator: "\n\n")
    }

    private static func makeInert(_ document: OpaquePointer) {
        // Collect first: the tree must not change under the iterator.
        var unsafe: [OpaquePointer] = []
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE, CMARK_NODE_IMAGE:
                unsafe.append(node)
            case CMARK_NODE_LINK:
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                if LinkPolicy.problem(with: url) != nil { unsafe.append(node) }
            default:
                break
            }
        }
        // Innermost first, so a node is replaced before the node that holds it.
        for node in unsafe.reversed() {
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HTML_BLOCK:
                let paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH)!
                appendText(literal(of: node), to: paragraph)
                cmark_node_replace(node, paragraph)
            case CMARK_NODE_HTML_INLINE:
                let text = cmark_node_new(CMARK_NODE_TEXT)!
                cmark_node_set_literal(text, literal(of: node))
                cmark_node_replace(node, text)
            default:
                // A link or an image: its children (the text) take its place.
                while let child = cmark_node_first_child(node) {
                    cmark_node_unlink(child)
                    cmark_node_insert_before(node, child)
                }
                cmark_node_unlink(node)
            }
            cmark_node_free(node)
        }
    }

    /// What a CommonMark reader would see in `markdown`: every link and image destination (entities
    /// decoded, references resolved) and every piece of raw HTML. What a test checks the output with.
    static func inspect(_ markdown: String) -> (destinations: [String], rawHTML: [String], hasImages: Bool) {
        let bytes = Array(markdown.utf8)
        guard let document = bytes.withUnsafeBufferPointer({ buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(1, buffer.count)) {
                cmark_parse_document($0, buffer.count, CMARK_OPT_DEFAULT)
            }
        }) else { return ([], [], false) }
        defer { cmark_node_free(document) }
        var found: [String] = [], html: [String] = [], images = false
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                images = images || cmark_node_get_type(node) == CMARK_NODE_IMAGE
                found.append(cmark_node_get_url(node).map { String(cString: $0) } ?? "")
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE: html.append(literal(of: node))
            default: break
            }
        }
        return (found, html, images)
    }

    private static func literal(of node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    /// Lines of text with soft breaks between them, so no line break hides inside a text node.
    private static func appendText(_ text: String, to parent: OpaquePointer) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).drop { $0.isEmpty }
        var first = true
        for line in lines.reversed().drop(while: { $0.isEmpty }).reversed() {
            if !first { cmark_node_append_child(parent, cmark_node_new(CMARK_NODE_SOFTBREAK)) }
            let node = cmark_node_new(CMARK_NODE_TEXT)!
            cmark_node_set_literal(node, String(line))
            cmark_node_append_child(parent, node)
            first = false
        }
    }
}
