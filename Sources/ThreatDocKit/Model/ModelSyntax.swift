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

    public init(file: SourceFile, location: SourceLocation) {
        self.file = file
        self.location = location
    }
}

public struct AssetSyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var name: Located<String>?
    public var description: Located<String>?
    public var sensitivity: Located<Level>?
}

public struct BoundarySyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var name: Located<String>?
    public var description: Located<String>?
    public var parent: Located<String>?
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

/// A coverage gap the authors acknowledge: these STRIDE categories of this target need no threat.
public struct GapSyntax: Sendable {
    public var location: SourceLocation
    public var target: Located<String>?
    public var stride: [Located<StrideCategory>] = []
    public var reason: Located<String>?
}
