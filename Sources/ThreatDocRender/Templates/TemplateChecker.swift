import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// Checks templates against the shape of their context before rendering.
///
/// swift-mustache renders a missing name or partial as empty text, so a misspelt `{{modle.title}}`
/// would silently blank a report. This walks each template's tags with a stack of context shapes,
/// the way Mustache resolves names, and reports every name the context cannot have, with the
/// template's path, line and column.
public struct TemplateChecker {
    /// The shape of a context value, read from an example by reflection.
    public indirect enum Shape: Equatable, Sendable {
        case text
        case number
        case flag
        /// A value of unknown kind (an example without one).
        case scalar
        case object([String: Shape])
        case list(Shape)

        /// The shape of `value`: structs become objects, arrays lists, strings text, integers numbers,
        /// booleans flags, anything else an unknown scalar.
        public static func of(_ value: Any) -> Shape {
            switch value {
            case is String: return .text
            case is Int: return .number
            case is Bool: return .flag
            default: break
            }
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                guard let child = mirror.children.first else { return .scalar }
                return of(child.value)
            case .collection, .set:
                return .list(mirror.children.map { of($0.value) }.reduce(Shape.scalar) { $0.merged($1) })
            case .struct, .class:
                var keys: [String: Shape] = [:]
                for child in mirror.children {
                    guard let label = child.label else { continue }
                    keys[label] = of(child.value)
                }
                return .object(keys)
            default:
                return .scalar
            }
        }

        /// Two examples of the same value combined: a known shape wins over an unknown scalar.
        func merged(_ other: Shape) -> Shape {
            switch (self, other) {
            case (.scalar, _): return other
            case (_, .scalar): return self
            case (.text, .text), (.number, .number), (.flag, .flag): return self
            case (.object(let a), .object(let b)):
                return .object(a.merging(b) { $0.merged($1) })
            case (.list(let a), .list(let b)): return .list(a.merged(b))
            default: return self
            }
        }
    }

    let set: TemplateSet
    /// The content type every template must declare (`MARKDOWN`), or nil for none.
    let requiredContentType: String?

    public init(set: TemplateSet, requiredContentType: String?) {
        self.set = set
        self.requiredContentType = requiredContentType
    }

    /// Checks `root` and every partial it reaches against a context shaped like `shape`.
    public func check(root: String, context shape: Shape, into diagnostics: inout DiagnosticBag) {
        guard let template = set.templates[root] else {
            diagnostics.report(.templateMissingPartial, "no template named '\(root)'", at: nil)
            return
        }
        var visited = Set<String>()
        check(template, scopes: [shape], sections: [], visiting: [], visited: &visited, into: &diagnostics)
    }

    /// Sections nest at most this deep in one template; deeper input would only exhaust the stack.
    public static let maxSectionDepth = 64
    /// Partials nest at most this deep.
    public static let maxPartialDepth = 16

    /// One linear pass over every template's tags, before anything recursive parses or renders them:
    /// sections nested too deep, a pragma after the first tag (a second CONTENT_TYPE would turn
    /// escaping off for the rest), and partials that include themselves or nest too deep.
    public func checkStructure(roots: [String], into diagnostics: inout DiagnosticBag) {
        var includes: [String: [(name: String, location: SourceLocation)]] = [:]
        for template in set.templates.values.sorted(by: { $0.name < $1.name }) {
            var depth = 0
            for (index, tag) in Self.tags(in: template.text).enumerated() {
                let location = SourceLocation(file: template.path, line: tag.line, column: tag.column)
                switch tag.sigil {
                case "#", "^", "$", "<":
                    depth += 1
                    if tag.sigil == "<" { includes[template.name, default: []].append((tag.name, location)) }
                    if depth > Self.maxSectionDepth {
                        diagnostics.report(.templateSyntax,
                            "template '\(template.name)' nests sections deeper than \(Self.maxSectionDepth)", at: location)
                        break
                    }
                case "/":
                    depth = max(0, depth - 1)
                case "%" where index > 0:
                    diagnostics.report(.templateContentType,
                        "template '\(template.name)' has a second pragma, which would change how what follows is escaped; "
                            + "only its first tag may be {{% CONTENT_TYPE: … }}", at: location)
                case ">":
                    includes[template.name, default: []].append((tag.name, location))
                default:
                    break
                }
                if depth > Self.maxSectionDepth { break }
            }
        }
        checkPartialGraph(includes, roots: roots, into: &diagnostics)
    }

    /// Depth-first over "template includes partial", without recursion: a cycle is reported with its
    /// chain, and the longest chain from a root may be `maxPartialDepth` partials.
    private func checkPartialGraph(_ includes: [String: [(name: String, location: SourceLocation)]], roots: [String],
                                   into diagnostics: inout DiagnosticBag) {
        enum State { case active, done }
        var state: [String: State] = [:]
        var height: [String: Int] = [:]
        var cycles = false
        for start in set.templates.keys.sorted() where state[start] == nil {
            var stack: [(name: String, next: Int)] = [(start, 0)]
            state[start] = .active
            while let top = stack.last {
                let edges = includes[top.name] ?? []
                guard top.next < edges.count else {
                    height[top.name] = 1 + (edges.map { height[$0.name] ?? 0 }.max() ?? 0)
                    state[top.name] = .done
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let edge = edges[top.next]
                guard set.templates[edge.name] != nil else { continue }  // a missing partial is reported by `check`
                switch state[edge.name] {
                case .active:
                    cycles = true
                    let path = stack.map(\.name)
                    let chain = path[(path.firstIndex(of: edge.name) ?? 0)...] + [edge.name]
                    diagnostics.report(.templatePartialCycle,
                        "template '\(top.name)' includes '\(edge.name)', which includes it again: \(chain.joined(separator: " → "))",
                        at: edge.location)
                case .done:
                    continue
                case nil:
                    state[edge.name] = .active
                    stack.append((edge.name, 0))
                }
            }
        }
        guard !cycles else { return }
        for root in roots {
            guard let template = set.templates[root], let levels = height[root], levels - 1 > Self.maxPartialDepth else { continue }
            diagnostics.report(.templatePartialCycle,
                "template '\(root)' reaches partials \(levels - 1) deep; at most \(Self.maxPartialDepth) are allowed",
                at: SourceLocation(file: template.path, line: 1, column: 1))
        }
    }

    /// Whether `{{{name}}}` may emit a value raw: only what threatdoc made safe itself, judged by the
    /// value's full path in the context (`threatGroups.threats.description`), not its last name, since
    /// an asset's `description` is plain model text where a threat's is made-inert prose.
    func mayEmitRaw(_ path: [String]) -> Bool {
        guard let field = path.last else { return false }
        switch requiredContentType {
        case "HTML": return field.hasSuffix("HTML") || field.hasSuffix("SVG")
        case "MARKDOWN":
            let joined = path.joined(separator: ".")
            return field == "anchor" || field == "mermaid" || joined == "models.file"
                || ["threats.description", "mitigations.description", "model.summary"].contains { joined.hasSuffix($0) }
        default: return true
        }
    }

    private struct Tag {
        var sigil: Character?
        var name: String
        var line: Int
        var column: Int
    }

    private func check(_ template: TemplateSet.Template, scopes initial: [Shape], sections outer: [String], visiting: [String],
                       visited: inout Set<String>, into diagnostics: inout DiagnosticBag) {
        // A partial is checked once per scope shape it is used with; a cycle of partials stops here.
        guard !visiting.contains(template.name), visiting.count < 16 else { return }
        var scopes = initial
        // The sections open around each tag, the including templates' first: `{{{.}}}` is the innermost.
        var sections = outer
        let tags = Self.tags(in: template.text)
        if let required = requiredContentType {
            let first = tags.first
            if first?.sigil != "%" || first?.name.replacingOccurrences(of: " ", with: "") != "CONTENT_TYPE:\(required)" {
                diagnostics.report(.templateContentType,
                    "template '\(template.name)' does not start with {{% CONTENT_TYPE: \(required) }}",
                    at: SourceLocation(file: template.path, line: 1, column: 1))
            }
        }
        for tag in tags {
            let location = SourceLocation(file: template.path, line: tag.line, column: tag.column)
            switch tag.sigil {
            case "!", "%":
                continue
            case "=":
                diagnostics.report(.templateSyntax, "changing delimiters is not supported in threatdoc templates", at: location)
            case "<", "$":
                // A parent template's text would be rendered without being checked here.
                diagnostics.report(.templateSyntax, "template inheritance ({{< parent}}, {{$ block}}) is not supported in threatdoc templates; use partials", at: location)
            case "#":
                let shape = resolve(tag.name, scopes: scopes, template: template.name, at: location, into: &diagnostics)
                switch shape {
                case .list(let element): scopes.append(element)
                // A flag shows or hides its section and, as in Mustache, is not a context of its own.
                case .flag: scopes.append(scopes.last ?? .scalar)
                case .some(let value): scopes.append(value)
                case nil: scopes.append(.scalar)
                }
                sections.append(tag.name)
            case "^":
                _ = resolve(tag.name, scopes: scopes, template: template.name, at: location, into: &diagnostics)
                // An inverted section changes no context: `.` inside it is still the enclosing value.
                scopes.append(scopes.last ?? .scalar)
                sections.append("^" + tag.name)
            case "{", "&":
                let shape = resolve(tag.name, scopes: scopes, template: template.name, at: location, into: &diagnostics)
                reportStructure(shape, tag.name, template: template.name, at: location, into: &diagnostics)
                // The value's path: the open sections that lead to where the name is found, then the name.
                let path = resolvedPath(tag.name, scopes: scopes, sections: sections)
                // A transform's result is never emitted raw: reversing sanitised HTML can make a tag.
                if tag.name.contains("(") || !mayEmitRaw(path) {
                    diagnostics.report(.templateUnescaped,
                        "template '\(template.name)' emits '\(tag.name)' unescaped (\(tag.sigil == "&" ? "{{&…}}" : "{{{…}}}")); "
                            + "it holds text from a model", at: location)
                }
            case "/":
                if sections.count > outer.count, sections.last == tag.name || sections.last == "^" + tag.name {
                    sections.removeLast()
                    scopes.removeLast()
                }
            case ">":
                let name = tag.name.trimmingCharacters(in: .whitespaces)
                guard let partial = set.templates[name] else {
                    diagnostics.report(.templateMissingPartial,
                        "template '\(template.name)' includes the partial '\(name)', which does not exist", at: location,
                        help: Suggestions.didYouMean(name, in: set.templates.keys)
                            ?? "templates: \(set.templates.keys.sorted().joined(separator: ", "))")
                    continue
                }
                let key = "\(name)\u{0}\(scopes.count)\u{0}\(sections.last ?? "")"
                if visited.insert(key).inserted {
                    check(partial, scopes: scopes, sections: sections, visiting: visiting + [template.name], visited: &visited,
                          into: &diagnostics)
                }
            default:
                let shape = resolve(tag.name, scopes: scopes, template: template.name, at: location, into: &diagnostics)
                reportStructure(shape, tag.name, template: template.name, at: location, into: &diagnostics)
            }
        }
    }

    /// A value tag must name text, a number or a flag: an object or a list would print as a Swift
    /// description, whose order changes from run to run.
    private func reportStructure(_ shape: Shape?, _ name: String, template: String, at location: SourceLocation,
                                 into diagnostics: inout DiagnosticBag) {
        let kind: String
        switch shape {
        case .object: kind = "an object"
        case .list: kind = "a list"
        default: return
        }
        diagnostics.report(.templatePrintsStructure, "template '\(template)' prints '\(name)', which is \(kind)", at: location)
    }

    /// Resolves a name with its transforms (`uppercased(model.title)`): the name, then the shape each
    /// transform gives.
    private func resolve(_ tagName: String, scopes: [Shape], template: String, at location: SourceLocation,
                         into diagnostics: inout DiagnosticBag) -> Shape? {
        guard let (transforms, name) = TemplateTransforms.split(tagName) else {
            diagnostics.report(.templateSyntax, "template '\(template)' has '\(tagName)', whose transform brackets do not match",
                               at: location, help: "write a transform as `{{uppercased(name)}}`; transforms can nest: `{{count(reversed(list))}}`")
            return nil
        }
        let shape = resolveName(name, scopes: scopes, template: template, at: location, into: &diagnostics)
        guard let shape, !transforms.isEmpty else { return shape }
        switch TemplateTransforms.shape(transforms, of: shape) {
        case .success(let transformed):
            return transformed
        case .failure(let unknown):
            diagnostics.report(.templateUnknownName,
                "template '\(template)' applies '\(unknown.transform)' to '\(name)', which is \(unknown.kind) and has no such transform",
                at: location, help: unknown.allowed.isEmpty ? "\(unknown.kind) has no transforms"
                    : Suggestions.didYouMean(unknown.transform, in: unknown.allowed)
                        ?? "transforms on \(unknown.kind): \(unknown.allowed.joined(separator: ", "))")
            return nil
        }
    }

    /// The path of the value a name resolves to: the sections that lead to the scope where its first
    /// part is found (Mustache looks outward), then the name. `{{{description}}}` inside
    /// `{{#elements}}{{#threats}}` is `elements.description` when the threat has no description.
    private func resolvedPath(_ name: String, scopes: [Shape], sections: [String]) -> [String] {
        let parts = name == "." ? [] : name.split(separator: ".").map(String.init)
        var depth = scopes.count - 1
        if let head = parts.first, !name.hasPrefix(".") {
            depth = scopes.lastIndex { if case .object(let keys) = $0 { return keys[head] != nil } else { return false } } ?? depth
        }
        // Scope 0 is the template's context; scope i is the value of the i-th open section.
        let opened = sections.count - (scopes.count - 1) + depth
        return sections.prefix(max(0, opened)).filter { !$0.hasPrefix("^") }.flatMap { $0.split(separator: ".").map(String.init) } + parts
    }

    /// Resolves a (dotted) name the way Mustache does: the first part in the innermost scope that has
    /// it, the rest inside that value; `.name` only in the innermost scope.
    private func resolveName(_ name: String, scopes: [Shape], template: String, at location: SourceLocation,
                         into diagnostics: inout DiagnosticBag) -> Shape? {
        if name == "." { return scopes.last }
        let parts = name.split(separator: ".").map(String.init)
        guard let head = parts.first else { return nil }
        var found: Shape?
        for scope in name.hasPrefix(".") ? Array(scopes.suffix(1)) : scopes.reversed() {
            if case .object(let keys) = scope, let value = keys[head] {
                found = value
                break
            }
        }
        guard var current = found else {
            let known = scopes.flatMap { scope -> [String] in
                if case .object(let keys) = scope { return Array(keys.keys) }
                return []
            }
            diagnostics.report(.templateUnknownName,
                "template '\(template)' uses '\(name)', which the context does not have here", at: location,
                help: Suggestions.didYouMean(head, in: known).map { "\($0) `threatdoc render --dump-context MODEL` prints the context" })
            return nil
        }
        for part in parts.dropFirst() {
            guard case .object(let keys) = current, let next = keys[part] else {
                let known: [String]
                if case .object(let keys) = current { known = Array(keys.keys) } else { known = [] }
                diagnostics.report(.templateUnknownName,
                    "template '\(template)' uses '\(name)', but '\(part)' is not a field of '\(parts.prefix { $0 != part }.joined(separator: "."))'",
                    at: location, help: Suggestions.didYouMean(part, in: known))
                return nil
            }
            current = next
        }
        return current
    }

    /// Every `{{…}}` tag with its position (1-based line and column of the opening braces).
    /// Read as characters (grapheme clusters), exactly as the compiled engine reads a template: a
    /// character such as U+0600 glued to `{` makes one character that is not a brace, for both.
    /// Columns count Unicode scalars, like every other location.
    private static func tags(in text: String) -> [Tag] {
        var tags: [Tag] = []
        let characters = Array(text)
        var index = 0, line = 1, column = 1
        func advance(over range: Range<Int>) {
            for character in characters[range] {
                if character.isNewline {
                    line += 1
                    column = 1
                } else {
                    column += character.unicodeScalars.count
                }
            }
        }
        while index < characters.count {
            guard characters[index] == "{", index + 1 < characters.count, characters[index + 1] == "{" else {
                advance(over: index..<index + 1)
                index += 1
                continue
            }
            let tagLine = line, tagColumn = column
            let triple = index + 2 < characters.count && characters[index + 2] == "{"
            let start = index + (triple ? 3 : 2)
            let close: [Character] = triple ? ["}", "}", "}"] : ["}", "}"]
            var end = start
            while end + close.count <= characters.count, Array(characters[end..<end + close.count]) != close { end += 1 }
            let body = String(characters[start..<min(end, characters.count)]).trimmingCharacters(in: .whitespaces)
            var sigil: Character? = triple ? "{" : nil
            var name = body
            if !triple, let first = body.first, "#^/>!%&=<$".contains(first) {
                sigil = first
                name = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            tags.append(Tag(sigil: sigil, name: name, line: tagLine, column: tagColumn))
            let next = min(end + close.count, characters.count)
            advance(over: index..<next)
            index = next
        }
        return tags
    }
}

import Foundation
