import ThreatDocModel
import ThreatDocSupport
import ThreatDocReport

/// Where renderers find pages rendered before and keep the ones they render: the output layer's page
/// cache. Renderers only ask; what is kept, and where, is the output layer's business.
public protocol PageStore: Sendable {
    /// The key of a page of `model` in `format`; nil when the page cannot be cached.
    func key(format: String, model: ResolvedModel, templates templateDigest: String, extra: String) -> String?
    /// Whether the output folder still holds the page `key` names at `path`; if so it is recorded as kept.
    func keep(_ path: String, key: String?) -> Bool
    /// Whether the page is stored, without reading it.
    func contains(_ key: String?) -> Bool
    func lookup(_ key: String?) -> String?
    func store(_ key: String?, _ text: String)
    /// Records that `path` holds the page `key`.
    func record(_ path: String, key: String?)
}

/// No cache: every page is rendered.
public struct NoPageStore: PageStore {
    public init() {}
    public func key(format: String, model: ResolvedModel, templates templateDigest: String, extra: String) -> String? { nil }
    public func keep(_ path: String, key: String?) -> Bool { false }
    public func contains(_ key: String?) -> Bool { false }
    public func lookup(_ key: String?) -> String? { nil }
    public func store(_ key: String?, _ text: String) {}
    public func record(_ path: String, key: String?) {}
}

extension TemplateSet {
    /// A digest of every template and asset of the set, for page cache keys; computed once per render.
    public var digest: String {
        var digest = Digest()
        for name in templates.keys.sorted() {
            digest.add(name)
            digest.add(templates[name]!.text)
        }
        digest.add("assets")
        for name in assets.keys.sorted() {
            digest.add(name)
            digest.add(assets[name]!)
        }
        return digest.hex
    }
}
