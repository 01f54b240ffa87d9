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

    public init(location: SourceLocation, id: Located<String>? = nil, name: Located<String>? = nil, description: Located<String>? = nil, sensitivity: Located<Level>? = nil) {
        self.location = location
        self.id = id
        self.name = name
        self.description = description
        self.sensitivity = sensitivity
    }
}

public struct BoundarySyntax: Sendable {
    public var location: SourceLocation
    public var id: Located<String>?
    public var name: Located<String>?
    public var description: Located<String>?
    public var parent: Located<String>?

    public init(location: SourceLocation, id: Located<String>? = nil, name: Located<String>? = nil, description: Located<String>? = nil, parent: Located<String>? = nil) {
        self.location = location
        self.id = id
        self.name = name
        self.description = description
        self.parent = parent
    }
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

    public init(location: SourceLocation, id: Located<String>? = nil, kind: Located<ElementKind>? = nil, name: Located<String>? = nil, description: Located<String>? = nil, technology: Located<String>? = nil, boundary: Located<String>? = nil, assets: [Located<String>] = []) {
        self.location = location
        self.id = id
        self.kind = kind
        self.name = name
        self.description = description
        self.technology = technology
        self.boundary = boundary
        self.assets = assets
    }
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

    public init(location: SourceLocation, id: Located<String>? = nil, from: Located<String>? = nil, to: Located<String>? = nil, label: Located<String>? = nil, protocolName: Located<String>? = nil, description: Located<String>? = nil, assets: [Located<String>] = []) {
        self.location = location
        self.id = id
        self.from = from
        self.to = to
        self.label = label
        self.protocolName = protocolName
        self.description = description
        self.assets = assets
    }
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

    public init(location: SourceLocation, id: Located<String>? = nil, title: Located<String>? = nil, stride: [Located<StrideCategory>] = [], targets: [Located<String>] = [], description: Located<String>? = nil, likelihood: Located<Level>? = nil, impact: Located<Level>? = nil, response: Located<ThreatResponse>? = nil, justification: Located<String>? = nil, mitigations: [Located<String>] = [], note: Located<String>? = nil, references: [Located<String>] = []) {
        self.location = location
        self.id = id
        self.title = title
        self.stride = stride
        self.targets = targets
        self.description = description
        self.likelihood = likelihood
        self.impact = impact
        self.response = response
        self.justification = justification
        self.mitigations = mitigations
        self.note = note
        self.references = references
    }
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

    public init(location: SourceLocation, id: Located<String>? = nil, title: Located<String>? = nil, description: Located<String>? = nil, status: Located<MitigationStatus>? = nil, owner: Located<String>? = nil, checks: [Located<String>] = [], note: Located<String>? = nil, references: [Located<String>] = []) {
        self.location = location
        self.id = id
        self.title = title
        self.description = description
        self.status = status
        self.owner = owner
        self.checks = checks
        self.note = note
        self.references = references
    }
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

    public init(location: SourceLocation, check: Located<String>? = nil, title: Located<String>? = nil, issue: Located<String>? = nil, recommendation: Located<String>? = nil, threats: [Located<String>] = [], note: Located<String>? = nil) {
        self.location = location
        self.check = check
        self.title = title
        self.issue = issue
        self.recommendation = recommendation
        self.threats = threats
        self.note = note
    }
}

/// A coverage gap the authors acknowledge: these STRIDE categories of this target need no threat.
public struct GapSyntax: Sendable {
    public var location: SourceLocation
    public var target: Located<String>?
    public var stride: [Located<StrideCategory>] = []
    public var reason: Located<String>?

    public init(location: SourceLocation, target: Located<String>? = nil, stride: [Located<StrideCategory>] = [], reason: Located<String>? = nil) {
        self.location = location
        self.target = target
        self.stride = stride
        self.reason = reason
    }
}
