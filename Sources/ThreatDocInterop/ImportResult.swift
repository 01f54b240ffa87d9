import ThreatDocModel
import ThreatDocReport
import Foundation

/// What an import made of a file: the model in format 1 (held as a `ResolvedModel`, whose lists keep
/// the source's order until the model is written), what had no place in it, and counts of both sides.
public struct ImportResult: Sendable {
    public var format: InteropFormat
    public var model: ResolvedModel
    /// What could not be mapped, grouped by what it is, each with the JSON paths where it was found.
    public var unmapped: [Unmapped]
    /// Mappings that needed a choice the source did not make (a STRIDE category taken from another taxonomy,
    /// a likelihood the format does not have); listed in the header so that a reviewer can check them.
    public var assumptions: [Unmapped]
    public var sourceCounts: Counts

    public struct Unmapped: Sendable, Equatable {
        public var what: String
        public var paths: [String]
    }

    public struct Counts: Sendable, Equatable, CustomStringConvertible {
        public var elements = 0, flows = 0, boundaries = 0, threats = 0, mitigations = 0, assets = 0

        public var description: String {
            func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
            return [count(elements, "element", "elements"), count(flows, "flow", "flows"), count(boundaries, "boundary", "boundaries"),
                    count(threats, "threat", "threats"), count(mitigations, "mitigation", "mitigations"), count(assets, "asset", "assets")]
                .joined(separator: ", ")
        }
    }

    public var resultCounts: Counts {
        Counts(elements: model.elements.count, flows: model.flows.count, boundaries: model.boundaries.count,
               threats: model.threats.count, mitigations: model.mitigations.count, assets: model.assets.count)
    }

    /// How many individual things were not mapped.
    public var unmappedCount: Int { unmapped.reduce(0) { $0 + $1.paths.count } }
}

/// Collects what an importer could not map, or had to assume, keyed by a short description.
struct ImportNotes {
    private(set) var unmapped: [ImportResult.Unmapped] = []
    private(set) var assumptions: [ImportResult.Unmapped] = []
    /// Where each description sits in its list, so that adding a path costs the same however many there are.
    private var unmappedIndex: [String: Int] = [:], assumptionIndex: [String: Int] = [:]

    mutating func unmapped(_ what: String, at path: String) { Self.add(what, path, to: &unmapped, index: &unmappedIndex) }
    mutating func assumed(_ what: String, at path: String) { Self.add(what, path, to: &assumptions, index: &assumptionIndex) }

    private static func add(_ what: String, _ path: String, to list: inout [ImportResult.Unmapped], index: inout [String: Int]) {
        if let position = index[what] { list[position].paths.append(path) } else {
            index[what] = list.count
            list.append(.init(what: what, paths: [path]))
        }
    }
}

/// Readable, unique IDs for imported objects, made from their names: `Web Server` → `web-server`,
/// a second one → `web-server-2`. Unique ignoring case across every kind, as format 1 requires, and
/// the same for the same file because objects are named in file order.
struct IDMaker {
    private var taken: Set<String> = []
    private var nextSuffix: [String: Int] = [:]

    /// An ID from `name`; `fallback` starts it when the name has no letter to start with.
    mutating func make(from name: String, fallback: String, keepCase: Bool = false) -> String {
        var slug = ""
        for scalar in name.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug += keepCase ? String(scalar) : String(scalar).lowercased()
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
            if slug.count >= 48 { break }
        }
        // Long names end at a whole word.
        if slug.count >= 48, let cut = slug.dropLast().lastIndex(of: "-"), slug.distance(from: slug.startIndex, to: cut) > 16 {
            slug = String(slug[..<cut])
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        if slug.first.map({ !$0.isLetter }) ?? true { slug = slug.isEmpty ? fallback : "\(fallback)-\(slug)" }
        return claim(slug)
    }

    /// `base` itself when free, otherwise `base-2`, `base-3`, …
    mutating func claim(_ base: String) -> String {
        // The next number to try for each base, so that many objects of one name cost no more than others.
        var counter = nextSuffix[base.lowercased(), default: 1]
        var candidate = counter == 1 ? base : "\(base)-\(counter)"
        while taken.contains(candidate.lowercased()) {
            counter += 1
            candidate = "\(base)-\(counter)"
        }
        nextSuffix[base.lowercased()] = counter + 1
        taken.insert(candidate.lowercased())
        return candidate
    }

    /// Whether a source's own ID can serve as a format 1 ID: it matches the ID pattern and reads as a
    /// name, not as a UUID or a number. Round trips through threatdoc's own exports keep their IDs so.
    static func isReadable(_ id: String) -> Bool {
        guard id.range(of: TextKind.id.pattern!, options: .regularExpression) != nil else { return false }
        let hexAndDashes = id.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == "-" }
        return !(hexAndDashes && id.count >= 16)
    }

    mutating func keepOrMake(source id: String?, name: String, fallback: String) -> String {
        if let id, Self.isReadable(id), !taken.contains(id.lowercased()) { return claim(id) }
        return make(from: name, fallback: fallback)
    }
}

/// Threat IDs by STRIDE letter, `TD-S1`, `TD-S2`, `TD-T1`, … in file order.
struct ThreatNumbering {
    let prefix: String
    private var counts: [String: Int] = [:]

    init(prefix: String) { self.prefix = prefix }

    mutating func next(_ category: StrideCategory, ids: inout IDMaker) -> String {
        counts[category.letter, default: 0] += 1
        return ids.claim("\(prefix)-\(category.letter)\(counts[category.letter]!)")
    }
}

extension String {
    /// One line of plain text: runs of whitespace (TD names wrap with `\n`) become one space.
    var singleLine: String {
        split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    /// Text that holds something besides whitespace, or nil.
    var nonBlank: String? {
        trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : self
    }

    /// The first sentence (or line), at most `limit` characters, cut at a word. A sentence ends at ". "
    /// before a capital letter, not after an abbreviation such as "e.g.".
    func headline(limit: Int = 100) -> String {
        let line = self.split(whereSeparator: \.isNewline).first.map(String.init) ?? self
        var sentence = line
        var searchFrom = line.startIndex
        while let end = line.range(of: ". ", range: searchFrom..<line.endIndex) {
            let before = line[..<end.lowerBound].split(separator: " ").last.map { $0.lowercased() } ?? ""
            let next = line[end.upperBound...].first
            if next?.isUppercase == true, !["e.g", "i.e", "etc", "vs", "cf", "approx", "incl"].contains(before) {
                sentence = String(line[..<end.lowerBound])
                break
            }
            searchFrom = end.upperBound
        }
        sentence = sentence.singleLine
        if sentence.count <= limit { return sentence.hasSuffix(".") ? String(sentence.dropLast()) : sentence }
        let cut = sentence.prefix(limit)
        let word = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return word + "…"
    }
}
