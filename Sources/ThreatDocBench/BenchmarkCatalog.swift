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
    /// Each check's title as `search` compares it: its words, CamelCase split, stemmed; computed once.
    private var searchTerms: [[String]]

    init(tool: CheckReference.Tool, version: String, source: String, checks: [CatalogCheck]) {
        self.tool = tool
        self.version = version
        self.source = source
        self.checks = checks
        byID = [:]
        for (index, check) in checks.enumerated() where byID[check.id] == nil { byID[check.id] = index }
        searchTerms = checks.map { Self.terms(of: $0.title) }
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

    /// Checks whose titles hold every word of `query`, in any order: words are compared by their stems
    /// ("policy" finds "NetworkPolicies"; "enable" finds "enabled"), and a title word may be longer
    /// than the query word. Best matches first: more words matched exactly, then shorter titles.
    public func search(_ query: String) -> [CatalogCheck] {
        // Titles are a few dozen words; a longer query (counted in scalars: one letter can carry
        // thousands of combining marks) matches nothing, and must not cost a comparison per mark.
        guard query.unicodeScalars.count <= Self.maxQueryScalars else { return [] }
        let words = Self.terms(of: query.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " "))
        guard !words.isEmpty else { return [] }
        let matches = checks.indices.compactMap { index -> (index: Int, exact: Int)? in
            let terms = searchTerms[index]
            var exact = 0
            for word in words {
                if terms.contains(word) { exact += 1 } else if !terms.contains(where: { word.count >= 3 && $0.hasPrefix(word) }) { return nil }
            }
            return (index, exact)
        }
        return matches.sorted { ($1.exact, searchTerms[$0.index].count, $0.index) < ($0.exact, searchTerms[$1.index].count, $1.index) }
            .map { checks[$0.index] }
    }

    /// Titles that share the most words with `query`, for a search that found nothing.
    public static let maxQueryScalars = 400

    public func closest(to query: String, limit: Int = 3) -> [CatalogCheck] {
        guard query.unicodeScalars.count <= Self.maxQueryScalars else { return [] }
        let words = Set(Self.terms(of: query))
        let scored = checks.indices.map { index in
            (index, Set(searchTerms[index]).filter { term in
                term.count >= 3 && words.contains { $0.count >= 3 && (term.hasPrefix($0) || $0.hasPrefix(term)) }
            }.count)
        }.filter { $0.1 > 0 }
        return scored.sorted { ($1.1, $0.0) < ($0.1, $1.0) }.prefix(limit).map { checks[$0.0] }
    }

    /// A text's words for searching: CamelCase split ("NetworkPolicies" → network, policies, and the
    /// whole word too), lowercased, with plural endings taken off.
    static func terms(of text: String) -> [String] {
        var terms: [String] = []
        for word in CatalogCheck.normalize(text).split(separator: " ") {
            terms.append(stem(String(word)))
            // "--audit-log-path" and "kube-proxy" are found by their parts too.
            let parts = word.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "/" })
            if parts.count > 1 || parts.first.map({ $0 != word }) == true { terms += parts.map { stem(String($0)) } }
        }
        for word in text.split(whereSeparator: { !$0.isLetter }) where word.contains(where: \.isUppercase) && word.contains(where: \.isLowercase) {
            var part = ""
            for character in word {
                if character.isUppercase, !part.isEmpty, part.last?.isLowercase == true {
                    terms.append(stem(part.lowercased()))
                    part = ""
                }
                part.append(character)
            }
            if !part.isEmpty { terms.append(stem(part.lowercased())) }
        }
        return terms
    }

    /// "policies" → "policy", "namespaces" → "namespace", "classes" → "class": enough English for titles.
    static func stem(_ word: String) -> String {
        if word.count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.count > 4, ["sses", "xes", "ches", "shes"].contains(where: word.hasSuffix) { return String(word.dropLast(2)) }
        if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us") { return String(word.dropLast()) }
        return word
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
