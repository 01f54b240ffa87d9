import ThreatDocModel
import ThreatDocReport

extension ReportContextBuilder.Renderings {
    /// For Markdown reports: prose made inert, no HTML.
    public static let markdown = Self(markdownProse: MarkdownProse.sanitize, htmlProse: nil, mermaid: MermaidDiagram.diagrams)
    /// For the HTML site and the template context: prose both ways.
    public static let all = Self(markdownProse: MarkdownProse.sanitize, htmlProse: ProseRenderer.html, mermaid: MermaidDiagram.diagrams)
}

extension ReportContextBuilder.Renderings {
    /// For HTML pages: prose through libcmark; the Markdown fields keep the text as written.
    public static let html = Self(markdownProse: nil, htmlProse: ProseRenderer.html, mermaid: MermaidDiagram.diagrams)
}
