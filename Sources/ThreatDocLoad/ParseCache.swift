import ThreatDocSupport
import ThreatDocModel
import Foundation

/// Decoded models kept between runs, keyed by a digest of the file's bytes, its path, the load limits
/// and the build: re-rendering after one of 200 models changed reads the other 199 without parsing
/// their YAML again (parsing was about half of such a run).
///
/// The cache holds what the load stage produced for a file, the `ModelSyntax` and the load stage's
/// diagnostics, in a compact binary form. Validation and everything after it run on every model as
/// usual. An entry that does not read back completely is treated as missing, so a damaged cache costs
/// a parse, never a wrong result.
public struct ParseCache: Sendable {
    public var folder: CacheFolder

    public init(_ folder: CacheFolder) {
        self.folder = folder
    }

    public static let format = "threatdoc-model-syntax-v1"

    public func key(for file: SourceFile, limits: LoadLimits) -> String {
        Digest.of(Self.format, BuildIdentity.current, file.path, file.digest,
                  "\(limits.maxFileBytes)/\(limits.maxScalarBytes)/\(limits.maxDepth)")
    }

    /// The cached load of `file`, or nil when there is none (or it does not read back).
    public func lookup(_ key: String, file: SourceFile) -> (model: ModelSyntax, diagnostics: [Diagnostic])? {
        guard let data = folder.load(.models, key) else { return nil }
        var reader = SyntaxReader(bytes: [UInt8](data), path: file.path)
        return try? reader.entry(file: file)
    }

    public func store(_ key: String, model: ModelSyntax, diagnostics: [Diagnostic]) {
        var writer = SyntaxWriter()
        writer.entry(model, diagnostics: diagnostics)
        folder.store(.models, key, Data(writer.bytes))
    }
}

// MARK: - Binary form: variable-length integers and length-prefixed UTF-8, in declaration order.

private struct SyntaxWriter {
    public var bytes: [UInt8] = []

    public mutating func int(_ value: Int) {
        var zigzag = UInt64(bitPattern: Int64(value) << 1) ^ UInt64(bitPattern: Int64(value) >> 63)
        while zigzag >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    public mutating func string(_ text: String) {
        int(text.utf8.count)
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func location(_ location: SourceLocation) {
        int(location.line)
        int(location.column)
        int(location.length ?? -1)
    }

    public mutating func text(_ value: Located<String>?) {
        guard let value else { return int(0) }
        int(1)
        string(value.value)
        location(value.location)
    }

    public mutating func keyword<T: RawRepresentable>(_ value: Located<T>?) where T.RawValue == String {
        text(value.map { Located($0.value.rawValue, at: $0.location) })
    }

    public mutating func texts(_ values: [Located<String>]) {
        int(values.count)
        for value in values { text(value) }
    }

    public mutating func keywords<T: RawRepresentable>(_ values: [Located<T>]) where T.RawValue == String {
        texts(values.map { Located($0.value.rawValue, at: $0.location) })
    }

    public mutating func entry(_ model: ModelSyntax, diagnostics: [Diagnostic]) {
        string(ParseCache.format)
        location(model.location)
        text(model.formatVersion.map { Located(String($0.value), at: $0.location) })
        text(model.id)
        text(model.title)
        text(model.summary)
        text(model.owner)
        text(model.reviewed)
        int(model.benchmarks.count)
        for benchmark in model.benchmarks {
            text(benchmark.tool)
            text(benchmark.version)
        }
        int(model.assets.count)
        for asset in model.assets {
            location(asset.location); text(asset.id); text(asset.name); text(asset.description); keyword(asset.sensitivity)
        }
        int(model.boundaries.count)
        for boundary in model.boundaries {
            location(boundary.location); text(boundary.id); text(boundary.name); text(boundary.description); text(boundary.parent)
        }
        int(model.elements.count)
        for element in model.elements {
            location(element.location); text(element.id); keyword(element.kind); text(element.name)
            text(element.description); text(element.technology); text(element.boundary); texts(element.assets)
        }
        int(model.flows.count)
        for flow in model.flows {
            location(flow.location); text(flow.id); text(flow.from); text(flow.to); text(flow.label)
            text(flow.protocolName); text(flow.description); texts(flow.assets)
        }
        int(model.threats.count)
        for threat in model.threats {
            location(threat.location); text(threat.id); text(threat.title); keywords(threat.stride); texts(threat.targets)
            text(threat.description); keyword(threat.likelihood); keyword(threat.impact); keyword(threat.response)
            text(threat.justification); texts(threat.mitigations); text(threat.note); texts(threat.references)
        }
        int(model.mitigations.count)
        for mitigation in model.mitigations {
            location(mitigation.location); text(mitigation.id); text(mitigation.title); text(mitigation.description)
            keyword(mitigation.status); text(mitigation.owner); texts(mitigation.checks); text(mitigation.note)
            texts(mitigation.references)
        }
        int(model.findings.count)
        for finding in model.findings {
            location(finding.location); text(finding.check); text(finding.title); text(finding.issue)
            text(finding.recommendation); texts(finding.threats); text(finding.note)
        }
        int(model.gaps.count)
        for gap in model.gaps {
            location(gap.location); text(gap.target); keywords(gap.stride); text(gap.reason)
        }
        int(diagnostics.count)
        for diagnostic in diagnostics {
            string(diagnostic.code.id)
            string(diagnostic.severity.rawValue)
            string(diagnostic.message)
            string(diagnostic.help)
            if let at = diagnostic.location {
                int(1); string(at.file); location(at)
            } else {
                int(0)
            }
            int(diagnostic.related.count)
            for related in diagnostic.related {
                string(related.message); string(related.location.file); location(related.location)
            }
        }
    }
}

private struct SyntaxReader {
    public struct Damaged: Error {}

    public let bytes: [UInt8]
    public let path: String
    public var position = 0

    public init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    public mutating func int() throws -> Int {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 64 else { throw Damaged() }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return Int(Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1))))
    }

    public mutating func count() throws -> Int {
        let value = try int()
        guard value >= 0, value <= bytes.count - position else { throw Damaged() }
        return value
    }

    public mutating func string() throws -> String {
        let length = try count()
        defer { position += length }
        return String(decoding: bytes[position..<position + length], as: UTF8.self)
    }

    public mutating func location(file: String? = nil) throws -> SourceLocation {
        let line = try int(), column = try int(), length = try int()
        return SourceLocation(file: file ?? path, line: line, column: column, length: length < 0 ? nil : length)
    }

    public mutating func text() throws -> Located<String>? {
        switch try int() {
        case 0: return nil
        case 1: return Located(try string(), at: try location())
        default: throw Damaged()
        }
    }

    public mutating func keyword<T: RawRepresentable>(_ type: T.Type) throws -> Located<T>? where T.RawValue == String {
        guard let raw = try text() else { return nil }
        guard let value = T(rawValue: raw.value) else { throw Damaged() }
        return Located(value, at: raw.location)
    }

    public mutating func texts() throws -> [Located<String>] {
        try (0..<count()).map { _ in
            guard let value = try text() else { throw Damaged() }
            return value
        }
    }

    public mutating func keywords<T: RawRepresentable>(_ type: T.Type) throws -> [Located<T>] where T.RawValue == String {
        try (0..<count()).map { _ in
            guard let value = try keyword(type) else { throw Damaged() }
            return value
        }
    }

    public mutating func entry(file: SourceFile) throws -> (model: ModelSyntax, diagnostics: [Diagnostic]) {
        guard try string() == ParseCache.format else { throw Damaged() }
        var model = ModelSyntax(file: file, location: try location())
        if let version = try text() {
            guard let number = Int(version.value) else { throw Damaged() }
            model.formatVersion = Located(number, at: version.location)
        }
        model.id = try text()
        model.title = try text()
        model.summary = try text()
        model.owner = try text()
        model.reviewed = try text()
        model.benchmarks = try (0..<count()).map { _ in
            guard let tool = try text(), let version = try text() else { throw Damaged() }
            return (tool, version)
        }
        model.assets = try (0..<count()).map { _ in
            var asset = AssetSyntax(location: try location())
            asset.id = try text(); asset.name = try text(); asset.description = try text(); asset.sensitivity = try keyword(Level.self)
            return asset
        }
        model.boundaries = try (0..<count()).map { _ in
            var boundary = BoundarySyntax(location: try location())
            boundary.id = try text(); boundary.name = try text(); boundary.description = try text(); boundary.parent = try text()
            return boundary
        }
        model.elements = try (0..<count()).map { _ in
            var element = ElementSyntax(location: try location())
            element.id = try text(); element.kind = try keyword(ElementKind.self); element.name = try text()
            element.description = try text(); element.technology = try text(); element.boundary = try text()
            element.assets = try texts()
            return element
        }
        model.flows = try (0..<count()).map { _ in
            var flow = FlowSyntax(location: try location())
            flow.id = try text(); flow.from = try text(); flow.to = try text(); flow.label = try text()
            flow.protocolName = try text(); flow.description = try text(); flow.assets = try texts()
            return flow
        }
        model.threats = try (0..<count()).map { _ in
            var threat = ThreatSyntax(location: try location())
            threat.id = try text(); threat.title = try text(); threat.stride = try keywords(StrideCategory.self)
            threat.targets = try texts(); threat.description = try text(); threat.likelihood = try keyword(Level.self)
            threat.impact = try keyword(Level.self); threat.response = try keyword(ThreatResponse.self)
            threat.justification = try text(); threat.mitigations = try texts(); threat.note = try text()
            threat.references = try texts()
            return threat
        }
        model.mitigations = try (0..<count()).map { _ in
            var mitigation = MitigationSyntax(location: try location())
            mitigation.id = try text(); mitigation.title = try text(); mitigation.description = try text()
            mitigation.status = try keyword(MitigationStatus.self); mitigation.owner = try text()
            mitigation.checks = try texts(); mitigation.note = try text(); mitigation.references = try texts()
            return mitigation
        }
        model.findings = try (0..<count()).map { _ in
            var finding = FindingSyntax(location: try location())
            finding.check = try text(); finding.title = try text(); finding.issue = try text()
            finding.recommendation = try text(); finding.threats = try texts(); finding.note = try text()
            return finding
        }
        model.gaps = try (0..<count()).map { _ in
            var gap = GapSyntax(location: try location())
            gap.target = try text(); gap.stride = try keywords(StrideCategory.self); gap.reason = try text()
            return gap
        }
        let diagnostics: [Diagnostic] = try (0..<count()).map { _ in
            guard let code = DiagnosticCode.byID[try string()], let severity = Severity(rawValue: try string()) else {
                throw Damaged()
            }
            let message = try string(), help = try string()
            var location: SourceLocation?
            switch try int() {
            case 0: location = nil
            case 1:
                let file = try string()
                location = try self.location(file: file)
            default: throw Damaged()
            }
            let related: [Diagnostic.Related] = try (0..<count()).map { _ in
                let message = try string(), file = try string()
                return Diagnostic.Related(message, at: try self.location(file: file))
            }
            var diagnostic = Diagnostic(code, message, at: location, help: help, related: related)
            diagnostic.severity = severity
            return diagnostic
        }
        guard position == bytes.count else { throw Damaged() }
        return (model, diagnostics)
    }
}
