import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
/// One check of a CIS benchmark, as a benchmark tool numbers and titles it.
public struct CatalogCheck: Sendable, Hashable, Codable {
    public var id: String
    /// Section number and title, such as "2 Docker daemon configuration".
    public var section: String
    /// Whether the tool scores it; nil when the source does not say.
    public var scored: Bool?
    /// `automated`, `manual`, `scored` or `not-scored`, from the title's suffix; empty when absent.
    public var assessment: String
    /// kube-bench's node type (`master`, `node`, `etcd`, `policies`, `controlplane`, …); empty for Docker.
    public var nodeType: String
    /// The title without its "(Automated)"-style suffix.
    public var title: String

    /// Manual checks need a person's review: a scan can never verify them.
    public var isManual: Bool { assessment == "manual" }

    /// Title and node type, normalised: how a check is recognised when its number drifts.
    public var matchKey: String { CatalogCheck.matchKey(title: title, nodeType: nodeType) }

    public static func matchKey(title: String, nodeType: String) -> String {
        normalize(title) + "|" + canonicalNodeType(nodeType)
    }

    /// kube-bench calls the control plane `master` in older and `controlplane` in newer benchmarks.
    static func canonicalNodeType(_ type: String) -> String {
        switch type {
        case "controlplane": "master"
        default: type
        }
    }

    /// Lowercased words of a title, without the "(Scored)"-style suffix and punctuation.
    public static func normalize(_ title: String) -> String {
        var text = title.lowercased()
        for suffix in ["(automated)", "(manual)", "(scored)", "(not scored)"] where text.hasSuffix(suffix) {
            text = String(text.dropLast(suffix.count))
        }
        let words = text.split { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "/" || $0 == "'") }
        return words.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".'")) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

import Foundation

/// A versioned catalog of benchmark checks, bundled into the binary (see `CatalogData.swift`).
public struct BenchmarkCatalog: Sendable {
    public var tool: CheckReference.Tool
    /// The catalog version, such as `cis-docker-1.6.0` or `cis-1.12`.
    public var version: String
    /// Which tool release the numbering reflects.
    public var source: String
    public var checks: [CatalogCheck]
    private var byID: [String: Int]
    /// Each check's title as `search` compares it, normalised once.
    private var searchTitles: [String]

    init(tool: CheckReference.Tool, version: String, source: String, checks: [CatalogCheck]) {
        self.tool = tool
        self.version = version
        self.source = source
        self.checks = checks
        byID = [:]
        for (index, check) in checks.enumerated() where byID[check.id] == nil { byID[check.id] = index }
        searchTitles = checks.map { CatalogCheck.normalize($0.title) }
    }

    public func check(_ id: String) -> CatalogCheck? { byID[id].map { checks[$0] } }

    /// The catalog each tool uses when a model's `benchmarks:` does not name one.
    public static func defaultVersion(for tool: CheckReference.Tool) -> String {
        switch tool {
        case .docker: "cis-docker-1.6.0"
        case .kubernetes: "cis-1.12"
        }
    }

    /// Every bundled catalog, parsed once.
    public static var all: [BenchmarkCatalog] {
        bundled.compactMap { find(tool: CheckReference.Tool(rawValue: $0.tool)!, version: $0.version) }
    }

    /// The bundled catalog of `tool` at `version`; each catalog is parsed the first time it is asked for.
    public static func find(tool: CheckReference.Tool, version: String) -> BenchmarkCatalog? {
        parsed.lookup("\(tool.rawValue)\u{0}\(version)") {
            guard let entry = bundled.first(where: { $0.tool == tool.rawValue && $0.version == version }) else { return nil }
            return parse(entry)
        }
    }

    private static let parsed = CatalogCache()

    static func parse(_ entry: (tool: String, version: String, source: String, tsv: String)) -> BenchmarkCatalog {
        let checks = entry.tsv.split(separator: "\n").compactMap { line -> CatalogCheck? in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6 else { return nil }
            return CatalogCheck(id: fields[0], section: fields[1],
                                scored: fields[2] == "true" ? true : fields[2] == "false" ? false : nil,
                                assessment: fields[3], nodeType: fields[4], title: fields[5])
        }
        return BenchmarkCatalog(tool: CheckReference.Tool(rawValue: entry.tool)!, version: entry.version,
                                source: entry.source, checks: checks)
    }

    public static func versions(of tool: CheckReference.Tool) -> [String] {
        bundled.filter { $0.tool == tool.rawValue }.map(\.version)
    }

    // MARK: Suggestions

    /// Checks whose titles contain every word of `query` (in any order), best matches first.
    public func search(_ query: String) -> [CatalogCheck] {
        let words = CatalogCheck.normalize(query.replacingOccurrences(of: "-", with: " ")
            .replacingOccurrences(of: "_", with: " ")).split(separator: " ").map(String.init)
        guard !words.isEmpty else { return [] }
        return checks.indices.filter { index in words.allSatisfy { searchTitles[index].contains($0) } }.map { checks[$0] }
    }

    /// Likely intended checks for an ID that does not exist: by words of the title when the ID is
    /// not a number (`live-restore`), otherwise the nearest numbers in the same section.
    public func suggestions(for id: String, limit: Int = 3) -> [CatalogCheck] {
        let byWords = search(id)
        if !byWords.isEmpty { return Array(byWords.prefix(limit)) }
        // Numbers only, of at most 9 digits: "2.-9223372036854775808" or "V-242390" has no numeric neighbours.
        func number(_ part: Substring) -> Int? {
            part.count <= 9 && part.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(part) : nil
        }
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        guard let target = parts.last.flatMap(number), parts.allSatisfy({ number($0) != nil }) else { return [] }
        let prefix = parts.dropLast().joined(separator: ".")
        // A slip of one keystroke first (2.99 → 2.9), then the nearest numbers (2.99 → 2.18); each rank once.
        let typed = Array(id.unicodeScalars)
        let siblings: [(check: CatalogCheck, rank: (Int, Int))] = checks.compactMap { check in
            let checkParts = check.id.split(separator: ".", omittingEmptySubsequences: false)
            guard checkParts.count == parts.count, checkParts.dropLast().joined(separator: ".") == prefix,
                  let last = checkParts.last.flatMap(number) else { return nil }
            return (check, (Suggestions.editDistance(typed, Array(check.id.unicodeScalars)), abs(last - target)))
        }
        let nearest = siblings.sorted { $0.rank < $1.rank || ($0.rank == $1.rank && $0.check.id < $1.check.id) }.map(\.check)
        if !nearest.isEmpty { return Array(nearest.prefix(2)) }
        let closest = Suggestions.closest(to: id, in: checks.map(\.id))
        return closest.flatMap { check($0) }.map { [$0] } ?? []
    }
}

/// Parsed catalogs, shared by every thread.
final class CatalogCache: @unchecked Sendable {
    private var catalogs: [String: BenchmarkCatalog?] = [:]
    private let lock = NSLock()

    func lookup(_ key: String, _ make: () -> BenchmarkCatalog?) -> BenchmarkCatalog? {
        lock.lock()
        defer { lock.unlock() }
        if let known = catalogs[key] { return known }
        let made = make()
        catalogs[key] = made
        return made
    }
}
