import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// One user template taken through everything `render` does with it (load, structure check,
/// compile, name check, render against the every-feature model), with no files: what the fuzzer and
/// the template tests drive.
public enum TemplateProbe {
    /// Renders `text` as the `model` template of the built-in set of `format` (`html` or `markdown`);
    /// nil with diagnostics when it is refused.
    public static func render(_ text: String, format: String) -> (output: String?, diagnostics: [Diagnostic]) {
        var diagnostics = DiagnosticBag()
        var set = TemplateSet.load(format: format, overrides: nil, into: &diagnostics)
        set.templates["model"] = TemplateSet.Template(name: "model", text: text, path: "fuzz/\(format)/model.mustache")
        guard let model = Exemplar.resolved() else { return (nil, diagnostics.diagnostics) }
        if format == "html" {
            let renderer = HTMLRenderer(templates: set, layout: GraphvizLayout(cache: nil), outputDirectory: "output")
            guard let library = renderer.check(into: &diagnostics) else { return (nil, diagnostics.diagnostics) }
            let page = renderer.page(for: model, diagrams: ModelDiagrams(model, every: .failure(.notInstalled))).page
            return (library.render(TemplateValue.encode(page), withTemplate: "model"), diagnostics.diagnostics)
        }
        let renderer = MarkdownRenderer(templates: set, outputDirectory: "output")
        guard let files = renderer.render([model], into: &diagnostics) else { return (nil, diagnostics.diagnostics) }
        return (files.values.sorted().first, diagnostics.diagnostics)
    }
}
