import ThreatDocSupport
import ThreatDocModel
/// Turns a `YAMLNode` tree into a `ModelSyntax`, reporting every shape error it can continue past:
/// unknown keys (with suggestions), wrong types, missing fields and values outside their vocabulary.
/// Strings stay strings: a plain `no` or `0755` in a text field is read as written.
public struct ModelDecoder {
    private(set) var diagnostics = DiagnosticBag()
    public let file: SourceFile

    public init(file: SourceFile) {
        self.file = file
    }

    // MARK: Fields of each object, as the README documents them

    public static let modelFields = ["$schema", "threatdoc", "id", "title", "summary", "owner", "reviewed", "benchmarks",
                              "assets", "boundaries", "elements", "flows", "threats", "mitigations", "findings", "gaps"]
    public static let assetFields = ["id", "name", "description", "sensitivity"]
    public static let boundaryFields = ["id", "name", "description", "parent"]
    public static let elementFields = ["id", "type", "name", "description", "technology", "boundary", "assets"]
    public static let flowFields = ["id", "from", "to", "label", "protocol", "description", "assets"]
    public static let threatFields = ["id", "title", "stride", "targets", "description", "likelihood", "impact", "response",
                               "justification", "mitigations", "note", "references"]
    public static let mitigationFields = ["id", "title", "description", "status", "owner", "checks", "note", "references"]
    public static let findingFields = ["check", "title", "issue", "recommendation", "threats", "note"]
    public static let gapFields = ["target", "stride", "reason"]

    public mutating func decode(_ root: YAMLNode) -> ModelSyntax? {
        guard let fields = fields(of: root, what: "the model", allowed: Self.modelFields,
                                  required: ["threatdoc", "id", "title"]) else { return nil }
        var model = ModelSyntax(file: file, location: root.location)
        if let node = fields["threatdoc"], let version = integer(node, field: "threatdoc") {
            model.formatVersion = version
            if version.value != 1 {
                diagnostics.report(.unsupportedVersion,
                    "format version \(version.value) is not supported; this threatdoc reads version 1",
                    at: version.location)
            }
        }
        if let node = fields["$schema"] { _ = string(node, field: "$schema") }
        model.id = fields["id"].flatMap { string($0, field: "id") }
        model.title = fields["title"].flatMap { string($0, field: "title") }
        model.summary = fields["summary"].flatMap { string($0, field: "summary") }
        model.owner = fields["owner"].flatMap { string($0, field: "owner") }
        model.reviewed = fields["reviewed"].flatMap { string($0, field: "reviewed") }
        if let node = fields["benchmarks"] { model.benchmarks = benchmarks(node) }
        model.assets = objects(fields["assets"], field: "assets") { d, node in d.asset(node) }
        model.boundaries = objects(fields["boundaries"], field: "boundaries") { d, node in d.boundary(node) }
        model.elements = objects(fields["elements"], field: "elements") { d, node in d.element(node) }
        model.flows = objects(fields["flows"], field: "flows") { d, node in d.flow(node) }
        model.threats = objects(fields["threats"], field: "threats") { d, node in d.threat(node) }
        model.mitigations = objects(fields["mitigations"], field: "mitigations") { d, node in d.mitigation(node) }
        model.findings = objects(fields["findings"], field: "findings") { d, node in d.finding(node) }
        model.gaps = objects(fields["gaps"], field: "gaps") { d, node in d.gap(node) }
        return model
    }

    // MARK: Objects

    private mutating func asset(_ node: YAMLNode) -> AssetSyntax? {
        guard let f = fields(of: node, what: "an asset", allowed: Self.assetFields,
                             required: ["id", "name", "sensitivity"]) else { return nil }
        return AssetSyntax(
            location: node.location,
            id: f["id"].flatMap { string($0, field: "id") },
            name: f["name"].flatMap { string($0, field: "name") },
            description: f["description"].flatMap { string($0, field: "description") },
            sensitivity: f["sensitivity"].flatMap { keyword($0, field: "sensitivity") })
    }

    private mutating func boundary(_ node: YAMLNode) -> BoundarySyntax? {
        guard let f = fields(of: node, what: "a boundary", allowed: Self.boundaryFields,
                             required: ["id", "name"]) else { return nil }
        return BoundarySyntax(
            location: node.location,
            id: f["id"].flatMap { string($0, field: "id") },
            name: f["name"].flatMap { string($0, field: "name") },
            description: f["description"].flatMap { string($0, field: "description") },
            parent: f["parent"].flatMap { string($0, field: "parent") })
    }

    private mutating func element(_ node: YAMLNode) -> ElementSyntax? {
        guard let f = fields(of: node, what: "an element", allowed: Self.elementFields,
                             required: ["id", "type", "name"]) else { return nil }
        return ElementSyntax(
            location: node.location,
            id: f["id"].flatMap { string($0, field: "id") },
            kind: f["type"].flatMap { keyword($0, field: "type") },
            name: f["name"].flatMap { string($0, field: "name") },
            description: f["description"].flatMap { string($0, field: "description") },
            technology: f["technology"].flatMap { string($0, field: "technology") },
            boundary: f["boundary"].flatMap { string($0, field: "boundary") },
            assets: stringList(f["assets"], field: "assets"))
    }

    private mutating func flow(_ node: YAMLNode) -> FlowSyntax? {
        guard let f = fields(of: node, what: "a flow", allowed: Self.flowFields,
                             required: ["id", "from", "to"]) else { return nil }
        return FlowSyntax(
            location: node.location,
            id: f["id"].flatMap { string($0, field: "id") },
            from: f["from"].flatMap { string($0, field: "from") },
            to: f["to"].flatMap { string($0, field: "to") },
            label: f["label"].flatMap { string($0, field: "label") },
            protocolName: f["protocol"].flatMap { string($0, field: "protocol") },
            description: f["description"].flatMap { string($0, field: "description") },
            assets: stringList(f["assets"], field: "assets"))
    }

    private mutating func threat(_ node: YAMLNode) -> ThreatSyntax? {
        guard let f = fields(of: node, what: "a threat", allowed: Self.threatFields,
                             required: ["id", "title", "stride", "targets", "likelihood", "impact"]) else { return nil }
        return ThreatSyntax(
            location: node.location,
            id: f["id"].flatMap { string($0, field: "id") },
            title: f["title"].flatMap { string($0, field: "title") },
            stride: keywordList(f["stride"], field: "stride", nonEmpty: true),
            targets: stringList(f["targets"], field: "targets", nonEmpty: true),
            description: f["description"].flatMap { string($0, field: "description") },
            likelihood: f["likelihood"].flatMap { keyword($0, field: "likelihood") },
            impact: f["impact"].flatMap { keyword($0, field: "impact") },
            response: f["response"].flatMap { keyword($0, field: "response") },
            justification: f["justification"].flatMap { string($0, field: "justification") },
            mitigations: stringList(f["mitigations"], field: "mitigations"),
            note: f["note"].flatMap { string($0, field: "note") },
            references: stringList(f["references"], field: "references"))
    }

    private mutating func mitigation(_ node: YAMLNode) -> MitigationSyntax? {
        guard let f = fields(of: node, what: "a mitigation", allowed: Self.mitigationFields,
                             required: ["id", "title", "status"]) else { return nil }
        return MitigationSyntax(
            location: node.location,
            id: f["id"].flatMap { string($0, field: "id") },
            title: f["title"].flatMap { string($0, field: "title") },
            description: f["description"].flatMap { string($0, field: "description") },
            status: f["status"].flatMap { keyword($0, field: "status") },
            owner: f["owner"].flatMap { string($0, field: "owner") },
            checks: stringList(f["checks"], field: "checks"),
            note: f["note"].flatMap { string($0, field: "note") },
            references: stringList(f["references"], field: "references"))
    }

    private mutating func finding(_ node: YAMLNode) -> FindingSyntax? {
        guard let f = fields(of: node, what: "a finding", allowed: Self.findingFields,
                             required: ["check", "issue"]) else { return nil }
        return FindingSyntax(
            location: node.location,
            check: f["check"].flatMap { string($0, field: "check") },
            title: f["title"].flatMap { string($0, field: "title") },
            issue: f["issue"].flatMap { string($0, field: "issue") },
            recommendation: f["recommendation"].flatMap { string($0, field: "recommendation") },
            threats: stringList(f["threats"], field: "threats"),
            note: f["note"].flatMap { string($0, field: "note") })
    }

    private mutating func gap(_ node: YAMLNode) -> GapSyntax? {
        guard let f = fields(of: node, what: "a gap", allowed: Self.gapFields,
                             required: ["target", "stride", "reason"]) else { return nil }
        return GapSyntax(
            location: node.location,
            target: f["target"].flatMap { string($0, field: "target") },
            stride: keywordList(f["stride"], field: "stride", nonEmpty: true),
            reason: f["reason"].flatMap { string($0, field: "reason") })
    }

    private mutating func benchmarks(_ node: YAMLNode) -> [(tool: Located<String>, version: Located<String>)] {
        guard case .mapping(let pairs, _) = node else {
            diagnostics.report(.wrongType, "`benchmarks` should be a mapping of tool to catalog version, found \(node.kindDescription)",
                               at: node.location, help: "for example `benchmarks: { docker: cis-docker-1.6.0 }`")
            return []
        }
        return pairs.compactMap { pair in
            guard let version = string(pair.value, field: pair.key.value) else { return nil }
            return (Located(pair.key.value, at: pair.key.location), version)
        }
    }

    // MARK: Typed accessors

    /// The fields of a mapping, after reporting unknown keys and missing required ones.
    /// The allowed fields of a mapping, looked up by name. A mapping has a handful of keys, already
    /// unique (the reader drops duplicates), so a linear search beats hashing every key.
    public struct Fields {
        var pairs: [YAMLPair]

        subscript(name: String) -> YAMLNode? { pairs.first { $0.key.value == name }?.value }
    }

    private mutating func fields(of node: YAMLNode, what: String, allowed: [String], required: [String])
        -> Fields? {
        guard case .mapping(let pairs, let location) = node else {
            diagnostics.report(.wrongType, "expected \(what) as a mapping, found \(node.kindDescription)",
                               at: node.location)
            return nil
        }
        var result = Fields(pairs: [])
        result.pairs.reserveCapacity(pairs.count)
        for pair in pairs {
            let key = pair.key.value
            if allowed.contains(key) {
                result.pairs.append(pair)
            } else {
                let candidates = allowed.filter { !$0.hasPrefix("$") }
                var help = Suggestions.didYouMean(key, in: candidates)
                    ?? "allowed keys: \(candidates.joined(separator: ", "))"
                if case .scalar(let value) = pair.value, value.isNull, key.contains(" ") || key.hasSuffix(".") {
                    // `{ description: a, b }` splits at the comma and makes "b" a key.
                    help = "if this text belongs to the previous value, quote that value: a comma ends a value inside { … }"
                }
                diagnostics.report(.unknownKey, "unknown key \(key.debugSnippet) in \(what)", at: pair.key.location,
                    help: help)
            }
        }
        let missing = required.filter { result[$0] == nil }
        if !missing.isEmpty {
            let names = missing.map { "`\($0)`" }.joined(separator: ", ")
            diagnostics.report(.missingField,
                "\(what) is missing the required field\(missing.count > 1 ? "s" : "") \(names)", at: location)
        }
        return result
    }

    private mutating func string(_ node: YAMLNode, field: String) -> Located<String>? {
        guard case .scalar(let scalar) = node, !scalar.isNull,
              scalar.tag == nil || scalar.tag == "str" else {
            diagnostics.report(.wrongType, "`\(field)` should be a string, found \(node.kindDescription)",
                               at: node.location)
            return nil
        }
        return Located(scalar.value, at: scalar.location)
    }

    private mutating func integer(_ node: YAMLNode, field: String) -> Located<Int>? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, scalar.tag == nil || scalar.tag == "int",
              scalar.value.count <= 9, scalar.value.allSatisfy(\.isASCII), let value = Int(scalar.value) else {
            diagnostics.report(.wrongType, "`\(field)` should be a whole number, found \(node.kindDescription)",
                               at: node.location)
            return nil
        }
        return Located(value, at: scalar.location)
    }

    private mutating func keyword<K: ModelKeyword>(_ node: YAMLNode, field: String) -> Located<K>? {
        guard let text = string(node, field: field) else { return nil }
        guard let value = K.parse(text.value) else {
            diagnostics.report(.invalidValue,
                "\(text.value.debugSnippet) is not a valid `\(field)`", at: text.location,
                help: Suggestions.didYouMean(text.value, in: K.allCases.map(\.rawValue))
                    .map { "\($0) allowed: \(K.allowedList)" } ?? "allowed: \(K.allowedList)")
            return nil
        }
        return Located(value, at: text.location)
    }

    private mutating func sequence(_ node: YAMLNode?, field: String, nonEmpty: Bool) -> [YAMLNode] {
        guard let node else { return [] }
        guard case .sequence(let items, let location) = node else {
            diagnostics.report(.wrongType, "`\(field)` should be a list, found \(node.kindDescription)",
                               at: node.location, help: "write a list, for example `\(field): [a, b]`")
            return []
        }
        if nonEmpty && items.isEmpty {
            diagnostics.report(.invalidValue, "`\(field)` must list at least one entry", at: location)
        }
        return items
    }

    private mutating func stringList(_ node: YAMLNode?, field: String, nonEmpty: Bool = false) -> [Located<String>] {
        sequence(node, field: field, nonEmpty: nonEmpty).compactMap { string($0, field: field) }
    }

    private mutating func keywordList<K: ModelKeyword>(_ node: YAMLNode?, field: String, nonEmpty: Bool)
        -> [Located<K>] {
        sequence(node, field: field, nonEmpty: nonEmpty).compactMap { keyword($0, field: field) }
    }

    private mutating func objects<T>(_ node: YAMLNode?, field: String,
                                     _ decode: (inout ModelDecoder, YAMLNode) -> T?) -> [T] {
        sequence(node, field: field, nonEmpty: false).compactMap { decode(&self, $0) }
    }
}
