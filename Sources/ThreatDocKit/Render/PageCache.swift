import Foundation

/// Rendered pages cached by a hash of everything that shapes them: the resolved model, the
/// templates, the output location and threatdoc's version. Re-rendering after one model changes then
/// renders only that model. The cache only saves time; the output is the same with or without it.
public struct PageCache: Sendable {
    public var directory: String?
    /// A digest of each model's inputs (its file and the scans), by model ID. A model without one is
    /// never cached.
    public var inputDigests: [String: UInt64]

    /// What the output folder held after the last render; nil when nothing may be kept.
    var previous: OutputManifest?
    /// Where the pages of the renderer using this cache go, inside the output folder (`html/`).
    var pathPrefix = ""
    /// The cached pages of this render by output path, and those kept from the previous output.
    let pages = PageRecord()

    public init(directory: String?, inputDigests: [String: UInt64] = [:], previous: OutputManifest? = nil) {
        self.directory = directory
        self.inputDigests = inputDigests
        self.previous = previous
    }

    /// The same cache, for a renderer whose pages go into `prefix` inside the output folder.
    func scoped(_ prefix: String) -> PageCache {
        var copy = self
        copy.pathPrefix = prefix
        return copy
    }

    /// Whether the output folder still holds the page `key` names at `path`, as the last render wrote
    /// it; if so, the page is recorded as kept and need not be rendered or read.
    func keep(_ path: String, key: String?) -> Bool {
        guard let key, let previous, previous.holds(pathPrefix + path, key: key) else { return false }
        pages.record(pathPrefix + path, key: key, kept: true)
        if let directory { CacheHousekeeping.markUsed("\(directory)/pages/\(key)") }
        return true
    }

    /// Records that `path` holds the cached page `key`, for the next render's manifest.
    func record(_ path: String, key: String?) {
        guard let key else { return }
        pages.record(pathPrefix + path, key: key, kept: false)
    }

    /// Digests of every model's inputs: the model file's bytes and everything the scans reported.
    public static func digests(for outcome: Pipeline.Outcome) -> [String: UInt64] {
        var scanText = ""
        for report in outcome.scans.sorted(by: { $0.path < $1.path }) {
            scanText += "\(report.path)\u{0}\(report.label)\u{0}\(report.catalogVersion ?? "")\u{0}\(report.started ?? 0)\n"
            for result in report.results {
                scanText += "\(result.id)\u{0}\(result.rawStatus)\u{0}\(result.title)\u{0}\(result.nodeType)\u{0}\(result.catalogVersion ?? "")\n"
            }
        }
        let scans = StableHash.fnv1a(scanText)
        let sources = Dictionary(outcome.sources.map { ($0.path, $0.digest) }, uniquingKeysWith: { a, _ in a })
        var digests: [String: UInt64] = [:]
        for model in outcome.models ?? [] {
            guard let source = sources[model.sourcePath] else { continue }
            digests[model.id] = source ^ (scans &* 31)
        }
        return digests
    }

    /// The cache key for a page of `model` rendered with `templates` in `format`; nil when the model's
    /// inputs are unknown or there is no cache.
    public func key(format: String, model: ResolvedModel, templates templateDigest: UInt64, extra: String) -> String? {
        guard directory != nil, let digest = inputDigests[model.id] else { return nil }
        let input = "\(digest)\u{0}\(model.id)\u{0}\(model.sourcePath)"
        let key = StableHash.fnv1a([format, ThreatDocKit.version, Self.buildIdentity, extra, input].joined(separator: "\u{2}"))
        return "\(format)-\(String(key, radix: 16))-\(String(templateDigest, radix: 16))"
    }

    /// A digest of every template and asset of a set, computed once per render.
    public static func digest(of templates: TemplateSet) -> UInt64 {
        let text = templates.templates.keys.sorted().map { "\($0)\u{0}\(templates.templates[$0]!.text)" }.joined(separator: "\u{1}")
            + templates.assets.keys.sorted().map { "\($0)\u{0}\(templates.assets[$0]!)" }.joined(separator: "\u{1}")
        return StableHash.fnv1a(text)
    }

    /// Whether a page is cached, without reading it.
    public func contains(_ key: String?) -> Bool {
        guard let directory, let key else { return false }
        return FileManager.default.fileExists(atPath: "\(directory)/pages/\(key)")
    }

    /// The running binary's size and modification time: a rebuilt threatdoc never reuses pages that
    /// an older build rendered, even when the version string is the same.
    static let buildIdentity: String = {
        let path = ProcessInfo.processInfo.arguments.first ?? ""
        let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(path)|\(size)|\(modified)"
    }()

    public func lookup(_ key: String?) -> String? {
        guard let directory, let key, let data = FileManager.default.contents(atPath: "\(directory)/pages/\(key)") else {
            return nil
        }
        CacheHousekeeping.markUsed("\(directory)/pages/\(key)")
        return String(decoding: data, as: UTF8.self)
    }

    public func store(_ key: String?, _ text: String) {
        guard let directory, let key else { return }
        try? FileManager.default.createDirectory(atPath: "\(directory)/pages", withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/pages/\(key)"), options: .atomic)
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
