import Foundation

/// A threat model as written: every value keeps where it came from, and nothing is resolved yet.
/// Produced by `ModelDecoder`, checked by the validation rules, turned into `ResolvedModel` by `ModelResolver`.
public struct ModelSyntax: Sendable {
    public var file: SourceFile
    /// Where the root mapping starts.
    public var location: SourceLocation
    public var formatVersion: Located<Int>?
    public var id: Located<String>?
    public var title: Located<String>?
    public var summary: Located<String>?
    public var owner: Located<String>?
    public var reviewed: Located<String>?
    public var benchmarks: [(tool: Located<String>, version: Located<String>)] = []
    public var assets: [AssetSyntax] = []
    public var boundaries: [BoundarySyntax] = []
    public var elements: [ElementSyntax] = []
    public var flows: [FlowSyntax] = []
    public var threats: [ThreatSyntax] = []
    public var mitigations: [MitigationSyntax] = []
    public var findings: [FindingSyntax] = []
    public var gaps: [GapSyntax] = []
    public var source: SourceSyntax?

    public init(file: SourceFile, location: SourceLocation) {
        self.file = file
        self.location = location
    }
}

extension ModelSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<ModelSyntax>(
        name: "model", article: "the model", documentation: "One STRIDE threat model per file.",
        make: { location, file in ModelSyntax(file: file, location: location) },
        fields: [
            .formatVersion("threatdoc", \.formatVersion, "Format version."),
            .string("id", \.id, .id, required: true),
            .string("title", \.title, required: true),
            .string("summary", \.summary, .markdown),
            .string("owner", \.owner),
            .string("reviewed", \.reviewed, .date, "Date of the last review, YYYY-MM-DD."),
            .catalogs("benchmarks", \.benchmarks, "Catalog version per benchmark tool."),
            .objects("assets", \.assets, AssetSyntax.format),
            .objects("boundaries", \.boundaries, BoundarySyntax.format),
            .objects("elements", \.elements, ElementSyntax.format),
            .objects("flows", \.flows, FlowSyntax.format),
            .objects("threats", \.threats, ThreatSyntax.format),
            .objects("mitigations", \.mitigations, MitigationSyntax.format),
            .objects("findings", \.findings, FindingSyntax.format),
            .objects("gaps", \.gaps, GapSyntax.format),
            .object("source", \.source, SourceSyntax.format, "Where an imported object came from (`threatdoc import`), kept for round trips."),
            // Lets a JSON model name its schema; not kept.
            .ignoredString("$schema"),
        ])
}

public struct AssetSyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var name: Located<String>?
    public var description: Located<String>?
    public var sensitivity: Located<Level>?
    public var source: SourceSyntax?
}

extension AssetSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<AssetSyntax>(
        name: "asset", article: "an asset", documentation: "Something worth protecting.",
        make: { location, _ in AssetSyntax(location: location) },
        fields: [
            .string("id", \.id, .id, required: true),
            .string("name", \.name, required: true),
            .string("description", \.description),
            .keyword("sensitivity", \.sensitivity, required: true),
            .object("source", \.source, SourceSyntax.format, "Where an imported object came from (`threatdoc import`), kept for round trips."),
        ])
}

public struct BoundarySyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var name: Located<String>?
    public var description: Located<String>?
    public var parent: Located<String>?
    public var source: SourceSyntax?
}

extension BoundarySyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<BoundarySyntax>(
        name: "boundary", article: "a boundary", documentation: "A trust boundary; `parent` nests it.",
        make: { location, _ in BoundarySyntax(location: location) },
        fields: [
            .string("id", \.id, .id, required: true),
            .string("name", \.name, required: true),
            .string("description", \.description),
            .string("parent", \.parent, .id),
            .object("source", \.source, SourceSyntax.format, "Where an imported object came from (`threatdoc import`), kept for round trips."),
        ])
}

public struct ElementSyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var kind: Located<ElementKind>?
    public var name: Located<String>?
    public var description: Located<String>?
    public var technology: Located<String>?
    public var boundary: Located<String>?
    public var assets: [Located<String>] = []
    public var internetFacing: Located<Bool>?
    public var runsAsRoot: Located<Bool>?
    public var storesCredentials: Located<Bool>?
    public var source: SourceSyntax?
}

extension ElementSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<ElementSyntax>(
        name: "element", article: "an element", documentation: "A data-flow diagram element.",
        make: { location, _ in ElementSyntax(location: location) },
        fields: [
            .string("id", \.id, .id, required: true),
            .keyword("type", \.kind, required: true),
            .string("name", \.name, required: true),
            .string("description", \.description),
            .string("technology", \.technology),
            .string("boundary", \.boundary, .id),
            .strings("assets", \.assets, .id),
            .flag("internet-facing", \.internetFacing, "Reachable from the internet. Threat rules use it."),
            .flag("runs-as-root", \.runsAsRoot, "Runs with root or administrator rights. Threat rules use it."),
            .flag("stores-credentials", \.storesCredentials, "Holds passwords, keys or tokens. Threat rules use it."),
            .object("source", \.source, SourceSyntax.format, "Where an imported object came from (`threatdoc import`), kept for round trips."),
        ])
}

public struct FlowSyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var from: Located<String>?
    public var to: Located<String>?
    public var label: Located<String>?
    public var protocolName: Located<String>?
    public var description: Located<String>?
    public var assets: [Located<String>] = []
    public var authenticated: Located<Bool>?
    public var encrypted: Located<Bool>?
    public var source: SourceSyntax?
}

extension FlowSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<FlowSyntax>(
        name: "flow", article: "a flow", documentation: "A data flow between two elements.",
        make: { location, _ in FlowSyntax(location: location) },
        fields: [
            .string("id", \.id, .id, required: true),
            .string("from", \.from, .id, required: true),
            .string("to", \.to, .id, required: true),
            .string("label", \.label),
            .string("protocol", \.protocolName),
            .string("description", \.description),
            .strings("assets", \.assets, .id),
            .flag("authenticated", \.authenticated, "Both ends know who is at the other end. Threat rules use it."),
            .flag("encrypted", \.encrypted, "Protected in transit (TLS, SSH, an encrypted tunnel). Threat rules use it."),
            .object("source", \.source, SourceSyntax.format, "Where an imported object came from (`threatdoc import`), kept for round trips."),
        ])
}

public struct ThreatSyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var title: Located<String>?
    public var stride: [Located<StrideCategory>] = []
    public var targets: [Located<String>] = []
    public var description: Located<String>?
    public var likelihood: Located<Level>?
    public var impact: Located<Level>?
    public var response: Located<ThreatResponse>?
    public var justification: Located<String>?
    public var mitigations: [Located<String>] = []
    public var note: Located<String>?
    public var references: [Located<String>] = []
    public var rule: Located<String>?
    public var source: SourceSyntax?
}

extension ThreatSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<ThreatSyntax>(
        name: "threat", article: "a threat", documentation: "A STRIDE threat against elements or flows.",
        make: { location, _ in ThreatSyntax(location: location) },
        fields: [
            .string("id", \.id, .id, required: true),
            .string("title", \.title, required: true),
            .keywords("stride", \.stride, required: true, nonEmpty: true),
            .strings("targets", \.targets, .id, required: true, nonEmpty: true),
            .string("description", \.description),
            .keyword("likelihood", \.likelihood, required: true),
            .keyword("impact", \.impact, required: true),
            .keyword("response", \.response),
            .string("justification", \.justification),
            .strings("mitigations", \.mitigations, .id),
            .string("note", \.note),
            .strings("references", \.references, .url),
            .string("rule", \.rule, .id, "The threat rule that proposed it (`threatdoc suggest`)."),
            .object("source", \.source, SourceSyntax.format, "Where an imported object came from (`threatdoc import`), kept for round trips."),
        ])
}

public struct MitigationSyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var title: Located<String>?
    public var description: Located<String>?
    public var status: Located<MitigationStatus>?
    public var owner: Located<String>?
    public var checks: [Located<String>] = []
    public var note: Located<String>?
    public var references: [Located<String>] = []
    public var source: SourceSyntax?
}

extension MitigationSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<MitigationSyntax>(
        name: "mitigation", article: "a mitigation", documentation: "A control that answers threats.",
        make: { location, _ in MitigationSyntax(location: location) },
        fields: [
            .string("id", \.id, .id, required: true),
            .string("title", \.title, required: true),
            .string("description", \.description),
            .keyword("status", \.status, required: true),
            .string("owner", \.owner),
            .strings("checks", \.checks, .check),
            .string("note", \.note),
            .strings("references", \.references, .url),
            .object("source", \.source, SourceSyntax.format, "Where an imported object came from (`threatdoc import`), kept for round trips."),
        ])
}

/// A benchmark finding as a person recorded it (the seed's Docker Bench findings, for example).
public struct FindingSyntax: Sendable {
    public var location: SourceLocation
    public var check: Located<String>?
    public var title: Located<String>?
    public var issue: Located<String>?
    public var recommendation: Located<String>?
    public var threats: [Located<String>] = []
    public var note: Located<String>?
}

extension FindingSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<FindingSyntax>(
        name: "finding", article: "a finding", documentation: "A benchmark finding as recorded by a person.",
        make: { location, _ in FindingSyntax(location: location) },
        fields: [
            .string("check", \.check, .check, required: true),
            .string("title", \.title),
            .string("issue", \.issue, required: true),
            .string("recommendation", \.recommendation),
            .strings("threats", \.threats, .id),
            .string("note", \.note),
        ])
}

/// A coverage gap the authors acknowledge: these STRIDE categories of this target need no threat.
public struct GapSyntax: Sendable {
    public var location: SourceLocation
    public var target: Located<String>?
    public var stride: [Located<StrideCategory>] = []
    public var reason: Located<String>?
}

extension GapSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<GapSyntax>(
        name: "gap", article: "a gap", documentation: "An acknowledged STRIDE coverage gap.",
        make: { location, _ in GapSyntax(location: location) },
        fields: [
            .string("target", \.target, .id, required: true),
            .keywords("stride", \.stride, required: true, nonEmpty: true),
            .string("reason", \.reason, required: true),
        ])
}

/// Where an imported object came from: the other tool's format and the object's ID there. `threatdoc import`
/// writes it and `threatdoc export` reuses the ID, so that a model survives a round trip through the tool.
public struct SourceSyntax: Sendable {
    public var location: SourceLocation
    public var format: Located<InteropFormat>?
    public var id: Located<String>?
}

extension SourceSyntax {
    /// How this object is written: the format's declaration (see `ModelFormat`).
    public static let format = ObjectFormat<SourceSyntax>(
        name: "source", article: "a source", documentation: "Where an imported object came from.",
        make: { location, _ in SourceSyntax(location: location) },
        fields: [
            .keyword("format", \.format, required: true),
            .string("id", \.id, .text, "The object's ID in that format, as written there.", required: true),
        ])
}
