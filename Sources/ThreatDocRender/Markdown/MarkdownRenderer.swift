import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import Foundation
import Mustache

/// The Markdown renderer: one document per model plus `README.md`, the index GitHub shows for the folder.
public struct MarkdownRenderer: Sendable {
    public var templates: TemplateSet
    /// The output folder, to compute links back to the model files.
    public var outputDirectory: String
    public var cache: any PageStore

    public init(templates: TemplateSet, outputDirectory: String, cache: any PageStore = NoPageStore()) {
        self.templates = templates
        self.outputDirectory = outputDirectory
        self.cache = cache
    }

    /// Checks the templates against the context's shape: every name, partial and content type.
    func check(into diagnostics: inout DiagnosticBag) -> TemplateRenderer? {
        templates.checkedRenderer(contentType: "MARKDOWN", model: Exemplar.shapes.model, index: Exemplar.shapes.index,
                                  into: &diagnostics)
    }

    /// The files to write, by path relative to the output folder.
    public func render(_ models: [ResolvedModel], into diagnostics: inout DiagnosticBag) -> [String: String]? {
        guard let library = check(into: &diagnostics) else { return nil }
        let names = models.map { "\(ReportContextBuilder.baseName(of: $0)).md" }
        let outputDirectory = self.outputDirectory
        // Models render independently; use every core. A page kept from the previous output has no
        // text here (nil); the writer keeps its file.
        let cache = self.cache, templateDigest = templates.digest
        let pages: [String?] = concurrentMap(models.count) { index in
            let sourceLink = ReportContextBuilder.relativeLink(from: outputDirectory, to: models[index].sourcePath)
            let key = cache.key(format: "markdown", model: models[index], templates: templateDigest, extra: sourceLink ?? "")
            if cache.keep(names[index], key: key) { return nil }
            if let hit = cache.lookup(key) {
                cache.record(names[index], key: key)
                return hit
            }
            let timer = StageTimer.shared
            let context = timer.measure("markdown: view model") { ReportContextBuilder.build(models[index], file: names[index], sourceLink: sourceLink, renderings: .markdown) }
            let value = timer.measure("markdown: encode") { TemplateValue.encode(context) }
            let raw = timer.measure("markdown: template") { library.render(value, withTemplate: "model") ?? "" }
            let page = timer.measure("markdown: tidy") { Self.tidy(raw) }
            cache.store(key, page)
            cache.record(names[index], key: key)
            return page
        }
        var files: [String: String] = [:]
        for (name, page) in zip(names, pages) { files[name] = page }
        files["README.md"] = Self.tidy(library.render(TemplateValue.encode(ReportContextBuilder.index(models, files: names)), withTemplate: "index") ?? "")
        return files
    }

    public func context(for model: ResolvedModel) -> ModelReport {
        ReportContextBuilder.build(model, file: "\(ReportContextBuilder.baseName(of: model)).md",
                                   sourceLink: ReportContextBuilder.relativeLink(from: outputDirectory, to: model.sourcePath), renderings: .all)
    }

    /// Collapses runs of blank lines that optional sections leave behind, and ends with one newline.
    static func tidy(_ text: String) -> String {
        // Works on bytes: this runs over every line of every report.
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var inFence = false
        var previousBlank = true
        var line: [UInt8] = []
        func flush() {
            var end = line.count
            if !inFence { while end > 0, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 } }
            let content = line[..<end]
            let trimmedStart = content.drop { $0 == 0x20 || $0 == 0x09 }
            let isFence = trimmedStart.starts(with: [0x60, 0x60, 0x60])
            let blank = trimmedStart.isEmpty
            if isFence { inFence.toggle() }
            if !inFence, !isFence, blank, previousBlank { line.removeAll(keepingCapacity: true); return }
            out.append(contentsOf: content)
            out.append(0x0A)
            previousBlank = blank && !isFence
            line.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            if byte == 0x0A { flush() } else { line.append(byte) }
        }
        flush()
        while out.count >= 2, out[out.count - 1] == 0x0A, out[out.count - 2] == 0x0A { out.removeLast() }
        if out.last != 0x0A { out.append(0x0A) }
        return String(decoding: out, as: UTF8.self)
    }
}
