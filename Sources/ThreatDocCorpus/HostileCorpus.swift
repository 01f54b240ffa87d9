import Foundation

/// Generated hostile model files, one per attack class. The tests check that each gets a located
/// error; the benchmark measures the time and memory each costs.
public enum HostileCorpus {
    public struct Case: Sendable {
        public var name: String
        /// The diagnostic code (`TD…`) the loader must report.
        public var expectedCode: String
        public var bytes: [UInt8]
    }

    static let header = "threatdoc: 1\nid: hostile\ntitle: Hostile input\n"

    public static var cases: [Case] {
        [
            Case(name: "alias-bomb-values", expectedCode: "TD105", bytes: Array((header + aliasBomb(levels: 12)).utf8)),
            Case(name: "alias-bomb-keys", expectedCode: "TD105", bytes: Array((header + aliasBombInKeys(levels: 12)).utf8)),
            Case(name: "anchor-and-alias", expectedCode: "TD105",
                 bytes: Array((header + "owner: &who alice\nsummary: *who\n").utf8)),
            Case(name: "deep-flow-nesting", expectedCode: "TD106",
                 bytes: Array((header + "summary: " + String(repeating: "[", count: 200_000)
                               + String(repeating: "]", count: 200_000) + "\n").utf8)),
            Case(name: "deep-block-nesting", expectedCode: "TD106", bytes: Array((header + deepBlock(levels: 1_000)).utf8)),
            Case(name: "huge-scalar", expectedCode: "TD107",
                 bytes: Array((header + "summary: \"" + String(repeating: "A", count: 900_000) + "\"\n").utf8)),
            Case(name: "file-over-cap", expectedCode: "TD101",
                 bytes: Array((header + "summary: |\n" + String(repeating: "  padding line of text\n", count: 100_000)).utf8)),
            Case(name: "duplicate-keys", expectedCode: "TD109", bytes: Array((header + duplicateKeys(count: 40_000)).utf8)),
            Case(name: "sequence-keys", expectedCode: "TD108", bytes: Array((header + complexKeys(count: 20_000)).utf8)),
            Case(name: "many-documents", expectedCode: "TD104",
                 bytes: Array((header + String(repeating: "---\n" + header, count: 10_000)).utf8)),
            Case(name: "unknown-tags", expectedCode: "TD110",
                 bytes: Array((header + "owner: !!python/object:os.system ls\nsummary: !custom x\n").utf8)),
            Case(name: "invalid-utf8", expectedCode: "TD102",
                 bytes: Array(header.utf8) + Array("summary: caf".utf8) + [0xE9, 0x0A]),
            Case(name: "bidi-in-id", expectedCode: "TD206",
                 bytes: Array((header.replacingOccurrences(of: "id: hostile", with: "id: \"admin\u{202E}nimda\"")).utf8)),
            Case(name: "control-char-in-id", expectedCode: "TD206",
                 bytes: Array((header.replacingOccurrences(of: "id: hostile", with: "id: \"adm\\u0007in\"")).utf8)),
            Case(name: "path-traversal-id", expectedCode: "TD206",
                 bytes: Array((header.replacingOccurrences(of: "id: hostile", with: "id: ../../etc/passwd")).utf8)),
            Case(name: "long-line-simple-keys", expectedCode: "TD103",
                 bytes: Array((header + "{" + (0..<30_000).map { "k\($0): v" }.joined(separator: ", ") + "}: x\n"
                               ).utf8).prefix(1 << 20).map { $0 } + Array("\nbogus: 1\n".utf8)),
        ]
    }

    /// The billion-laughs shape: each level lists the previous one nine times.
    static func aliasBomb(levels: Int) -> String {
        var out = "summary: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1..<levels {
            let refs = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
            out += "x\(level): &l\(level) [\(refs)]\n"
        }
        return out
    }

    /// The same bomb, used as mapping keys, which makes naive duplicate-key checks hash the expansion.
    static func aliasBombInKeys(levels: Int) -> String {
        var out = "a0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1..<levels {
            let refs = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
            out += "a\(level): &l\(level) [\(refs)]\n"
        }
        for n in 0..<20 { out += "? *l\(levels - 1)\n: \(n)\n" }
        return out
    }

    static func deepBlock(levels: Int) -> String {
        var out = "summary:\n"
        for level in 1...levels { out += String(repeating: " ", count: level) + "- \n" }
        return out
    }

    static func duplicateKeys(count: Int) -> String {
        (0..<count).map { _ in "owner: me\n" }.joined()
    }

    static func complexKeys(count: Int) -> String {
        (0..<count).map { "? [k\($0), v]\n: x\n" }.joined()
    }
}

/// Large, valid synthetic models for benchmarks.
public enum SyntheticModel {
    /// The smallest model with a threat and its mitigation, for tests and the complexity benchmark
    /// to build on (tests quote its line numbers).
    public static let minimal = """
    threatdoc: 1
    id: demo
    title: Demo
    elements:
      - { id: web, type: process, name: Web }
    threats:
      - id: T1
        title: Spoofed web
        stride: [S]
        targets: [web]
        likelihood: low
        impact: low
        mitigations: [m1]
    mitigations:
      - { id: m1, title: Auth, status: implemented }

    """


    /// A valid model with the given counts; every threat targets one element and has one mitigation.
    public static func yaml(id: String = "synthetic", elements: Int, flows: Int, threats: Int, mitigations: Int) -> String {
        var out = """
            threatdoc: 1
            id: \(id)
            title: Synthetic model \(id)
            summary: A generated model for benchmarks.
            owner: bench
            reviewed: 2026-11-01
            boundaries:
              - { id: zone-a, name: Zone A }
              - { id: zone-b, name: Zone B, parent: zone-a }
            assets:
              - { id: data, name: Data, sensitivity: high }
            elements:

            """
        let kinds = ["process", "datastore", "external"]
        for e in 0..<elements {
            out += "  - { id: e\(e), type: \(kinds[e % 3]), name: \"Element \(e)\", boundary: zone-\(e % 2 == 0 ? "a" : "b"), description: \"Element number \(e) of the synthetic model.\" }\n"
        }
        out += "flows:\n"
        for f in 0..<flows {
            out += "  - { id: f\(f), from: e\(f % elements), to: e\((f * 7 + 1) % elements), label: \"flow \(f)\" }\n"
        }
        out += "threats:\n"
        let categories = ["spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service", "elevation-of-privilege"]
        let levels = ["low", "medium", "high", "critical"]
        for t in 0..<threats {
            // Process elements (index divisible by 3) face every STRIDE category.
            let target = (t % ((elements + 2) / 3)) * 3
            out += """
                  - id: T\(t)
                    title: Threat \(t)
                    stride: [\(categories[t % 6])]
                    targets: [e\(target)]
                    description: Synthetic threat \(t) against element \(target).
                    likelihood: \(levels[t % 4])
                    impact: \(levels[(t / 4) % 4])
                    mitigations: [m\(t % mitigations)]

                """
        }
        out += "mitigations:\n"
        for m in 0..<mitigations {
            out += "  - { id: m\(m), title: \"Mitigation \(m)\", status: implemented, owner: team-\(m % 5) }\n"
        }
        return out
    }
}

/// Distinct models with nested trust boundaries (clusters within clusters) and flows across them:
/// the shapes whose layouts once depended on which other graphs `dot` laid out in the same run.
public enum ClusteredCorpus {
    /// `count` models as (file name, YAML); model `n` has `6 + n % 9` elements over four boundaries,
    /// three of them nested, and flows that cross between them.
    public static func models(count: Int, revision: Int = 0) -> [(name: String, yaml: String)] {
        (0..<count).map { number in
            let elements = 6 + number % 9
            let zones = ["outer", "middle", "inner", "side"]
            let kinds = ["process", "datastore", "external"]
            var out = """
                threatdoc: 1
                id: system-\(number)
                title: System \(number)
                summary: Revision \(revision) of a generated system with nested trust boundaries.
                boundaries:
                  - { id: outer, name: Outer zone }
                  - { id: middle, name: Middle zone, parent: outer }
                  - { id: inner, name: Inner zone, parent: middle }
                  - { id: side, name: Side zone }
                elements:

                """
            for element in 0..<elements {
                out += "  - { id: e\(element), type: \(kinds[element % 3]), name: \"Element \(element)\", boundary: \(zones[(element + number) % 4]) }\n"
            }
            out += "flows:\n"
            for flow in 0..<(elements + 3) {
                out += "  - { id: f\(flow), from: e\(flow % elements), to: e\((flow * 5 + number + 1) % elements), label: \"flow \(flow)\" }\n"
            }
            out += """
                threats:
                  - { id: T1, title: Spoofed caller, stride: [S], targets: [e0], likelihood: low, impact: medium, mitigations: [m1] }
                mitigations:
                  - { id: m1, title: Mutual TLS, status: implemented }

                """
            return (name: "system-\(number).yaml", yaml: out)
        }
    }
}

/// Models whose diagrams are hard to lay out: many boundaries, long chains of flows, tangles.
public enum DiagramCorpus {
    /// Boundaries, elements and flows spread at random (a fixed seed); every fifth boundary is
    /// outermost, the others nest in an earlier one.
    public static func tangled(id: String, elements: Int, flows: Int, boundaries: Int) -> String {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let parents = (0..<boundaries).map { b in b > 0 && b % 5 != 0 ? next(b) : nil }
        let homes = (0..<elements).map { _ in next(boundaries) }
        let links = (0..<flows).map { _ in (next(elements), next(elements)) }
        return text(id: id, title: "Tangled \(id)", parents: parents, homes: homes, flows: links)
    }

    /// `boundaries` side by side, the elements shared out between them in order, and each element's
    /// flow to the next: one long chain through every boundary.
    public static func chain(id: String, elements: Int, boundaries: Int) -> String {
        text(id: id, title: "Chain \(id)", parents: Array(repeating: nil, count: boundaries),
             homes: (0..<elements).map { $0 * boundaries / elements }, flows: (0..<elements).map { ($0, ($0 + 1) % elements) })
    }

    /// A model of boundaries `b0…` (each with its parent's index, if any), elements `e0…` (each in the
    /// boundary of its index in `homes`) and labelled flows `f0…` between elements.
    static func text(id: String, title: String, parents: [Int?], homes: [Int], flows: [(from: Int, to: Int)]) -> String {
        var out = "threatdoc: 1\nid: \(id)\ntitle: \(title)\nboundaries:\n"
        for (b, parent) in parents.enumerated() {
            out += "  - { id: b\(b), name: Zone \(b)\(parent.map { ", parent: b\($0)" } ?? "") }\n"
        }
        out += "elements:\n"
        for (e, home) in homes.enumerated() {
            out += "  - { id: e\(e), type: \(["process", "datastore", "external"][e % 3]), name: \"Element \(e)\", boundary: b\(home) }\n"
        }
        out += "flows:\n"
        for (f, flow) in flows.enumerated() { out += "  - { id: f\(f), from: e\(flow.from), to: e\(flow.to), label: \"flow \(f)\" }\n" }
        return out
    }
}
