import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import ThreatDocRender
import Foundation

/// Rendered pages cached by a hash of everything that shapes them: the resolved model, the
/// templates, the output location and threatdoc's version. Re-rendering after one model changes then
/// renders only that model. The cache only saves time; the output is the same with or without it.
public struct PageCache: PageStore {
    public var folder: CacheFolder?
    /// A digest of each model's inputs (its file and the scans), by model ID. A model without one is
    /// never cached.
    public var inputDigests: [String: String]

    /// What the output folder held after the last render; nil when nothing may be kept.
    var previous: OutputManifest?
    /// Where the pages of the renderer using this cache go, inside the output folder (`html/`).
    var pathPrefix = ""
    /// The cached pages of this render by output path, and those kept from the previous output.
    let pages = PageRecord()

    public init(folder: CacheFolder?, inputDigests: [String: String] = [:], previous: OutputManifest? = nil) {
        self.folder = folder
        self.inputDigests = inputDigests
        self.previous = previous
    }

    /// The same cache, for a renderer whose pages go into `prefix` inside the output folder.
    public func scoped(_ prefix: String) -> PageCache {
        var copy = self
        copy.pathPrefix = prefix
        return copy
    }

    /// Whether the output folder still holds the page `key` names at `path`, as the last render wrote
    /// it; if so, the page is recorded as kept and need not be rendered or read.
    public func keep(_ path: String, key: String?) -> Bool {
        guard let key, let previous, previous.holds(pathPrefix + path, key: key) else { return false }
        pages.record(pathPrefix + path, key: key, kept: true)
        folder?.markUsed(.pages, key)
        return true
    }

    /// Records that `path` holds the cached page `key`, for the next render's manifest.
    public func record(_ path: String, key: String?) {
        guard let key else { return }
        pages.record(pathPrefix + path, key: key, kept: false)
    }

    /// A digest of each resolved model, by ID: the page is a function of the resolved model (with the
    /// evidence of every scan assigned to it, their versions and hosts), the templates and the build,
    /// so the key covers all of what a page shows rather than a list of its inputs that could miss one.
    public static func digests(for outcome: Pipeline.Outcome) -> [String: String] {
        let models = outcome.models ?? []
        let digests = concurrentMap(models.count) { index -> String in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard let data = try? encoder.encode(models[index]) else { return "" }
            return Digest.ofBytes(data)
        }
        var byID: [String: String] = [:]
        for (model, digest) in zip(models, digests) where !digest.isEmpty { byID[model.id] = digest }
        return byID
    }

    /// The cache key for a page of `model` rendered with `templates` in `format`; nil when the model's
    /// inputs are unknown or there is no cache.
    public func key(format: String, model: ResolvedModel, templates templateDigest: String, extra: String) -> String? {
        guard folder != nil, let digest = inputDigests[model.id] else { return nil }
        return CacheFolder.key(.pages, version: 4, format, templateDigest, extra, digest, model.id, model.sourcePath)
    }

    /// Whether a page is cached, without reading it.
    public func contains(_ key: String?) -> Bool {
        guard let folder, let key else { return false }
        return folder.contains(.pages, key)
    }

    public func lookup(_ key: String?) -> String? {
        guard let folder, let key, let data = folder.load(.pages, key) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    public func store(_ key: String?, _ text: String) {
        guard let folder, let key else { return }
        folder.store(.pages, key, Data(text.utf8))
    }
}

/// The pages of one render, recorded by the renderers' threads.
final class PageRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [String: String] = [:]
    private var keptPaths: Set<String> = []

    func record(_ path: String, key: String, kept: Bool) {
        lock.lock()
        keys[path] = key
        if kept { keptPaths.insert(path) }
        lock.unlock()
    }

    /// Every cached page by output path, and the ones kept from the previous output.
    var snapshot: (keys: [String: String], kept: Set<String>) {
        lock.lock()
        defer { lock.unlock() }
        return (keys, keptPaths)
    }
}
