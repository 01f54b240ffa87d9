import ThreatDocSupport
import ThreatDocModel
import CYaml

/// Reads untrusted YAML into `YAMLNode`s straight from libyaml's event stream.
///
/// Yams' `compose` expands alias keys while checking duplicates (an alias bomb used as a key takes
/// tens of seconds) and stops at the first duplicate key. Reading events directly lets threatdoc
/// reject aliases before anything is expanded, bound depth and scalar size, and report every
/// duplicate key with both positions, all in one linear pass.
public enum SafeYAMLReader {
    public static func read(_ file: SourceFile, limits: LoadLimits, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
        var bytes = Array(file.text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var session = Session(file: file, limits: limits)
            let root = session.run(buffer)
            diagnostics.append(contentsOf: session.diagnostics)
            return root
        }
    }

    private struct Session {
        let file: SourceFile
        let limits: LoadLimits
        var diagnostics = DiagnosticBag()
        var aliasCount = 0, anchorCount = 0
        var firstAlias: SourceLocation?, firstAnchor: SourceLocation?

        init(file: SourceFile, limits: LoadLimits) {
            self.file = file
            self.limits = limits
        }

        private enum Frame {
            case sequence(SequenceFrame)
            case mapping(MappingFrame)
        }

        private final class SequenceFrame {
            var items: [YAMLNode] = []
            let location: SourceLocation

            init(location: SourceLocation) {
                self.location = location
            }
        }

        /// A class, so that updating the open mapping on top of the stack never copies its pairs.
        private final class MappingFrame {
            var pairs: [YAMLPair] = []
            let location: SourceLocation
            var pendingKey: YAMLScalar?
            /// True when the next value belongs to a rejected key and must be dropped.
            var dropNextValue = false
            /// Keys so far. Model mappings are small, so a list beats hashing every key.
            var seenKeys: [(key: String, location: SourceLocation)] = []

            func firstLocation(of key: String) -> SourceLocation? {
                if seenKeys.count > 32 {
                    return seenKeysIndex[key]
                }
                return seenKeys.first { $0.key == key }?.location
            }

            /// Built once a mapping grows past 32 keys (hostile files can hold tens of thousands).
            var seenKeysIndex: [String: SourceLocation] = [:]

            func remember(_ key: String, at location: SourceLocation) {
                seenKeys.append((key, location))
                if seenKeys.count == 33 {
                    for entry in seenKeys where seenKeysIndex[entry.key] == nil { seenKeysIndex[entry.key] = entry.location }
                } else if seenKeys.count > 33 {
                    seenKeysIndex[key] = location
                }
            }

            var expectsKey: Bool { pendingKey == nil && !dropNextValue }

            init(location: SourceLocation) {
                self.location = location
            }
        }

        mutating func run(_ buffer: UnsafeMutableBufferPointer<UInt8>) -> YAMLNode? {
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else {
                diagnostics.report(.ioError, "could not start the YAML parser", at: nil)
                return nil
            }
            defer { yaml_parser_delete(parser) }
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)

            var stack: [Frame] = []
            /// Events still to throw away inside a rejected subtree, counted as open containers.
            var skipDepth = 0
            var root: YAMLNode?
            var documents = 0

            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else {
                    reportParserError(parser.pointee)
                    return nil
                }
                defer { yaml_event_delete(&event) }
                let start = Int(event.start_mark.index)
                let location = file.location(scalarOffset: start)

                if skipDepth > 0 {
                    switch event.type {
                    case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT: skipDepth += 1
                    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT: skipDepth -= 1
                    default: break
                    }
                    continue
                }

                switch event.type {
                case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT, YAML_NO_EVENT:
                    continue
                case YAML_STREAM_END_EVENT:
                    if documents == 0 {
                        diagnostics.report(.emptyDocument, "the file holds no YAML document", at: location)
                    }
                    finishAliasReports()
                    return root
                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    if documents > 1 {
                        diagnostics.report(.multipleDocuments,
                            "a second YAML document starts here; a model file holds exactly one", at: location)
                        finishAliasReports()
                        return root
                    }
                case YAML_ALIAS_EVENT:
                    aliasCount += 1
                    if firstAlias == nil { firstAlias = location }
                    // The alias stands for nothing: it is never resolved, so it cannot expand.
                    let placeholder = YAMLScalar(value: "", style: .plain, tag: nil, location: location)
                    if case .mapping(let frame)? = stack.last, frame.expectsKey {
                        frame.dropNextValue = true
                    } else {
                        attach(.scalar(placeholder), to: &stack, root: &root)
                    }
                case YAML_SCALAR_EVENT:
                    let scalar = makeScalar(event, location: location)
                    if case .mapping(let frame)? = stack.last {
                        if frame.dropNextValue {
                            frame.dropNextValue = false
                                continue
                        }
                        if frame.pendingKey == nil {
                            if let first = frame.firstLocation(of: scalar.value) {
                                diagnostics.report(.duplicateKey,
                                    "duplicate key \(scalar.value.debugSnippet); the first one is at line \(first.line)",
                                    at: scalar.location, related: [.init("first defined here", at: first)])
                                frame.dropNextValue = true
                            } else {
                                frame.remember(scalar.value, at: scalar.location)
                                frame.pendingKey = scalar
                            }
                                continue
                        }
                    }
                    attach(.scalar(scalar), to: &stack, root: &root)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                    let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                    noteAnchor(anchor, at: location)
                    checkTag(tag, at: location, expected: isMapping ? "map" : "seq")
                    if case .mapping(let frame)? = stack.last, frame.expectsKey || frame.dropNextValue {
                        if frame.expectsKey {
                            diagnostics.report(.complexKey,
                                "a \(isMapping ? "mapping" : "list") is used as a mapping key", at: location)
                            frame.dropNextValue = true  // the rejected key's value goes too
                        } else {
                            frame.dropNextValue = false  // this subtree is the dropped value
                        }
                        skipDepth = 1
                        continue
                    }
                    if stack.count >= limits.maxDepth {
                        diagnostics.report(.nestingTooDeep,
                            "nesting deeper than \(limits.maxDepth) levels", at: location)
                        finishAliasReports()
                        return nil
                    }
                    stack.append(isMapping ? .mapping(MappingFrame(location: location)) : .sequence(SequenceFrame(location: location)))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = stack.popLast() else { continue }
                    switch frame {
                    case .sequence(let sequence):
                        attach(.sequence(sequence.items, sequence.location), to: &stack, root: &root)
                    case .mapping(let mapping):
                        attach(.mapping(mapping.pairs, mapping.location), to: &stack, root: &root)
                    }
                default:
                    continue
                }
            }
        }

        private mutating func attach(_ node: YAMLNode, to stack: inout [Frame], root: inout YAMLNode?) {
            guard let top = stack.last else {
                root = node
                return
            }
            switch top {
            case .sequence(let sequence):
                sequence.items.append(node)
            case .mapping(let frame):
                if frame.dropNextValue {
                    frame.dropNextValue = false
                } else if let key = frame.pendingKey {
                    frame.pairs.append(YAMLPair(key: key, value: node))
                    frame.pendingKey = nil
                }
            }
        }

        private mutating func makeScalar(_ event: yaml_event_t, location: SourceLocation) -> YAMLScalar {
            let data = event.data.scalar
            noteAnchor(data.anchor, at: location)
            let tag = checkTag(data.tag, at: location, expected: nil)
            let length = Int(data.length)
            var value: String
            if length > limits.maxScalarBytes {
                diagnostics.report(.scalarTooLarge,
                    "value of \(length) bytes is over the limit of \(limits.maxScalarBytes) bytes", at: location)
                value = ""
            } else if let pointer = data.value {
                value = String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
            } else {
                value = ""
            }
            let style: YAMLScalar.Style
            switch data.style {
            case YAML_PLAIN_SCALAR_STYLE: style = .plain
            case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: style = .block
            default: style = .quoted
            }
            let end = Int(event.end_mark.index)
            var located = location
            if event.end_mark.line == event.start_mark.line, end > Int(event.start_mark.index) {
                located.length = end - Int(event.start_mark.index)
            }
            checkInvisibleCharacters(value, at: located)
            return YAMLScalar(value: value, style: style, tag: tag, location: located)
        }

        private mutating func noteAnchor(_ anchor: UnsafeMutablePointer<yaml_char_t>?, at location: SourceLocation) {
            guard anchor != nil else { return }
            anchorCount += 1
            if firstAnchor == nil { firstAnchor = location }
        }

        /// Accepts only YAML's core tags; returns the short name (`str`, `int`, …) of a scalar's tag.
        @discardableResult
        private mutating func checkTag(
            _ tag: UnsafeMutablePointer<yaml_char_t>?, at location: SourceLocation, expected: String?
        ) -> String? {
            guard let tag else { return nil }
            let name = String(cString: tag)
            if name == "!" { return nil }
            let prefix = "tag:yaml.org,2002:"
            let scalarTags: Set<String> = ["str", "int", "float", "bool", "null"]
            if name.hasPrefix(prefix) {
                let short = String(name.dropFirst(prefix.count))
                if let expected, short == expected { return nil }
                if expected == nil, scalarTags.contains(short) { return short }
            }
            diagnostics.report(.unknownTag, "tag \(name.debugSnippet) is not supported here", at: location)
            return nil
        }

        private static let invisibleScalars: Set<UInt32> = [
            0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
        ]

        private mutating func checkInvisibleCharacters(_ value: String, at location: SourceLocation) {
            // Only bytes below 0x20, DEL, and the lead bytes of C1 controls (C2), U+061C (D8) and the
            // bidi marks (E2) can start such a character; most values have none.
            var value = value
            let suspicious = value.withUTF8 { bytes in
                bytes.contains { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F
                    || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }
            }
            guard suspicious else { return }
            for (offset, scalar) in value.unicodeScalars.enumerated() {
                let v = scalar.value
                let isControl = (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v)
                if isControl || Self.invisibleScalars.contains(v) {
                    diagnostics.report(.bidiCharacter,
                        "value contains the invisible character \(scalar.codePointName) at position \(offset + 1)",
                        at: location)
                    return
                }
            }
        }

        private mutating func finishAliasReports() {
            if let firstAnchor {
                diagnostics.report(.aliasNotAllowed,
                    "anchors are not supported (\(anchorCount) in this file; the first is here)", at: firstAnchor)
            }
            if let firstAlias {
                diagnostics.report(.aliasNotAllowed,
                    "aliases are not supported (\(aliasCount) in this file; the first is here)", at: firstAlias)
            }
        }

        private mutating func reportParserError(_ parser: yaml_parser_t) {
            finishAliasReports()
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
            if parser.error == YAML_MEMORY_ERROR {
                diagnostics.report(.yamlSyntax, "the YAML parser ran out of memory", at: nil)
                return
            }
            if parser.error == YAML_READER_ERROR {
                let location = file.location(byteOffset: Int(parser.problem_offset) + file.bomLength)
                var message = problem
                if parser.problem_value != -1 {
                    if let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: parser.problem_value)) { message += " (\(scalar.codePointName))" }
                }
                diagnostics.report(.yamlSyntax, message, at: location)
                return
            }
            let location = file.location(scalarOffset: Int(parser.problem_mark.index))
            var related: [Diagnostic.Related] = []
            if let context = parser.context.map({ String(cString: $0) }) {
                let contextLocation = file.location(scalarOffset: Int(parser.context_mark.index))
                related.append(.init(context, at: contextLocation))
            }
            if problem.hasPrefix("Maximum nesting level") {
                // libyaml's scanner looks ahead in flow collections and hits its own limit first.
                diagnostics.report(.nestingTooDeep, "nesting deeper than \(limits.maxDepth) levels", at: location)
                return
            }
            diagnostics.report(.yamlSyntax, problem, at: location, related: related)
        }
    }
}
