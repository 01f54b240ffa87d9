import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
/// A check reference resolved against a bundled catalog.
public struct ResolvedCheck: Sendable, Hashable {
    public var reference: CheckReference
    public var catalog: String
    public var check: CatalogCheck

    /// `docker:2.14` as written, for display.
    public var display: String { reference.description }
}

/// Resolves `checks:` entries against the model's `benchmarks:` and the bundled catalogs.
public struct CheckResolver: Sendable {
    /// Catalog version per tool, as the model declares it.
    public let declared: [CheckReference.Tool: Located<String>]
    /// True when the model has no `benchmarks:` at all: every tool gets its default catalog.
    public let usesDefaults: Bool

    public init(_ model: ModelSyntax) {
        var declared: [CheckReference.Tool: Located<String>] = [:]
        for entry in model.benchmarks {
            if let tool = CheckReference.Tool(rawValue: entry.tool.value), declared[tool] == nil {
                declared[tool] = entry.version
            }
        }
        self.declared = declared
        usesDefaults = model.benchmarks.isEmpty
    }

    public enum Failure: Error {
        case syntax(CheckReference.Problem)
        case undeclared(CheckReference.Tool)
        case unknownCatalog(CheckReference.Tool, String)
        case unknownCheck(CheckReference, BenchmarkCatalog)
    }

    public func resolve(_ text: String) -> Result<ResolvedCheck, Failure> {
        let reference: CheckReference
        switch CheckReference.parse(text) {
        case .success(let parsed): reference = parsed
        case .failure(let problem): return .failure(.syntax(problem))
        }
        let version: String
        if let explicit = reference.version {
            version = explicit
        } else if let declaredVersion = declared[reference.tool] {
            version = declaredVersion.value
        } else if usesDefaults {
            version = BenchmarkCatalog.defaultVersion(for: reference.tool)
        } else {
            return .failure(.undeclared(reference.tool))
        }
        guard let catalog = BenchmarkCatalog.find(tool: reference.tool, version: version) else {
            return .failure(.unknownCatalog(reference.tool, version))
        }
        guard let check = catalog.check(reference.checkID) else {
            return .failure(.unknownCheck(reference, catalog))
        }
        return .success(ResolvedCheck(reference: reference, catalog: catalog.version, check: check))
    }
}
