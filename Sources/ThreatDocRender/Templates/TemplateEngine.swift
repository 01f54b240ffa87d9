import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import Foundation
import Mustache

/// Renders a template set: compiled by threatdoc when every template keeps to the Mustache that
/// threatdoc's templates use, through swift-mustache otherwise.
///
/// swift-mustache stays the reference: it parses every template first (syntax errors come from it),
/// renders any template that uses its extensions (transforms, inheritance, dynamic partials, set
/// delimiters), and a test renders every built-in template with both and requires identical bytes.
/// The compiled path exists for speed: swift-mustache splits each name and makes several dynamic
/// casts on every lookup, about 11,000 instructions, which made rendering 200 models take seconds.
/// Compiled templates resolve pre-split names on `TemplateValue`s, with no casts.
struct TemplateRenderer: Sendable {
    enum Engine: Sendable {
        case compiled([String: [TemplateNode]])
        case mustache(MustacheLibrary)
    }

    let engine: Engine

    /// The compiled engine when every template compiles; swift-mustache's library otherwise.
    init(library: MustacheLibrary, templates: TemplateSet, allowCompiled: Bool = true) {
        let compiled = allowCompiled ? Self.compile(templates) : nil
        engine = compiled.map(Engine.compiled) ?? .mustache(library)
    }

    init(compiled: [String: [TemplateNode]]) {
        engine = .compiled(compiled)
    }

    /// Every template of the set compiled, or nil when one of them uses what only swift-mustache renders.
    static func compile(_ set: TemplateSet) -> [String: [TemplateNode]]? {
        var compiled: [String: [TemplateNode]] = [:]
        for template in set.templates.values {
            guard let nodes = TemplateCompiler.compile(template.text) else { return nil }
            compiled[template.name] = nodes
        }
        return compiled
    }

    var isCompiled: Bool {
        if case .compiled = engine { return true }
        return false
    }

    /// The template `name` rendered with `context`; nil when there is no such template.
    func render(_ context: TemplateValue, withTemplate name: String) -> String? {
        switch engine {
        case .mustache(let library):
            return library.render(context.mustacheObject, withTemplate: name)
        case .compiled(let templates):
            guard let nodes = templates[name] else { return nil }
            var renderer = CompiledRendering(templates: templates, stack: [context])
            var output = ""
            renderer.render(nodes, escaping: .defaultHTML, indentation: nil, into: &output)
            return output
        }
    }
}

/// A parsed template: text, names resolved at render time, sections and partials.
indirect enum TemplateNode: Sendable {
    case text(String)
    case variable(TemplateName, escaped: Bool)
    case section(TemplateName, [TemplateNode])
    case invertedSection(TemplateName, [TemplateNode])
    case partial(String, indentation: String?)
    case contentType(TemplateEscaping)
}

/// A name as written, split at dots once instead of on every lookup.
struct TemplateName: Sendable {
    enum Scope: Sendable {
        /// `.`: the current value.
        case current
        /// `.name`: only the current value's field.
        case top
        /// `name` or `a.b`: the innermost value on the stack that has the first part.
        case stack
    }

    var scope: Scope
    var parts: [String]
    /// swift-mustache transforms around the name, outermost first: `uppercased(name)`.
    var transforms: [String]

    /// nil when the brackets of a transform are not well formed.
    init?(_ text: String) {
        guard let (transforms, name) = TemplateTransforms.split(text) else { return nil }
        self.transforms = transforms
        parts = name.split(separator: ".").map(String.init)
        scope = name == "." ? .current : name.first == "." ? .top : .stack
    }
}

/// How `{{name}}` escapes, set by `{{% CONTENT_TYPE: … }}`.
enum TemplateEscaping: Sendable {
    /// Before any CONTENT_TYPE (threatdoc's template check requires one, so this is a fallback):
    /// swift-mustache escapes `< > & " '`; threatdoc's HTML escaping does that and more.
    case defaultHTML
    case html
    case markdown
    case text

    init?(contentType: String) {
        switch contentType {
        case "HTML": self = .html
        case "MARKDOWN": self = .markdown
        case "TEXT": self = .text
        default: return nil
        }
    }

    func escape(_ text: String) -> String {
        switch self {
        case .defaultHTML, .html: HTMLEscaping.text(text)
        case .markdown: MarkdownEscaping.inline(text)
        case .text: text
        }
    }
}

/// Renders compiled templates with swift-mustache's semantics: lists repeat a section once per item,
/// `true` shows it, `false`, null, a missing name and an empty list hide it, and any other value shows
/// it with that value as the innermost scope.
private struct CompiledRendering {
    let templates: [String: [TemplateNode]]
    var stack: [TemplateValue]

    mutating func render(_ nodes: [TemplateNode], escaping initial: TemplateEscaping, indentation: String?,
                         into output: inout String) {
        var escaping = initial
        guard let indentation, !indentation.isEmpty else {
            for node in nodes { render(node, escaping: &escaping, indentation: indentation, into: &output) }
            return
        }
        // A standalone partial's indentation goes before each piece that starts a new line, judged
        // within this template's own output, exactly as swift-mustache does.
        var local = ""
        for node in nodes {
            var piece = ""
            render(node, escaping: &escaping, indentation: indentation, into: &piece)
            if !piece.isEmpty, local.last == "\n" { local += indentation }
            local += piece
        }
        output += local
    }

    private mutating func render(_ node: TemplateNode, escaping: inout TemplateEscaping, indentation: String?,
                                 into output: inout String) {
        switch node {
        case .text(let text):
            output += text
        case .variable(let name, let escaped):
            switch lookup(name) {
            case .text(let text): output += escaped ? escaping.escape(text) : text
            case .number(let number): output += escaped ? escaping.escape(String(number)) : String(number)
            case .bool(let flag): output += escaped ? escaping.escape(String(flag)) : String(flag)
            case .list, .object:
                // What swift-mustache prints for these: a Swift description, rarely useful but the same.
                let description = String(describing: lookup(name)!.mustacheObject)
                output += escaped ? escaping.escape(description) : description
            case .null, nil: break
            }
        case .section(let name, let nodes):
            switch lookup(name) {
            case .list(let items):
                for item in items { renderScoped(item, nodes, escaping: escaping, indentation: indentation, into: &output) }
            case .bool(let flag):
                if flag { render(nodes, escaping: escaping, indentation: indentation, into: &output) }
            case .null, nil:
                break
            case .some(let value):
                renderScoped(value, nodes, escaping: escaping, indentation: indentation, into: &output)
            }
        case .invertedSection(let name, let nodes):
            switch lookup(name) {
            case .list(let items):
                if items.isEmpty { renderScoped(.list(items), nodes, escaping: escaping, indentation: indentation, into: &output) }
            case .bool(let flag):
                if !flag { render(nodes, escaping: escaping, indentation: indentation, into: &output) }
            case .null, nil:
                render(nodes, escaping: escaping, indentation: indentation, into: &output)
            case .some:
                break
            }
        case .partial(let name, let indented):
            guard let nodes = templates[name] else { return }
            let combined = indented.map { (indentation ?? "") + $0 } ?? indentation
            // A partial starts with the default escaping, as in swift-mustache.
            render(nodes, escaping: .defaultHTML, indentation: combined, into: &output)
        case .contentType(let type):
            escaping = type
        }
    }

    private mutating func renderScoped(_ value: TemplateValue, _ nodes: [TemplateNode], escaping: TemplateEscaping,
                                       indentation: String?, into output: inout String) {
        stack.append(value)
        render(nodes, escaping: escaping, indentation: indentation, into: &output)
        stack.removeLast()
    }

    /// The value `name` refers to, its transforms applied; nil when it is missing or null.
    private func lookup(_ name: TemplateName) -> TemplateValue? {
        let found = lookupName(name)
        return name.transforms.isEmpty ? found : TemplateTransforms.apply(name.transforms, to: found)
    }

    /// The value the name (without transforms) refers to; `.null` when it is present but empty, nil when it is missing.
    private func lookupName(_ name: TemplateName) -> TemplateValue? {
        let found: TemplateValue?
        switch name.scope {
        case .current:
            return stack.last
        case .top:
            found = descend(stack.last, name.parts[...])
        case .stack:
            guard let first = name.parts.first else { return stack.last }
            var hit: TemplateValue?
            for value in stack.reversed() {
                if case .object(let object) = value, let child = object.field(first) {
                    hit = descend(child, name.parts.dropFirst())
                    break
                }
            }
            found = hit
        }
        if case .null = found { return nil }
        return found
    }

    private func descend(_ value: TemplateValue?, _ parts: ArraySlice<String>) -> TemplateValue? {
        var current = value
        for part in parts {
            guard case .object(let object) = current else { return nil }
            current = object.field(part)
        }
        return current
    }
}

/// Parses Mustache into `TemplateNode`s with swift-mustache's rules for whitespace and standalone
/// lines, so that both give the same bytes. Returns nil for anything threatdoc does not compile
/// (swift-mustache then renders the set).
enum TemplateCompiler {
    private static let nameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
    private static let partialNameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/")
    private static let configCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")

    static func compile(_ text: String) -> [TemplateNode]? {
        var parser = Parser(characters: Array(text))
        guard let (nodes, closed) = parse(&parser, section: nil, newLine: true), closed == nil else { return nil }
        return nodes
    }

    private struct Parser {
        let characters: [Character]
        var position = 0

        var atEnd: Bool { position == characters.count }
        var current: Character { atEnd ? "\0" : characters[position] }

        mutating func advance() { position += 1 }

        @discardableResult
        mutating func read(while predicate: (Character) -> Bool) -> String {
            let start = position
            while !atEnd, predicate(characters[position]) { position += 1 }
            return String(characters[start..<position])
        }

        mutating func read(_ literal: String) -> Bool {
            let expected = Array(literal)
            guard position + expected.count <= characters.count,
                  Array(characters[position..<position + expected.count]) == expected else { return false }
            position += expected.count
            return true
        }

        /// Text up to a newline (not consumed) or a `{{` (consumed).
        mutating func readText() -> String {
            var text = ""
            while !atEnd {
                let character = characters[position]
                if character == "\n" || character == "\r\n" { break }
                if character == "{" {
                    if read("{{") { break }
                    text.append(character)
                    advance()
                    continue
                }
                text.append(character)
                advance()
            }
            return text
        }

        /// Whether only spaces and tabs remain on this line; if so, moves past its newline.
        mutating func lineFinished() -> Bool {
            if atEnd { return true }
            var probe = self
            probe.read { $0 == " " || $0 == "\t" }
            if probe.current.isNewline {
                probe.advance()
                position = probe.position
                return true
            }
            return false
        }

        /// `name}}` with surrounding whitespace; nil when it does not close.
        mutating func name(characters allowed: Set<Character>) -> String? {
            read { $0.isWhitespace }
            let name = read { allowed.contains($0) }
            read { $0.isWhitespace }
            return read("}}") ? name : nil
        }
    }

    /// Parses until the end or the close of `section`; returns the nodes and the name that closed them.
    private static func parse(_ parser: inout Parser, section: String?, newLine initialNewLine: Bool)
        -> (nodes: [TemplateNode], closed: String?)? {
        var nodes: [TemplateNode] = []
        var newLine = initialNewLine
        var whitespaceBefore = ""
        func standalone(_ parser: inout Parser) -> Bool { newLine && parser.lineFinished() }
        func flushWhitespace() {
            if !whitespaceBefore.isEmpty {
                nodes.append(.text(whitespaceBefore))
                whitespaceBefore = ""
            }
        }
        while !parser.atEnd {
            if newLine { whitespaceBefore = parser.read { $0 == " " || $0 == "\t" } }
            let text = parser.readText()
            if parser.current.isNewline {
                nodes.append(.text(whitespaceBefore + text + String(parser.current)))
                newLine = true
                parser.advance()
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(whitespaceBefore + text))
                whitespaceBefore = ""
                newLine = false
            }
            if parser.atEnd { break }
            var setNewLine = false
            switch parser.current {
            case "#", "^":
                let inverted = parser.current == "^"
                parser.advance()
                guard let name = parser.name(characters: nameCharacters), let compiled = TemplateName(name) else { return nil }
                if standalone(&parser) { setNewLine = true } else { flushWhitespace() }
                guard let (children, closed) = parse(&parser, section: name, newLine: setNewLine), closed == name else { return nil }
                nodes.append(inverted ? .invertedSection(compiled, children) : .section(compiled, children))
            case "/":
                parser.advance()
                guard let name = parser.name(characters: nameCharacters), name == section else { return nil }
                if !standalone(&parser) { flushWhitespace() }
                return (nodes, name)
            case "!":
                parser.advance()
                while !parser.atEnd, !parser.read("}}") { parser.advance() }
                setNewLine = standalone(&parser)
            case "{", "&":
                let triple = parser.current == "{"
                flushWhitespace()
                parser.advance()
                guard let name = parser.name(characters: nameCharacters), let compiled = TemplateName(name) else { return nil }
                if triple, !parser.read("}") { return nil }
                nodes.append(.variable(compiled, escaped: false))
            case ">":
                parser.advance()
                parser.read { $0.isWhitespace }
                guard parser.current != "*", let name = parser.name(characters: partialNameCharacters) else { return nil }
                if !whitespaceBefore.isEmpty { nodes.append(.text(whitespaceBefore)) }
                if standalone(&parser) {
                    setNewLine = true
                    nodes.append(.partial(name, indentation: whitespaceBefore))
                } else {
                    nodes.append(.partial(name, indentation: nil))
                }
                whitespaceBefore = ""
            case "%":
                parser.advance()
                parser.read { $0.isWhitespace }
                let variable = parser.read { configCharacters.contains($0) }
                parser.read { $0.isWhitespace }
                guard variable == "CONTENT_TYPE", parser.read(":") else { return nil }
                parser.read { $0.isWhitespace }
                let value = parser.read { configCharacters.contains($0) }
                parser.read { $0.isWhitespace }
                guard parser.read("}}"), let escaping = TemplateEscaping(contentType: value) else { return nil }
                nodes.append(.contentType(escaping))
                setNewLine = standalone(&parser)
            case "<", "$", "=":
                // Inheritance and set delimiters: swift-mustache renders these.
                return nil
            default:
                flushWhitespace()
                guard let name = parser.name(characters: nameCharacters), let compiled = TemplateName(name) else { return nil }
                nodes.append(.variable(compiled, escaped: true))
            }
            newLine = setNewLine
        }
        return section == nil ? (nodes, nil) : nil
    }
}
