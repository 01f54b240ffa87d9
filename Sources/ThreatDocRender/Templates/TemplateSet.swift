import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
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

    /// Why `directory` cannot be a templates folder, or nil.
    public static func problem(withFolder directory: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return "no such templates folder: \(directory)" }
        guard isDirectory.boolValue else { return "the templates folder \(directory) is not a folder" }
        guard FileManager.default.isReadableFile(atPath: directory), (try? FileManager.default.contentsOfDirectory(atPath: directory)) != nil else {
            return "cannot read the templates folder \(directory)"
        }
        // A folder named inside the project must be inside it for real: a link from `templates` (or
        // `templates/html`) to elsewhere could publish any file as a stylesheet.
        for folder in [directory] + ["html", "markdown"].map({ (directory as NSString).appendingPathComponent($0) })
        where !(folder as NSString).isAbsolutePath && !folder.hasPrefix("..") && ModelLoader.leaves(folder, folder: ".") {
            return "the templates folder \(folder) is a symbolic link to a folder outside this project"
        }
        for format in ["html", "markdown"] {
            let folder = (directory as NSString).appendingPathComponent(format)
            if ModelLoader.leaves(folder, folder: directory) {
                return "\(folder) is a symbolic link to a folder outside \(directory)"
            }
        }
        return nil
    }

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
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            // One pass: each file is checked, read and decoded once, stylesheet or template alike.
            for file in names.sorted() where file.hasSuffix(".css") || file.hasSuffix(".mustache") {
                let path = (folder as NSString).appendingPathComponent(file)
                let at = SourceLocation(file: path, line: 1, column: 1)
                let isStylesheet = file.hasSuffix(".css")
                // A link out of the folder could copy any file (/proc/self/environ) into the published site.
                if ModelLoader.leaves(path, folder: folder) {
                    diagnostics.report(.linkOutsideModels, "not read: this template file is a symbolic link to a file outside \(folder)", at: at)
                    continue
                }
                if isStylesheet, !OutputPaths.isGeneratedShape("html/" + file) {
                    diagnostics.report(.ioError, "the stylesheet name '\(file)' is not a plain file name (letters, digits, '.', '_', '-')", at: at)
                    continue
                }
                let bytes: [UInt8]
                do {
                    guard let read = try FileReading.readRegularFile(path, limit: 1 << 20) else {
                        diagnostics.report(.ioError, "template \(path) is larger than 1 MiB", at: at)
                        continue
                    }
                    bytes = read
                } catch {
                    diagnostics.report(.ioError, "cannot read template \(path): \(error.message)", at: at)
                    continue
                }
                guard let text = String(bytes: bytes, encoding: .utf8) else {
                    diagnostics.report(.ioError, "template \(path) is not UTF-8", at: at, help: "save the template as UTF-8")
                    continue
                }
                if isStylesheet {
                    assets[file] = text
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
    ///
    /// Every step is linear in the templates' size: the structure (nesting, pragmas, partial cycles)
    /// is checked on one pass over the tags before anything recursive runs; templates are parsed by
    /// threatdoc's compiler; swift-mustache, whose parser is quadratic (it counts the characters left
    /// before every read), parses only a set the compiler refuses, for its syntax error, and only up
    /// to 64 KiB.
    func checkedRenderer(contentType: String, model: TemplateChecker.Shape, index: TemplateChecker.Shape,
                         into diagnostics: inout DiagnosticBag) -> TemplateRenderer? {
        let checker = TemplateChecker(set: self, requiredContentType: contentType)
        var found = DiagnosticBag()
        defer {
            found.limitRepeats(to: Pipeline.maxRepeatsPerCode)
            diagnostics.append(contentsOf: found)
        }
        checker.checkStructure(roots: ["model", "index"], into: &found)
        guard !found.hasErrors else { return nil }
        // Only the compiled engine renders: it reads templates exactly as the check does. A template it
        // refuses is an error: the check's own finding (inheritance, set delimiters) when it has one,
        // else swift-mustache's syntax error, else that threatdoc does not render it.
        let compiled = TemplateRenderer.compile(self)
        checker.check(root: "model", context: model, into: &found)
        checker.check(root: "index", context: index, into: &found)
        guard let compiled else {
            if !found.hasErrors, library(into: &found) != nil {
                for template in templates.values.sorted(by: { $0.name < $1.name }) where TemplateCompiler.compile(template.text) == nil {
                    found.report(.templateSyntax, "template '\(template.name)' uses Mustache that threatdoc does not render",
                                 at: SourceLocation(file: template.path, line: 1, column: 1),
                                 help: "use variables, sections, inverted sections, comments, partials and transforms")
                }
            }
            return nil
        }
        let renderer = TemplateRenderer(compiled: compiled)
        return found.hasErrors ? nil : renderer
    }

    /// The largest template swift-mustache is given: its parser's cost grows with the square of the size.
    static let maxSwiftMustacheBytes = 64 << 10

    /// Parses every template into a library, reporting syntax errors at their template line and column.
    func library(into diagnostics: inout DiagnosticBag) -> MustacheLibrary? {
        MarkdownRendering.registerContentTypes
        var library = MustacheLibrary()
        var failed = false
        // The cap is on the whole set: its cost is per template, so many files would add up.
        var budget = Self.maxSwiftMustacheBytes * 4
        for template in templates.values.sorted(by: { $0.name < $1.name }) {
            budget -= template.text.utf8.count
            guard template.text.utf8.count <= Self.maxSwiftMustacheBytes, budget >= 0 else {
                failed = true
                diagnostics.report(.templateSyntax,
                    "template '\(template.name)' is malformed or uses a Mustache extension (transforms, dynamic partials), "
                        + "which threatdoc reads only in templates up to 64 KiB and sets up to 256 KiB",
                    at: SourceLocation(file: template.path, line: 1, column: 1))
                continue
            }
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
