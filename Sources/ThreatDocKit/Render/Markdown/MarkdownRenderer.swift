import Foundation
import Mustache

/// The Markdown renderer: one document per model plus `README.md`, the index GitHub shows for the folder.
public struct MarkdownRenderer: Sendable {
    public var templates: TemplateSet
    /// The output folder, to compute links back to the model files.
    public var outputDirectory: String

    public init(templates: TemplateSet, outputDirectory: String) {
        self.templates = templates
        self.outputDirectory = outputDirectory
    }

    /// Checks the templates against the context's shape: every name, partial and content type.
    public func check(into diagnostics: inout DiagnosticBag) -> MustacheLibrary? {
        guard let library = templates.library(into: &diagnostics) else { return nil }
        let checker = TemplateChecker(set: templates, requiredContentType: "MARKDOWN")
        var found = DiagnosticBag()
        checker.check(root: "model", context: Exemplar.shapes.model, into: &found)
        checker.check(root: "index", context: Exemplar.shapes.index, into: &found)
        diagnostics.append(contentsOf: found)
        return found.hasErrors ? nil : library
    }

    /// The files to write, by path relative to the output folder.
    public func render(_ models: [ResolvedModel], into diagnostics: inout DiagnosticBag) -> [String: String]? {
        guard let library = check(into: &diagnostics) else { return nil }
        var files: [String: String] = [:]
        var names: [String] = []
        for model in models {
            let file = "\(ReportContextBuilder.baseName(of: model)).md"
            names.append(file)
            let context = ReportContextBuilder.build(model, file: file, sourceLink: Self.relativeLink(from: outputDirectory, to: model.sourcePath))
            files[file] = Self.tidy(library.render(context, withTemplate: "model") ?? "")
        }
        files["README.md"] = Self.tidy(library.render(ReportContextBuilder.index(models, files: names), withTemplate: "index") ?? "")
        return files
    }

    public func context(for model: ResolvedModel) -> ModelReport {
        ReportContextBuilder.build(model, file: "\(ReportContextBuilder.baseName(of: model)).md",
                                   sourceLink: Self.relativeLink(from: outputDirectory, to: model.sourcePath))
    }

    /// Collapses runs of blank lines that optional sections leave behind, and ends with one newline.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        var inFence = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") { inFence.toggle() }
            if !inFence, trimmed.isEmpty, lines.last?.trimmingCharacters(in: .whitespaces).isEmpty ?? true { continue }
            lines.append(inFence ? line : Substring(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)))
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A relative path from a folder to a file, both given relative to the working directory (or
    /// absolute); nil when one is absolute and the other is not.
    static func relativeLink(from directory: String, to file: String) -> String? {
        let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let from = URL(fileURLWithPath: directory, relativeTo: base).standardizedFileURL.pathComponents
        let to = URL(fileURLWithPath: file, relativeTo: base).standardizedFileURL.pathComponents
        var common = 0
        while common < from.count, common < to.count - 1, from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let path = (ups + to[common...]).joined(separator: "/")
        return path.isEmpty ? nil : path
    }
}
