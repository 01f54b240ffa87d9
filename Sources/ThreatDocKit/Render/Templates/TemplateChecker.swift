/// Checks templates against the shape of their context before rendering.
///
/// swift-mustache renders a missing name or partial as empty text, so a misspelt `{{modle.title}}`
/// would silently blank a report. This walks each template's tags with a stack of context shapes,
/// the way Mustache resolves names, and reports every name the context cannot have, with the
/// template's path, line and column.
public struct TemplateChecker {
    /// The shape of a context value, read from an example by reflection.
    public indirect enum Shape: Equatable, Sendable {
        case scalar
        case object([String: Shape])
        case list(Shape)

        /// The shape of `value`: structs become objects, arrays lists, everything else scalars.
        public static func of(_ value: Any) -> Shape {
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

        /// Two examples of the same value combined: an object shape wins over "unknown" scalars.
        func merged(_ other: Shape) -> Shape {
            switch (self, other) {
            case (.scalar, _): return other
            case (_, .scalar): return self
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
        check(template, scopes: [shape], visiting: [], visited: &visited, into: &diagnostics)
    }

    private struct Tag {
        var sigil: Character?
        var name: String
        var line: Int
        var column: Int
    }

    private func check(_ template: TemplateSet.Template, scopes initial: [Shape], visiting: [String],
                       visited: inout Set<String>, into diagnostics: inout DiagnosticBag) {
        // A partial is checked once per scope shape it is used with; a cycle of partials stops here.
        guard !visiting.contains(template.name), visiting.count < 16 else { return }
        var scopes = initial
        var sections: [String] = []
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
            case "#":
                let shape = resolve(tag.name, scopes: scopes, template: template.name, at: location, into: &diagnostics)
                switch shape {
                case .list(let element): scopes.append(element)
                case .some(let value): scopes.append(value)
                case nil: scopes.append(.scalar)
                }
                sections.append(tag.name)
            case "^":
                _ = resolve(tag.name, scopes: scopes, template: template.name, at: location, into: &diagnostics)
                scopes.append(.scalar)
                sections.append(tag.name)
            case "/":
                if sections.last == tag.name {
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
                let key = "\(name)\u{0}\(scopes.count)"
                if visited.insert(key).inserted {
                    check(partial, scopes: scopes, visiting: visiting + [template.name], visited: &visited, into: &diagnostics)
                }
            default:
                _ = resolve(tag.name, scopes: scopes, template: template.name, at: location, into: &diagnostics)
            }
        }
    }

    /// Resolves a (dotted) name the way Mustache does: the first part in the innermost scope that has
    /// it, the rest inside that value.
    private func resolve(_ name: String, scopes: [Shape], template: String, at location: SourceLocation,
                         into diagnostics: inout DiagnosticBag) -> Shape? {
        if name == "." { return scopes.last }
        let parts = name.split(separator: ".").map(String.init)
        guard let head = parts.first else { return nil }
        var found: Shape?
        for scope in scopes.reversed() {
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
    private static func tags(in text: String) -> [Tag] {
        var tags: [Tag] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0, line = 1, lineStart = 0
        while index < scalars.count {
            if scalars[index] == "\n" {
                line += 1
                lineStart = index + 1
                index += 1
                continue
            }
            guard scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" else {
                index += 1
                continue
            }
            let column = index - lineStart + 1
            let triple = index + 2 < scalars.count && scalars[index + 2] == "{"
            let start = index + (triple ? 3 : 2)
            let close: [Unicode.Scalar] = triple ? ["}", "}", "}"] : ["}", "}"]
            var end = start
            while end + close.count <= scalars.count, Array(scalars[end..<end + close.count]) != close { end += 1 }
            let body = String(String.UnicodeScalarView(scalars[start..<min(end, scalars.count)]))
                .trimmingCharacters(in: .whitespaces)
            var sigil: Character? = triple ? "{" : nil
            var name = body
            if !triple, let first = body.first, "#^/>!%&=<$".contains(first) {
                sigil = first
                name = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            tags.append(Tag(sigil: sigil, name: name, line: line, column: column))
            // Count line breaks inside the tag (comments may span lines).
            for scalar in scalars[start..<min(end, scalars.count)] where scalar == "\n" {
                line += 1
            }
            index = end + close.count
        }
        return tags
    }
}

import Foundation
