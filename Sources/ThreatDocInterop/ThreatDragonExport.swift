import ThreatDocModel
import ThreatDocLoad
import ThreatDocReport
import ThreatDocSupport
import Foundation

/// format 1 → OWASP Threat Dragon v2: one STRIDE diagram whose cells sit on a grid, each boundary a box
/// around its elements and its child boundaries. Threat Dragon keeps threats on cells with one category
/// each, so a threat is written once per target and category; the import joins the copies again.
enum ThreatDragonExport {
    static let version = "2.3.0"
    static let cellWidth = 160.0, cellHeight = 80.0, gap = 60.0, padding = 30.0, titleSpace = 30.0, rowWidth = 1100.0

    static func document(_ m: ResolvedModel, losses: inout Losses) -> JSONText {
        losses.common(m, keepsReviewDate: false)
        losses.add("assets", m.assets.count)
        losses.add("threat and mitigation IDs (Threat Dragon identifies threats by UUID)", m.threats.count + m.mitigations.count)
        losses.add("likelihoods (Threat Dragon rates severity only)", m.threats.count)
        losses.add("threat references", m.threats.reduce(0) { $0 + $1.references.count })
        losses.add("threat notes", m.threats.filter { $0.note != nil }.count)
        losses.add("mitigation owners", m.mitigations.filter { $0.owner != nil }.count)
        losses.add("element technology", m.elements.filter { $0.technology != nil }.count)
        losses.add("internet-facing and runs-as-root flags", m.elements.filter { $0.internetFacing != nil || $0.runsAsRoot != nil }.count)
        losses.add("flow authentication flags", m.flows.filter { $0.authenticated != nil }.count)
        losses.add("flow assets", m.flows.reduce(0) { $0 + $1.assets.count })

        func cellID(_ id: String, _ source: ResolvedModel.SourceReference?) -> String { ResolvedModel.exportID(id, source, .threatDragon) }
        let layout = Layout(m)
        let mitigations = Dictionary(m.mitigations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let kinds = Dictionary(m.elements.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        var number = 0

        // Whole-target gaps become "out of scope" with their reasons; partial ones are lost.
        var outOfScope: [String: String] = [:]
        let covered = RoundTrip.coveredCategories(m)
        for target in Set(m.gaps.map(\.target)) {
            let kind: TargetKind = kinds[target].map { .element($0) } ?? .flow
            let entries = m.gaps.filter { $0.target == target }
            if kind.applicableCategories.isSubset(of: Set(entries.flatMap(\.categories)).union(covered[target] ?? [])) {
                let reason = entries.map(\.reason).joined(separator: " ")
                outOfScope[target] = reason == ThreatDragonImport.noReason ? "" : reason
            } else {
                losses.add("acknowledged gaps that cover only some categories of a target", entries.count)
            }
        }

        var sourceIDUsed = Set<String>()
        func threats(on target: String) -> [JSONText] {
            m.threats.filter { $0.targets.contains(target) }.flatMap { t in
                t.stride.map { category -> JSONText in
                    number += 1
                    // A threat imported from Threat Dragon keeps its ID on its first copy.
                    var id = uuid(m.id, t.id, target, category.rawValue)
                    if let source = t.source, source.format == .threatDragon, sourceIDUsed.insert(t.id).inserted { id = source.id }
                    let answers = t.mitigations.compactMap { mitigations[$0] }
                    let status: String = switch t.response {
                    case .accept: "Accepted"
                    case .transfer: "Transferred"
                    case .avoid: "Avoided"
                    case .mitigate: !answers.isEmpty && answers.allSatisfy { $0.status == .implemented } ? "Mitigated" : "Open"
                    }
                    let text = answers.map { x in [x.title, x.description].compactMap { $0 }.joined(separator: "\n\n") }.joined(separator: "\n\n")
                    return .object([
                        ("id", .string(id)),
                        ("title", .string(t.title)), ("status", .string(status)), ("severity", .string(t.impact.capitalized)),
                        ("type", .string(category.title)), ("modelType", .string("STRIDE")),
                        ("description", .string(t.description ?? "")), ("mitigation", .string(text)), ("number", .integer(number)),
                        ("score", .string("")),
                    ])
                }
            }
        }

        var cells: [JSONText] = []
        var z = 0
        for b in layout.boxOrder {
            let r = layout.boxes[b]!
            let boundary = m.boundaries.first { $0.id == b }!
            z += 1
            cells.append(.object([
                ("id", .string(cellID(b, boundary.source))), ("shape", .string("trust-boundary-box")), ("zIndex", .integer(-100 + z)),
                ("visible", .bool(true)),
                ("position", .object([("x", .integer(Int(r.x))), ("y", .integer(Int(r.y)))])),
                ("size", .object([("width", .integer(Int(r.width))), ("height", .integer(Int(r.height)))])),
                ("attrs", .object([("label", .object([("text", .string(boundary.name))]))])),
                ("data", .object([("type", .string("tm.BoundaryBox")), ("name", .string(boundary.name)),
                                  ("description", .string(boundary.description ?? "")), ("isTrustBoundary", .bool(true)),
                                  ("hasOpenThreats", .bool(false))])),
            ]))
        }
        for e in m.elements {
            let r = layout.elements[e.id]!
            z += 1
            let shape = ["external": "actor", "process": "process", "datastore": "store"][e.kind.rawValue]!
            let type = ["external": "tm.Actor", "process": "tm.Process", "datastore": "tm.Store"][e.kind.rawValue]!
            let own = threats(on: e.id)
            var data: [(String, JSONText)] = [
                ("type", .string(type)), ("name", .string(e.name)), ("description", .string(e.description ?? "")),
                ("outOfScope", .bool(outOfScope[e.id] != nil)), ("reasonOutOfScope", .string(outOfScope[e.id] ?? "")),
                ("isTrustBoundary", .bool(false)), ("hasOpenThreats", .bool(hasOpen(own))), ("threats", .array(own)),
            ]
            if e.kind == .datastore {
                data += [("isALog", .bool(false)), ("storesCredentials", .bool(e.storesCredentials ?? false)), ("isEncrypted", .bool(false)),
                         ("isSigned", .bool(false))]
                if e.storesCredentials == false { losses.add("stores-credentials set to false (written as not set)") }
            } else if e.storesCredentials != nil {
                losses.add("stores-credentials on elements other than data stores")
            }
            if e.kind == .process { data += [("handlesCardPayment", .bool(false)), ("handlesGoodsOrServices", .bool(false)),
                                             ("isWebApplication", .bool(false)), ("privilegeLevel", .string(""))] }
            if e.kind == .external { data.append(("providesAuthentication", .bool(false))) }
            let attrs: JSONText = e.kind == .datastore
                ? .object([("text", .object([("text", .string(e.name))])),
                           ("topLine", .object([("stroke", .string("#333333")), ("strokeWidth", .integer(1))])),
                           ("bottomLine", .object([("stroke", .string("#333333")), ("strokeWidth", .integer(1))]))])
                : .object([("text", .object([("text", .string(e.name))])),
                           ("body", .object([("stroke", .string("#333333")), ("strokeWidth", .integer(1)), ("strokeDasharray", .string(""))]))])
            cells.append(.object([
                ("id", .string(cellID(e.id, e.source))), ("shape", .string(shape)), ("zIndex", .integer(z)), ("visible", .bool(true)),
                ("position", .object([("x", .integer(Int(r.x))), ("y", .integer(Int(r.y)))])),
                ("size", .object([("width", .integer(Int(r.width))), ("height", .integer(Int(r.height)))])),
                ("attrs", attrs), ("data", .object(data)),
            ]))
        }
        let elementCells = Dictionary(m.elements.map { ($0.id, cellID($0.id, $0.source)) }, uniquingKeysWith: { a, _ in a })
        for f in m.flows {
            z += 1
            let own = threats(on: f.id)
            let label = f.label ?? ""
            if f.encrypted == false { losses.add("encrypted set to false (written as not set)") }
            cells.append(.object([
                ("id", .string(cellID(f.id, f.source))), ("shape", .string("flow")), ("zIndex", .integer(z)), ("connector", .string("smooth")),
                ("attrs", .object([("line", .object([("stroke", .string("#333333")), ("strokeWidth", .integer(1)),
                                                     ("targetMarker", .object([("name", .string("block"))])),
                                                     ("sourceMarker", .object([("name", .string(""))])), ("strokeDasharray", .string(""))]))])),
                ("labels", .array(label.isEmpty ? [] : [.object([("attrs", .object([("label", .object([("text", .string(label))]))]))])])),
                ("source", .object([("cell", .string(elementCells[f.from]!))])),
                ("target", .object([("cell", .string(elementCells[f.to]!))])),
                ("vertices", .array([])),
                ("data", .object([
                    ("type", .string("tm.Flow")), ("name", .string(label)), ("description", .string(f.description ?? "")),
                    ("outOfScope", .bool(outOfScope[f.id] != nil)), ("reasonOutOfScope", .string(outOfScope[f.id] ?? "")),
                    ("isBidirectional", .bool(false)), ("isEncrypted", .bool(f.encrypted ?? false)), ("isPublicNetwork", .bool(false)),
                    ("protocol", .string(f.protocolName ?? "")), ("isTrustBoundary", .bool(false)),
                    ("hasOpenThreats", .bool(hasOpen(own))), ("threats", .array(own)),
                ])),
            ]))
        }
        return .object([
            ("version", .string(version)),
            ("summary", .object([("title", .string(m.title)), ("owner", .string(m.owner ?? "")), ("description", .string(m.summary ?? "")),
                                 ("id", .integer(0))])),
            ("detail", .object([
                ("contributors", .array([])),
                ("diagrams", .array([.object([
                    ("id", .integer(0)), ("title", .string(m.title)), ("diagramType", .string("STRIDE")),
                    ("placeholder", .string("New STRIDE diagram description")),
                    ("thumbnail", .string("./public/content/images/thumbnail.stride.jpg")), ("version", .string(version)),
                    ("description", .string("")), ("cells", .array(cells)),
                ])])),
                ("diagramTop", .integer(1)), ("reviewer", .string("")), ("threatTop", .integer(number)),
            ])),
        ])
    }

    static func hasOpen(_ threats: [JSONText]) -> Bool {
        threats.contains { threat in
            if case .object(let members) = threat, case .string(let status)? = members.first(where: { $0.0 == "status" })?.1 { return status == "Open" }
            return false
        }
    }

    /// A UUID-shaped ID (version 8, RFC 9562) from a SHA-256 of the parts: the same model gives the same IDs.
    static func uuid(_ parts: String...) -> String {
        var digest = Digest()
        parts.forEach { digest.add($0) }
        var h = Array(digest.hex.prefix(32))
        h[12] = "8"  // version 8
        h[16] = ["8", "9", "a", "b"][Int(String(h[16]), radix: 16)! & 3]  // the RFC 9562 variant
        return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
    }

    /// A grid by boundary: each boundary's elements in rows, its child boundaries below them, boxes sized
    /// to hold both; top-level elements first, then top-level boundaries, wrapping at a fixed width.
    struct Layout {
        struct Rect { var x, y, width, height: Double }
        var elements: [String: Rect] = [:]
        var boxes: [String: Rect] = [:]
        var boxOrder: [String] = []

        init(_ m: ResolvedModel) {
            let children = Dictionary(grouping: m.boundaries.filter { $0.parent != nil }, by: { $0.parent! }).mapValues { $0.map(\.id) }
            let members = Dictionary(grouping: m.elements, by: { $0.boundary ?? "" }).mapValues { $0.map(\.id) }
            let known = Set(m.boundaries.map(\.id))
            var sizes: [String: (Double, Double)] = [:]
            var visiting = Set<String>()
            // Sizes bottom-up; a cycle (which validation forbids) is cut.
            func size(_ b: String) -> (Double, Double) {
                if let known = sizes[b] { return known }
                guard visiting.insert(b).inserted else { return (cellWidth, cellHeight) }
                let items = (members[b] ?? []).map { _ in (cellWidth, cellHeight) } + (children[b] ?? []).map(size)
                let inner = flow(items)
                let result = (max(inner.0, cellWidth) + 2 * padding, inner.1 + 2 * padding + titleSpace)
                sizes[b] = result
                return result
            }
            func flow(_ items: [(Double, Double)]) -> (Double, Double) {
                var x = 0.0, y = 0.0, rowHeight = 0.0, width = 0.0
                for item in items {
                    if x > 0, x + item.0 > rowWidth { x = 0; y += rowHeight + gap; rowHeight = 0 }
                    x += item.0 + gap
                    width = max(width, x - gap)
                    rowHeight = max(rowHeight, item.1)
                }
                return (width, y + rowHeight)
            }
            func place(_ elementIDs: [String], _ boundaryIDs: [String], at origin: (Double, Double)) {
                var x = 0.0, y = 0.0, rowHeight = 0.0
                let items = elementIDs.map { ($0, false, (cellWidth, cellHeight)) } + boundaryIDs.map { ($0, true, size($0)) }
                for (id, isBox, s) in items {
                    if x > 0, x + s.0 > rowWidth { x = 0; y += rowHeight + gap; rowHeight = 0 }
                    let rect = Rect(x: origin.0 + x, y: origin.1 + y, width: s.0, height: s.1)
                    if isBox {
                        boxes[id] = rect
                        boxOrder.append(id)
                        place(members[id] ?? [], children[id] ?? [], at: (rect.x + padding, rect.y + padding + titleSpace))
                    } else {
                        elements[id] = rect
                    }
                    x += s.0 + gap
                    rowHeight = max(rowHeight, s.1)
                }
            }
            let roots = m.boundaries.filter { $0.parent == nil || !known.contains($0.parent!) }.map(\.id)
            place(members[""] ?? [], roots, at: (40, 40))
            for e in m.elements where elements[e.id] == nil { elements[e.id] = Rect(x: 40, y: 40, width: cellWidth, height: cellHeight) }
            for b in m.boundaries where boxes[b.id] == nil {
                boxes[b.id] = Rect(x: 0, y: 0, width: cellWidth, height: cellHeight)
                boxOrder.append(b.id)
            }
        }
    }
}
