import ThreatDocModel
import ThreatDocLoad
import ThreatDocReport
import ThreatDocSupport
import Foundation

/// A model written in another tool's format, with what that format had no place for.
public struct ExportResult: Sendable {
    public var text: String
    /// What the model holds that the written document does not, one line per kind, with a count.
    public var losses: [String]
}

public enum ModelExporter {
    public static func export(_ model: ResolvedModel, to format: InteropFormat) -> ExportResult {
        var losses = Losses()
        let document: JSONText = switch format {
        case .otm: OTMExport.document(model, losses: &losses)
        case .tmLibrary: TMLibraryExport.document(model, losses: &losses)
        case .threatDragon: ThreatDragonExport.document(model, losses: &losses)
        }
        return ExportResult(text: JSONText.render(document) + "\n", losses: losses.lines)
    }
}

/// Counts what an export leaves out, by kind.
struct Losses {
    private var counts: [(String, Int)] = []

    mutating func add(_ what: String, _ count: Int = 1) {
        guard count > 0 else { return }
        if let index = counts.firstIndex(where: { $0.0 == what }) { counts[index].1 += count } else { counts.append((what, count)) }
    }

    var lines: [String] { counts.map { "\($0.0) (\($0.1))" } }

    /// The losses every format shares: benchmark evidence and review data live only in threatdoc.
    mutating func common(_ model: ResolvedModel, keepsReviewDate: Bool) {
        if !keepsReviewDate, model.reviewed != nil { add("review date") }
        add("benchmark catalogs", model.benchmarks.count)
        add("recorded benchmark findings", model.findings.count)
        add("mitigation checks", model.mitigations.reduce(0) { $0 + $1.checks.count })
        add("mitigation references", model.mitigations.reduce(0) { $0 + $1.references.count })
        add("mitigation notes", model.mitigations.filter { $0.note != nil }.count)
        add("threat rules", model.threats.filter { $0.rule != nil }.count)
    }
}

extension ResolvedModel {
    /// The ID to write in `format`: the source's own ID for an object imported from that format, so that
    /// the other tool sees its objects again; threatdoc's ID otherwise.
    static func exportID(_ id: String, _ source: SourceReference?, _ format: InteropFormat) -> String {
        if let source, source.format == format { return source.id }
        return id
    }
}

typealias Members = [(String, JSONText)]

/// A member when the value is there, none when it is not.
func opt(_ key: String, _ value: String?) -> Members {
    guard let value else { return [] }
    return [(key, .string(value))]
}

func opt(_ key: String, _ value: Bool?) -> Members {
    guard let value else { return [] }
    return [(key, .bool(value))]
}

// MARK: - OTM

enum OTMExport {
    static let version = "0.2.0"
    /// Components outside every boundary sit in this trust zone, since OTM components need a parent.
    static let outsideZone = "threatdoc-outside-boundaries"
    /// Marks threatdoc's exports, whose trust ratings and risk reductions are placeholders the import
    /// need not list as lost.
    static let generator = "threatdoc"
    /// Component types for the element kinds; the import reads them back.
    static let kindTypes: [ElementKind: String] = [.external: "external-entity", .process: "process", .datastore: "datastore"]

    static func document(_ m: ResolvedModel, losses: inout Losses) -> JSONText {
        losses.common(m, keepsReviewDate: false)
        losses.add("acknowledged gaps", m.gaps.count)
        func id(_ id: String, _ source: ResolvedModel.SourceReference?) -> String { ResolvedModel.exportID(id, source, .otm) }
        let assetID = Dictionary(m.assets.map { ($0.id, id($0.id, $0.source)) }, uniquingKeysWith: { a, _ in a })
        let zoneID = Dictionary(m.boundaries.map { ($0.id, id($0.id, $0.source)) }, uniquingKeysWith: { a, _ in a })
        let elementID = Dictionary(m.elements.map { ($0.id, id($0.id, $0.source)) }, uniquingKeysWith: { a, _ in a })
        let flowID = Dictionary(m.flows.map { ($0.id, id($0.id, $0.source)) }, uniquingKeysWith: { a, _ in a })
        let threatID = Dictionary(m.threats.map { ($0.id, id($0.id, $0.source)) }, uniquingKeysWith: { a, _ in a })
        let mitigations = Dictionary(m.mitigations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        func links(_ target: String) -> [JSONText] {
            m.threats.filter { $0.targets.contains(target) }.map { threat in
                let done = !threat.mitigations.isEmpty && threat.mitigations.allSatisfy { mitigations[$0]?.status == .implemented }
                return .object([
                    ("threat", .string(threatID[threat.id]!)),
                    ("state", .string(done ? "mitigated" : "exposed")),
                    ("mitigations", .array(threat.mitigations.compactMap { mitigations[$0] }.map { x in
                        .object([("mitigation", .string(id(x.id, x.source))),
                                 ("state", .string(x.status == .implemented ? "implemented" : "required"))])
                    })),
                ])
            }
        }
        var zones: [JSONText] = m.boundaries.map { b in
            .object([("id", .string(zoneID[b.id]!)), ("name", .string(b.name))] + opt("description", b.description)
                    + [("risk", .object([("trustRating", .integer(50))]))]
                    + (b.parent.flatMap { zoneID[$0] }.map { [("parent", .object([("trustZone", .string($0))]))] } ?? []))
        }
        if m.elements.contains(where: { $0.boundary == nil }) {
            zones.append(.object([("id", .string(outsideZone)), ("name", .string("Outside every boundary")),
                                  ("risk", .object([("trustRating", .integer(0))]))]))
        }
        let components: [JSONText] = m.elements.map { e in
            var attributes: [(String, JSONText)] = [("threatdoc-type", .string(e.kind.rawValue))]
            attributes += opt("technology", e.technology)
            for (key, flag) in [("internet-facing", e.internetFacing), ("runs-as-root", e.runsAsRoot), ("stores-credentials", e.storesCredentials)] {
                if let flag { attributes.append((key, .bool(flag))) }
            }
            return .object([("id", .string(elementID[e.id]!)), ("name", .string(e.name))] + opt("description", e.description)
                + [("type", .string(kindTypes[e.kind]!)),
                   ("parent", .object([("trustZone", .string(e.boundary.flatMap { zoneID[$0] } ?? outsideZone))])),
                   ("assets", .object([("processed", .array(e.assets.compactMap { assetID[$0] }.map(JSONText.string)))])),
                   ("threats", .array(links(e.id))),
                   ("attributes", .object(attributes))])
        }
        let dataflows: [JSONText] = m.flows.map { f in
            var attributes: [(String, JSONText)] = opt("protocol", f.protocolName)
            if let flag = f.authenticated { attributes.append(("authenticated", .bool(flag))) }
            if let flag = f.encrypted { attributes.append(("encrypted", .bool(flag))) }
            return .object([("id", .string(flowID[f.id]!)), ("name", .string(f.label ?? f.id))] + opt("description", f.description)
                + [("source", .string(elementID[f.from]!)), ("destination", .string(elementID[f.to]!)),
                   ("assets", .array(f.assets.compactMap { assetID[$0] }.map(JSONText.string))),
                   ("threats", .array(links(f.id))), ("attributes", .object(attributes))])
        }
        if m.flows.contains(where: { $0.label == nil }) { losses.add("flows without a label (the flow's ID is written as its name)", m.flows.filter { $0.label == nil }.count) }
        let threats: [JSONText] = m.threats.map { t in
            let cwes = t.references.compactMap(cwe)
            losses.add("threat references other than CWE links", t.references.count - cwes.count)
            if t.note != nil { losses.add("threat notes") }
            var attributes: [(String, JSONText)] = []
            if t.response != .mitigate { attributes.append(("response", .string(t.response.rawValue))) }
            attributes += opt("justification", t.justification)
            return .object([("id", .string(threatID[t.id]!)), ("name", .string(t.title))] + opt("description", t.description)
                + [("categories", .array(t.stride.map { .string($0.title) })), ("cwes", .array(cwes.map(JSONText.string))),
                   ("risk", .object([("likelihood", .integer(t.likelihood.score)), ("impact", .integer(t.impact.score))])),
                   ("attributes", .object(attributes))])
        }
        let mitigationList: [JSONText] = m.mitigations.map { x in
            .object([("id", .string(id(x.id, x.source))), ("name", .string(x.title))] + opt("description", x.description)
                    + [("riskReduction", .integer(50)),
                       ("attributes", .object([("status", .string(x.status.rawValue))] + opt("owner", x.owner)))])
        }
        let assets: [JSONText] = m.assets.map { a in
            .object([("id", .string(assetID[a.id]!)), ("name", .string(a.name))] + opt("description", a.description)
                    + [("risk", .object([("confidentiality", .integer(a.sensitivity.score)), ("integrity", .integer(a.sensitivity.score)),
                                         ("availability", .integer(a.sensitivity.score))]))])
        }
        return .object([
            ("otmVersion", .string(version)),
            ("project", .object([("name", .string(m.title)), ("id", .string(m.source?.format == .otm ? m.source!.id : m.id))]
                                + opt("description", m.summary) + opt("owner", m.owner)
                                + [("attributes", .object([("generator", .string(generator))]))])),
            ("assets", .array(assets)),
            ("trustZones", .array(zones)),
            ("components", .array(components)),
            ("dataflows", .array(dataflows)),
            ("threats", .array(threats)),
            ("mitigations", .array(mitigationList)),
        ])
    }

    /// `CWE-79` from a MITRE CWE link.
    static func cwe(_ link: String) -> String? {
        let prefix = "https://cwe.mitre.org/data/definitions/"
        guard link.hasPrefix(prefix), link.hasSuffix(".html"), let number = Int(link.dropFirst(prefix.count).dropLast(5)) else { return nil }
        return "CWE-\(number)"
    }
}

// MARK: - OWASP Threat Model Library

enum TMLibraryExport {
    static let version = "1.0.2"
    static let schemaURL = "https://github.com/OWASP/www-project-threat-model-library/blob/v1.0.2/threat-model.schema.json"
    static let persona = "unspecified-adversary"
    /// Extensions are named by a domain and a path; threatdoc's holds what the format has no field for.
    static let extensionKey = "threatdoc.dev/extensions/tm-library/v1"

    static func document(_ m: ResolvedModel, losses: inout Losses) -> JSONText {
        losses.common(m, keepsReviewDate: true)
        losses.add("acknowledged gaps", m.gaps.count)
        losses.add("threat references other than CAPEC and CWE links", m.threats.reduce(0) { $0 + $1.references.filter { !isCatalogLink($0) }.count })
        // Symbolic names are lowercase letters, digits and dashes; the original IDs go in the extension.
        var names = IDMaker()
        var symbol: [String: String] = [:]
        var originals: [(String, JSONText)] = [("model", .string(m.id))]
        func name(_ id: String, _ source: ResolvedModel.SourceReference?) -> String {
            if let existing = symbol[id] { return existing }
            let wanted = ResolvedModel.exportID(id, source, .tmLibrary)
            let made = wanted.range(of: "^[0-9a-z-]+$", options: .regularExpression) != nil ? names.claim(wanted)
                : names.make(from: wanted, fallback: "x")
            symbol[id] = made
            if made != id { originals.append((made, .string(id))) }
            return made
        }
        m.boundaries.forEach { _ = name($0.id, $0.source) }
        m.elements.forEach { _ = name($0.id, $0.source) }
        m.assets.forEach { _ = name($0.id, $0.source) }
        m.flows.forEach { _ = name($0.id, $0.source) }
        m.threats.forEach { _ = name($0.id, $0.source) }
        m.mitigations.forEach { _ = name($0.id, $0.source) }
        let kinds = Dictionary(m.elements.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        func typeName(_ kind: ElementKind) -> String { kind == .external ? "actor" : kind == .process ? "component" : "data_store" }

        func element(_ e: ResolvedModel.Element) -> JSONText {
            var members: [(String, JSONText)] = [("symbolic_name", .string(symbol[e.id]!)), ("title", .string(e.name)),
                                                 ("description", .string(e.description ?? e.name))]
            if e.kind == .external { members.append(("type", .string("user"))) }
            if e.kind == .datastore { members.append(("type", .string(storeType(e.technology)))) }
            if let boundary = e.boundary { members.append(("trust_zone", .string(symbol[boundary]!))) }
            return .object(members)
        }
        let risks: [JSONText] = m.threats.map { t in
            let l = [Level.low: ("unlikely", 2), .medium: ("possible", 3), .high: ("likely", 4), .critical: ("certain", 5)][t.likelihood]!
            let i = [Level.low: ("minor", 2), .medium: ("moderate", 3), .high: ("major", 4), .critical: ("severe", 5)][t.impact]!
            return .object([("symbolic_name", .string("risk-\(symbol[t.id]!)")), ("title", .string(t.title)),
                            ("description", .string(t.description ?? t.title)), ("threats", .array([.string(symbol[t.id]!)])),
                            ("likelihood", .string(l.0)), ("impact", .string(i.0)), ("impact_description", .string(t.impact.rawValue)),
                            ("score", .integer(l.1 * i.1)), ("level", .string(t.risk.rawValue))])
        }
        let threatsByMitigation = Dictionary(grouping: m.threats.flatMap { t in t.mitigations.map { ($0, t) } }, by: \.0).mapValues { $0.map(\.1) }
        let controls: [JSONText] = m.mitigations.map { x in
            let answered = threatsByMitigation[x.id] ?? []
            let priority = answered.map(\.risk).max() ?? .low
            let status = [MitigationStatus.implemented: "active", .inProgress: "scheduled", .planned: "approved", .notStarted: "suggested"][x.status]!
            return .object([("symbolic_name", .string(symbol[x.id]!)), ("title", .string(x.title)), ("description", .string(x.description ?? x.title)),
                            ("threats", .array(answered.map { .string(symbol[$0.id]!) })), ("status", .string(status)),
                            ("priority", .string(priority.rawValue))])
        }
        if m.mitigations.contains(where: { $0.owner != nil }) { losses.add("mitigation owners", m.mitigations.filter { $0.owner != nil }.count) }
        // What the format has no field for, kept under `extensions.threatdoc` for the way back.
        let extensionMembers: [(String, JSONText)] = [
            ("ids", .object(originals)),
            ("stride", .object(m.threats.map { (symbol[$0.id]!, .array($0.stride.map { .string($0.rawValue) })) })),
            ("targets", .object(m.threats.map { t in (symbol[t.id]!, .array(t.targets.map { .string(symbol[$0] ?? $0) })) })),
            ("threats", .object(m.threats.map { t in
                (symbol[t.id]!, .object([("likelihood", .string(t.likelihood.rawValue)), ("impact", .string(t.impact.rawValue))]
                                        + (t.response == .mitigate ? [] : [("response", .string(t.response.rawValue))])
                                        + opt("justification", t.justification) + opt("note", t.note)))
            })),
            ("status", .object(m.mitigations.map { (symbol[$0.id]!, .string($0.status.rawValue)) })),
            ("sensitivity", .object(m.assets.map { (symbol[$0.id]!, .string($0.sensitivity.rawValue)) })),
            ("assets", .object(m.elements.filter { !$0.assets.isEmpty }.map { e in (symbol[e.id]!, .array(e.assets.map { .string(symbol[$0] ?? $0) })) })),
            ("technology", .object(m.elements.compactMap { e in e.technology.map { (symbol[e.id]!, .string($0)) } })),
            ("flags", .object(m.elements.compactMap { e in
                let flags: [(String, JSONText)] = [("internet-facing", e.internetFacing), ("runs-as-root", e.runsAsRoot),
                                                   ("stores-credentials", e.storesCredentials)].compactMap { key, value in value.map { (key, .bool($0)) } }
                return flags.isEmpty ? nil : (symbol[e.id]!, .object(flags))
            })),
            ("flows", .object(m.flows.map { f in
                (symbol[f.id]!, .object(opt("protocol", f.protocolName)
                                        + (f.authenticated.map { [("authenticated", .bool($0))] } ?? [])
                                        + (f.encrypted.map { [("encrypted", .bool($0))] } ?? [])
                                        + [("assets", .array(f.assets.map { .string(symbol[$0] ?? $0) }))]))
            })),
            ("parents", .object(m.boundaries.compactMap { b in b.parent.map { (symbol[b.id]!, .string(symbol[$0]!)) } })),
        ] + opt("owner", m.owner)
        let internetFacing = m.elements.contains { $0.internetFacing == true } || m.elements.contains { $0.kind == .external && $0.boundary == nil }
        var root: [(String, JSONText)] = [
            ("$schema", .string(schemaURL)),
            ("version", .string(version)),
            ("scope", .object([("title", .string(m.title)), ("description", .string(m.summary ?? m.title)),
                               ("business_criticality", .string("moderate")), ("data_sensitivity", .array([])),
                               ("exposure", .string(internetFacing ? "external" : "internal")), ("tier", .string("important"))])),
        ]
        root += opt("description", m.summary)
        root += opt("reviewed_at", m.reviewed)
        root += [
            ("trust_zones", .array(m.boundaries.map { b in
                .object([("symbolic_name", .string(symbol[b.id]!)), ("title", .string(b.name)), ("description", .string(b.description ?? b.name))])
            })),
            ("trust_boundaries", .array(m.boundaries.compactMap { b in
                b.parent.map { .object([("trust_zone_a", .string(symbol[$0]!)), ("trust_zone_b", .string(symbol[b.id]!))]) }
            })),
            ("actors", .array(m.elements.filter { $0.kind == .external }.map(element))),
            ("components", .array(m.elements.filter { $0.kind == .process }.map(element))),
            ("data_stores", .array(m.elements.filter { $0.kind == .datastore }.map(element))),
            ("data_sets", .array(m.assets.map { a in
                .object([("symbolic_name", .string(symbol[a.id]!)), ("title", .string(a.name)), ("description", .string(a.description ?? a.name)),
                         ("placements", .array(m.elements.filter { $0.kind == .datastore && $0.assets.contains(a.id) }.map {
                             .object([("data_store", .string(symbol[$0.id]!))])
                         })),
                         ("data_sensitivity", .array([]))])
            })),
            ("data_flows", .array(m.flows.map { f in
                .object([("symbolic_name", .string(symbol[f.id]!)), ("title", .string(f.label ?? f.id)),
                         ("description", .string(f.description ?? f.label ?? f.id)),
                         ("source", .object([("type", .string(typeName(kinds[f.from] ?? .process))), ("object", .string(symbol[f.from]!))])),
                         ("destination", .object([("type", .string(typeName(kinds[f.to] ?? .process))), ("object", .string(symbol[f.to]!))])),
                         ("has_sensitive_data", .bool(!f.assets.isEmpty)), ("encrypted", .bool(f.encrypted ?? false))])
            })),
            ("threat_personas", .array(m.threats.isEmpty ? [] : [.object([
                ("symbolic_name", .string(persona)), ("title", .string("Unspecified adversary")),
                ("description", .string("threatdoc models threats by STRIDE category, not by persona.")),
                ("is_person", .bool(true)), ("skill_level", .string("engineer")), ("access_level", .string("anonymous")),
                ("malicious_intent", .bool(true)), ("applicability_to_org", .string("moderate")),
            ])])),
            ("threats", .array(m.threats.map { t in
                .object([("symbolic_name", .string(symbol[t.id]!)), ("title", .string(t.title)), ("description", .string(t.description ?? t.title)),
                         ("components_affected", .array(t.targets.filter { kinds[$0] != nil }.map { .string(symbol[$0]!) })),
                         ("threat_persona", .string(persona)), ("event", .string(t.stride.map(\.title).joined(separator: ", "))),
                         ("sources", .array([.string("adversary")])),
                         ("attack_mechanisms", .array(t.references.compactMap { catalogNumber($0, "capec") }.map { .object([("capec_id", .integer($0))]) })),
                         ("weaknesses", .array(t.references.compactMap { catalogNumber($0, "cwe") }.map { .object([("cwe_id", .integer($0))]) }))])
            })),
            ("controls", .array(controls)),
            ("risks", .array(risks)),
            ("extensions", .object([(extensionKey, .object(extensionMembers))])),
        ]
        return .object(root)
    }

    static func storeType(_ technology: String?) -> String {
        let words = (technology ?? "").lowercased()
        for (cues, type) in [(["sql", "postgres", "mysql", "mariadb", "oracle"], "sql"), (["redis", "etcd", "key", "memcache", "dynamo"], "key_value"),
                             (["mongo", "document", "couch", "elastic"], "document"), (["graph", "neo4j"], "graph"),
                             (["time series", "timeseries", "prometheus", "influx"], "time_series")] where cues.contains(where: words.contains) {
            return type
        }
        return "object"
    }

    static func isCatalogLink(_ link: String) -> Bool { catalogNumber(link, "capec") != nil || catalogNumber(link, "cwe") != nil }

    static func catalogNumber(_ link: String, _ catalog: String) -> Int? {
        let prefix = "https://\(catalog).mitre.org/data/definitions/"
        guard link.hasPrefix(prefix), link.hasSuffix(".html") else { return nil }
        return Int(link.dropFirst(prefix.count).dropLast(5))
    }
}

/// Recognises a file that `threatdoc export` may replace: an earlier export in the same format.
public enum ExportedFile {
    public static func isExport(atPath path: String, format: String) -> Bool {
        guard let bytes = try? FileReading.readRegularFile(path, limit: 64 << 20),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
        switch format {
        case "json": return object["format"] as? String == "threatdoc-model"
        case InteropFormat.otm.rawValue: return object["otmVersion"] != nil
        case InteropFormat.tmLibrary.rawValue: return object["scope"] != nil && object["version"] != nil
        case InteropFormat.threatDragon.rawValue: return object["summary"] != nil && object["detail"] != nil
        default: return false
        }
    }
}
