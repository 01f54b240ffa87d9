import Foundation
import Mustache

/// The templates of one output format: the built-in defaults, with any subset overridden from a folder.
public struct TemplateSet: Sendable {
    public struct Template: Sendable {
        public var name: String
        public var text: String
        /// Where it came from, for diagnostics: `templates/markdown/model.mustache` or `(built-in) markdown/model.mustache`.
        public var path: String
    }

    public var format: String
    public var templates: [String: Template]
    /// Static files written beside the output (the HTML site's stylesheet), by file name.
    public var assets: [String: String] = [:]

    /// The default templates of `format`, overridden by `<directory>/<format>/<name>.mustache` files.
    /// Extra files in the folder are available as partials.
    public static func load(format: String, overrides directory: String?, into diagnostics: inout DiagnosticBag) -> TemplateSet {
        var templates: [String: Template] = [:]
        var assets = builtinAssets[format] ?? [:]
        for (name, text) in builtin[format] ?? [:] {
            templates[name] = Template(name: name, text: text, path: "(built-in) \(format)/\(name).mustache")
        }
        if let directory {
            let folder = (directory as NSString).appendingPathComponent(format)
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                diagnostics.report(.ioError, "no such templates folder: \(directory)", at: nil)
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for file in names.sorted() where file.hasSuffix(".css") {
                let path = (folder as NSString).appendingPathComponent(file)
                if let bytes = try? FileReading.readRegularFile(path, limit: 1 << 20), let text = String(bytes: bytes, encoding: .utf8) {
                    assets[file] = text
                } else {
                    diagnostics.report(.ioError, "cannot read \(path)", at: SourceLocation(file: path, line: 1, column: 1))
                }
            }
            for file in names.sorted() where file.hasSuffix(".mustache") {
                let path = (folder as NSString).appendingPathComponent(file)
                guard let bytes = try? FileReading.readRegularFile(path, limit: 1 << 20),
                      let text = String(bytes: bytes, encoding: .utf8) else {
                    diagnostics.report(.ioError, "cannot read template \(path)", at: SourceLocation(file: path, line: 1, column: 1))
                    continue
                }
                let name = String(file.dropLast(".mustache".count))
                templates[name] = Template(name: name, text: text, path: path)
            }
        }
        return TemplateSet(format: format, templates: templates, assets: assets)
    }

    /// The renderer for this set, once every template parses and the `model` and `index` templates
    /// (with their partials) use only names their contexts have; nil, with diagnostics, otherwise.
    func checkedRenderer(contentType: String, model: TemplateChecker.Shape, index: TemplateChecker.Shape,
                         into diagnostics: inout DiagnosticBag) -> TemplateRenderer? {
        guard let library = library(into: &diagnostics) else { return nil }
        let checker = TemplateChecker(set: self, requiredContentType: contentType)
        var found = DiagnosticBag()
        checker.check(root: "model", context: model, into: &found)
        checker.check(root: "index", context: index, into: &found)
        diagnostics.append(contentsOf: found)
        return found.hasErrors ? nil : TemplateRenderer(library: library, templates: self)
    }

    /// Parses every template into a library, reporting syntax errors at their template line and column.
    func library(into diagnostics: inout DiagnosticBag) -> MustacheLibrary? {
        MarkdownRendering.registerContentTypes
        var library = MustacheLibrary()
        var failed = false
        for template in templates.values.sorted(by: { $0.name < $1.name }) {
            do {
                library.register(try MustacheTemplate(string: template.text), named: template.name)
            } catch let error as MustacheTemplate.ParserError {
                failed = true
                diagnostics.report(.templateSyntax, "template syntax error: \(error.error)",
                                   at: SourceLocation(file: template.path, line: error.context.lineNumber,
                                                      column: error.context.columnNumber))
            } catch {
                failed = true
                diagnostics.report(.templateSyntax, "template syntax error: \(error)",
                                   at: SourceLocation(file: template.path, line: 1, column: 1))
            }
        }
        return failed ? nil : library
    }
}

enum MarkdownRendering {
    /// Registers threatdoc's content types with swift-mustache, once: MARKDOWN, and an HTML escaper
    /// that also neutralises control and bidirectional characters (partials reset to HTML).
    static let registerContentTypes: Void = {
        MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
        MustacheContentTypes.register(SafeHTMLContentType(), named: "HTML")
    }()
}

struct SafeHTMLContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { HTMLEscaping.text(text) }
}
