import ThreatDocModel
import ThreatDocReport
import Foundation

/// OWASP Threat Dragon v2 → format 1.
///
/// Shapes become elements by type; boundary boxes become boundaries, nested by containment of their
/// rectangles, and hold the elements whose centres they contain; a boundary curve becomes a boundary
/// around the elements on its smaller side, so that the flows drawn across it cross a boundary. Threats
/// sit on cells in Threat Dragon; identical threats on several cells become one threat with several
/// targets. Out-of-scope elements and flows become acknowledged gaps with the given reason.
enum ThreatDragonImport {
    /// Bounds the geometry: cells, and flow segments times curve segments.
    static let maxCells = 10_000
    static let maxSegmentPairs = 1_000_000

    struct Rect {
        var x, y, width, height: Double
        var center: Point { Point(x: x + width / 2, y: y + height / 2) }
        var area: Double { width * height }
        func contains(_ p: Point) -> Bool { p.x >= x && p.x <= x + width && p.y >= y && p.y <= y + height }
        func contains(_ r: Rect) -> Bool { r.x >= x && r.y >= y && r.x + r.width <= x + width && r.y + r.height <= y + height && r.area < area }
    }

    struct Point { var x, y: Double }

    struct Shape {
        var index: Int
        /// The diagram the cell is drawn on: boxes hold and nest only what is drawn on their own diagram.
        var diagram = 0
        var cellID: String
        var path: String
        var data: SourceObject?
        var rect: Rect?
        var id = ""
    }

    struct Line {
        var diagram = 0
        var cellID: String
        var path: String
        var location: SourceLocation
        var data: SourceObject?
        var sourceCell: String?, targetCell: String?
        var sourcePoint: Point?, targetPoint: Point?
        var vertices: [Point]
        var label: String?
    }

    static func read(_ root: SourceValue, modelID: String?, fileStem: String) throws(ImportFailure) -> ImportResult {
        let document = try root.object()
        var notes = ImportNotes()
        var counts = ImportResult.Counts()
        let summary = try document.object("summary")
        let detail = try document.required("detail").object()
        var ids = IDMaker()

        let title = try summary?.string("title")?.singleLine.nonBlank ?? fileStem
        var model = emptyModel(id: modelID.map { ids.claim($0) } ?? ids.make(from: title, fallback: "model"), title: title)
        model.summary = try summary?.string("description")?.nonBlank
        model.owner = try summary?.string("owner")?.singleLine.nonBlank
        if let reviewer = try detail.string("reviewer")?.nonBlank { notes.unmapped("reviewer '\(reviewer.singleLine)' (format 1 records a review date, not a reviewer)", at: "\(detail.path).reviewer") }
        let contributors = try detail.array("contributors")
        if !contributors.isEmpty { notes.unmapped("contributors", at: "\(detail.path).contributors") }

        var elementKinds: [String: ElementKind] = [:]  // cell ID → kind
        var shapes: [Shape] = [], boxes: [Shape] = [], lines: [Line] = [], curves: [Line] = []
        var seenCells = Set<String>()
        let diagrams = try detail.array("diagrams")
        var cellCount = 0
        for (diagramIndex, diagramValue) in diagrams.enumerated() {
            let diagram = try diagramValue.object()
            if diagrams.count > 1, let name = try diagram.string("title") {
                notes.unmapped("diagram '\(name.singleLine)' (format 1 has one diagram per model; its cells are merged)", at: diagram.path)
            }
            if let type = try diagram.string("diagramType"), !["STRIDE", "CIA", "LINDDUN", "Generic"].contains(type) {
                notes.unmapped("diagram type \(type.singleLine)", at: "\(diagram.path).diagramType")
            }
            for cellValue in try diagram.array("cells") {
                cellCount += 1
                guard cellCount <= maxCells else {
                    throw ImportFailure(.importTooComplex, "at \(cellValue.path): more than \(maxCells) cells", at: cellValue.location)
                }
                let cell = try cellValue.object()
                let cellID = try cell.requiredString("id")
                guard seenCells.insert(cellID).inserted else { throw cellValue.failure("a second cell with the ID '\(TerminalText.escape(cellID))'") }
                let shape = try cell.string("shape") ?? ""
                let data = try cell.object("data")
                let type = try data?.string("type") ?? ""
                switch (shape, type) {
                case ("actor", _), (_, "tm.Actor"):
                    elementKinds[cellID] = .external
                    shapes.append(Shape(index: shapes.count, diagram: diagramIndex, cellID: cellID, path: cellValue.path, data: data, rect: try rect(cell)))
                case ("process", _), (_, "tm.Process"):
                    elementKinds[cellID] = .process
                    shapes.append(Shape(index: shapes.count, diagram: diagramIndex, cellID: cellID, path: cellValue.path, data: data, rect: try rect(cell)))
                case ("store", _), (_, "tm.Store"):
                    elementKinds[cellID] = .datastore
                    shapes.append(Shape(index: shapes.count, diagram: diagramIndex, cellID: cellID, path: cellValue.path, data: data, rect: try rect(cell)))
                case ("flow", _), (_, "tm.Flow"):
                    lines.append(try line(cell, path: cellValue.path, data: data, diagram: diagramIndex))
                case ("trust-boundary-box", _), ("trust-broundary-box", _), (_, "tm.BoundaryBox"):
                    boxes.append(Shape(index: boxes.count, diagram: diagramIndex, cellID: cellID, path: cellValue.path, data: data, rect: try rect(cell)))
                case ("trust-boundary-curve", _), ("trust-broundary-curve", _), (_, "tm.Boundary"):
                    curves.append(try line(cell, path: cellValue.path, data: data, diagram: diagramIndex))
                case ("td-text-block", _), (_, "tm.Text"):
                    notes.unmapped("text block", at: cellValue.path)
                default:
                    notes.unmapped("cell of shape '\(shape.singleLine)'", at: cellValue.path)
                }
            }
        }
        counts.elements = shapes.count
        counts.flows = lines.count
        counts.boundaries = boxes.count + curves.count

        // Boundaries from boxes, nested by containment.
        var boundaryOfBox: [Int: String] = [:]
        for (i, box) in boxes.enumerated() {
            let name = try name(of: box.data, fallback: "Trust boundary \(i + 1)")
            let id = ids.keepOrMake(source: box.cellID, name: name, fallback: "boundary")
            boundaryOfBox[i] = id
            model.boundaries.append(.init(id: id, name: name, description: try box.data?.string("description")?.nonBlank, parent: nil,
                                          source: .init(format: .threatDragon, id: box.cellID)))
        }
        func innermostBox(on diagram: Int, containing test: (Rect) -> Bool, except: Int? = nil) -> Int? {
            boxes.indices.filter { $0 != except && boxes[$0].diagram == diagram && boxes[$0].rect.map(test) == true }
                .min { boxes[$0].rect!.area < boxes[$1].rect!.area }
        }
        for (i, box) in boxes.enumerated() {
            guard let r = box.rect else { continue }
            if let parent = innermostBox(on: box.diagram, containing: { $0.contains(r) }, except: i) { model.boundaries[i].parent = boundaryOfBox[parent] }
        }

        // Elements.
        var elementID: [String: String] = [:]  // cell ID → element ID
        for shape in shapes {
            let kind = elementKinds[shape.cellID]!
            let name = try name(of: shape.data, fallback: "Unnamed \(kind.title)")
            let id = ids.keepOrMake(source: shape.cellID, name: name, fallback: kind.rawValue)
            elementID[shape.cellID] = id
            var element = ResolvedModel.Element(id: id, kind: kind, name: name, description: try shape.data?.string("description")?.nonBlank,
                                                technology: nil, boundary: nil, assets: [], source: .init(format: .threatDragon, id: shape.cellID))
            if let center = shape.rect?.center, let box = innermostBox(on: shape.diagram, containing: { $0.contains(center) }) {
                element.boundary = boundaryOfBox[box]
            }
            if try shape.data?.bool("storesCredentials") == true { element.storesCredentials = true }
            for flag in ["isALog", "isSigned", "isEncrypted", "isWebApplication", "handlesCardPayment", "handlesGoodsOrServices",
                         "storesInventory", "providesAuthentication"] where try shape.data?.bool(flag) == true {
                notes.unmapped("\(flag) on an element", at: "\(shape.path).data.\(flag)")
            }
            if let privilege = try shape.data?.string("privilegeLevel")?.nonBlank {
                notes.unmapped("privilege level '\(privilege.singleLine)'", at: "\(shape.path).data.privilegeLevel")
            }
            model.elements.append(element)
        }

        // Flows.
        var flowID: [String: String] = [:]
        var flowPaths: [(Line, String)] = []
        for flowLine in lines {
            guard let sourceCell = flowLine.sourceCell, let targetCell = flowLine.targetCell,
                  let from = elementID[sourceCell], let to = elementID[targetCell] else {
                notes.unmapped("flow without an element at both ends (format 1 flows join two elements)", at: flowLine.path)
                for threat in try flowLine.data?.array("threats") ?? [] { notes.unmapped("threat on a flow that was not imported", at: threat.path) }
                continue
            }
            let label = try flowLine.data?.string("name")?.singleLine.nonBlank ?? flowLine.label
            let id = ids.keepOrMake(source: flowLine.cellID, name: "\(from) to \(to)", fallback: "flow")
            flowID[flowLine.cellID] = id
            var flow = ResolvedModel.Flow(id: id, from: from, to: to, label: label,
                                          protocolName: try flowLine.data?.string("protocol")?.singleLine.nonBlank,
                                          description: try flowLine.data?.string("description")?.nonBlank, assets: [],
                                          source: .init(format: .threatDragon, id: flowLine.cellID))
            if try flowLine.data?.bool("isEncrypted") == true { flow.encrypted = true }
            if try flowLine.data?.bool("isBidirectional") == true {
                notes.unmapped("bidirectional flow (imported in its drawn direction only)", at: "\(flowLine.path).data.isBidirectional")
            }
            if try flowLine.data?.bool("isPublicNetwork") == true {
                notes.unmapped("isPublicNetwork on a flow", at: "\(flowLine.path).data.isPublicNetwork")
            }
            model.flows.append(flow)
            flowPaths.append((flowLine, id))
        }

        try placeCurves(curves, flows: flowPaths, shapes: shapes, elementID: elementID, model: &model, ids: &ids, notes: &notes)

        // Threats, on the cells that hold them.
        let kindOf = Dictionary(model.elements.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        var numbering = ThreatNumbering(prefix: "TD")
        var threatIndex: [String: Int] = [:]  // identity of a threat's text → index in model.threats
        var mitigationIndex: [String: String] = [:]  // mitigation text → ID
        for data in shapes.map(\.data) + lines.map(\.data) + boxes.map(\.data) + curves.map(\.data) {
            counts.threats += try data?.array("threats").count ?? 0
        }
        // Flows that were not imported have had their threats listed already.
        let targets = shapes.map { ($0.path, $0.data, elementID[$0.cellID]) }
            + lines.filter { flowID[$0.cellID] != nil }.map { ($0.path, $0.data, flowID[$0.cellID]) }
            + boxes.map { ($0.path, $0.data, String?.none) } + curves.map { ($0.path, $0.data, String?.none) }
        for (path, data, target) in targets {
            guard let data else { continue }
            for threatValue in try data.array("threats") {
                guard let target else {
                    notes.unmapped("threat on a trust boundary (format 1 threats target elements and flows)", at: threatValue.path)
                    continue
                }
                let threat = try threatValue.object()
                let title = try threat.string("title")?.singleLine.nonBlank ?? "Untitled threat"
                let type = try threat.string("type") ?? ""
                let modelType = try threat.string("modelType") ?? ""
                var categories: [StrideCategory]
                var note: String?
                if let mapping = Taxonomy.map(type) {
                    categories = mapping.categories
                    if let from = mapping.from {
                        note = "Threat Dragon category: \(type.singleLine) (\(from))."
                        notes.assumed("\(from) category '\(type.singleLine)' read as \(mapping.categories.map(\.title).joined(separator: ", "))", at: "\(threatValue.path).type")
                    }
                } else {
                    let kind: TargetKind = kindOf[target].map { .element($0) } ?? .flow
                    let fallback = kind.applicableCategories.contains(.informationDisclosure) ? StrideCategory.informationDisclosure : kind.applicableCategories.sorted().first!
                    categories = [fallback]
                    note = "Threat Dragon category: \(type.singleLine.nonBlank ?? "none")\(modelType.isEmpty ? "" : " (\(modelType.singleLine))")."
                    notes.assumed("category '\(type.singleLine)' has no STRIDE equivalent; set to \(fallback.title)", at: "\(threatValue.path).type")
                }
                let severity = try threat.string("severity") ?? ""
                let impact = Level(rawValue: severity.lowercased()) ?? {
                    notes.assumed("severity '\(severity.singleLine)' is not Low, Medium, High or Critical; impact set to medium", at: "\(threatValue.path).severity")
                    return .medium
                }()
                let status = try threat.string("status") ?? "Open"
                let description = try threat.string("description")?.nonBlank
                var mitigationText = try threat.string("mitigation")?.nonBlank
                if let text = mitigationText, Self.isPlaceholder(text) {
                    notes.assumed("mitigation text '\(text.singleLine)' read as no mitigation", at: "\(threatValue.path).mitigation")
                    mitigationText = nil
                }
                let identity = [title, description ?? "", mitigationText ?? "", status, impact.rawValue].joined(separator: "\u{1F}")
                if let existing = threatIndex[identity] {
                    notes.assumed("threat identical to one on another cell, joined to it as one more target (\(model.threats[existing].id))", at: threatValue.path)
                    if !model.threats[existing].targets.contains(target) { model.threats[existing].targets.append(target) }
                    for category in categories where !model.threats[existing].stride.contains(category) {
                        model.threats[existing].stride.append(category)
                    }
                    continue
                }
                let id = numbering.next(categories[0], ids: &ids)
                var response = ThreatResponse.mitigate, justification: String?
                var mitigationStatus = MitigationStatus.notStarted
                switch Taxonomy.key(status) {
                case "mitigated": mitigationStatus = .implemented
                case "open", "": break
                case "na", "notapplicable": response = .accept; justification = "Marked not applicable in Threat Dragon."
                case "accepted": response = .accept; justification = "Accepted in Threat Dragon."
                case "transferred": response = .transfer; justification = "Transferred in Threat Dragon."
                case "avoided", "eliminated": response = .avoid; justification = "\(status.singleLine) in Threat Dragon."
                default: notes.assumed("status '\(status.singleLine)' read as Open", at: "\(threatValue.path).status")
                }
                if response != .mitigate {
                    notes.assumed("status '\(status.singleLine)' read as response \(response.rawValue), with a justification that says so", at: "\(threatValue.path).status")
                }
                var mitigations: [String] = []
                if let mitigationText {
                    if let known = mitigationIndex[mitigationText] { mitigations = [known] } else {
                        let (headline, rest) = Self.titleAndDescription(mitigationText)
                        let mid = ids.make(from: headline, fallback: "mitigation")
                        mitigationIndex[mitigationText] = mid
                        mitigations = [mid]
                        model.mitigations.append(.init(id: mid, title: headline, description: rest,
                                                       status: mitigationStatus, owner: nil, checks: [], threats: [], note: nil,
                                                       references: [], evidence: .noScan))
                    }
                } else if mitigationStatus == .implemented {
                    notes.unmapped("threat marked Mitigated without the mitigation's text", at: "\(threatValue.path).mitigation")
                }
                if let score = try threat.string("score")?.nonBlank { notes.unmapped("threat score '\(score.singleLine)'", at: "\(threatValue.path).score") }
                notes.assumed("likelihood (Threat Dragon has none; set to medium)", at: threatValue.path)
                threatIndex[identity] = model.threats.count
                let threatID = try threat.string("threatId")
                let sourceID = try threat.string("id") ?? threatID
                model.threats.append(.init(id: id, title: title, stride: categories, targets: [target], description: description,
                                           likelihood: .medium, impact: impact, risk: RiskMatrix.risk(likelihood: .medium, impact: impact),
                                           response: response, justification: justification, mitigations: mitigations, note: note,
                                           references: [], contradicted: false,
                                           source: sourceID.map { .init(format: .threatDragon, id: $0) }))
                _ = path
            }
        }
        // Out of scope → acknowledged gaps, for the categories no imported threat covers.
        var covered: [String: Set<StrideCategory>] = [:]
        for threat in model.threats { for target in threat.targets { covered[target, default: []].formUnion(threat.stride) } }
        let kindOfElement = Dictionary(model.elements.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        for (cellID, path, data, target) in shapes.map({ ($0.cellID, $0.path, $0.data, elementID[$0.cellID]) })
            + lines.map({ ($0.cellID, $0.path, $0.data, flowID[$0.cellID]) }) {
            guard let target, try data?.bool("outOfScope") == true else { continue }
            _ = cellID
            let kind: TargetKind = kindOfElement[target].map { .element($0) } ?? .flow
            let reason = try data?.string("reasonOutOfScope")?.singleLine.nonBlank ?? Self.noReason
            // Categories an imported threat covers need no acknowledgement (it would be stale at once).
            let open = kind.applicableCategories.subtracting(covered[target] ?? []).sorted()
            if !open.isEmpty { model.gaps.append(.init(target: target, categories: open, reason: reason)) }
            _ = path
        }

        counts.mitigations = model.mitigations.count
        for index in model.threats.indices { model.threats[index].stride.sort() }
        return ImportResult(format: .threatDragon, model: model, unmapped: notes.unmapped, assumptions: notes.assumptions, sourceCounts: counts)
    }

    /// The reason given to an out-of-scope element or flow that Threat Dragon gives none; the export
    /// writes it back as no reason.
    static let noReason = "Marked out of scope in Threat Dragon, without a reason."

    /// Mitigation texts that say there is none yet.
    static func isPlaceholder(_ text: String) -> Bool {
        let key = Taxonomy.key(text)
        return ["none", "na", "tbd", "todo", "nothing", "noneasyet", "notyet", "tba"].contains(key) || key.hasPrefix("noneasyet")
            || key.hasPrefix("nonesofar") || key.hasPrefix("nonyet")
    }

    /// A mitigation's title and description from Threat Dragon's one text: the first paragraph, when it is
    /// short, is the title and the rest the description (as threatdoc's export writes them); otherwise the
    /// first sentence is the title and the whole text the description.
    static func titleAndDescription(_ text: String) -> (String, String?) {
        let paragraphs = text.components(separatedBy: "\n\n")
        let first = paragraphs[0].singleLine
        if paragraphs.count > 1, first.count <= 120, !first.isEmpty {
            let rest = paragraphs.dropFirst().joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
            return (first, rest.isEmpty ? nil : rest)
        }
        let headline = text.headline()
        return (headline, text.singleLine == headline || text.singleLine == headline + "." ? nil : text)
    }

    static func name(of data: SourceObject?, fallback: String) throws(ImportFailure) -> String {
        try data?.string("name")?.singleLine.nonBlank ?? fallback
    }

    static func rect(_ cell: SourceObject) throws(ImportFailure) -> Rect? {
        guard let position = try cell.object("position"), let size = try cell.object("size") else { return nil }
        return Rect(x: try position.required("x").number(), y: try position.required("y").number(),
                    width: try size.required("width").number(), height: try size.required("height").number())
    }

    static func line(_ cell: SourceObject, path: String, data: SourceObject?, diagram: Int) throws(ImportFailure) -> Line {
        let location = cell.location
        func end(_ key: String) throws(ImportFailure) -> (String?, Point?) {
            guard let end = try cell.object(key) else { return (nil, nil) }
            let point: Point? = if let x = try end.number("x"), let y = try end.number("y") { Point(x: x, y: y) } else { nil }
            return (try end.string("cell"), point)
        }
        let (sourceCell, sourcePoint) = try end("source"), (targetCell, targetPoint) = try end("target")
        var vertices: [Point] = []
        for vertex in try cell.array("vertices") {
            let v = try vertex.object()
            vertices.append(Point(x: try v.required("x").number(), y: try v.required("y").number()))
        }
        var label: String?
        for labelValue in try cell.array("labels") {
            if case .scalar = labelValue.node, let text = try labelValue.string().singleLine.nonBlank { label = text; break }
            let attrs = try labelValue.object().object("attrs")
            let plain = try attrs?.object("label")?.string("text")?.singleLine.nonBlank
            if let text = try attrs?.object("labelText")?.string("text")?.singleLine.nonBlank ?? plain { label = text; break }
        }
        return Line(diagram: diagram, cellID: try cell.requiredString("id"), path: path, location: location, data: data, sourceCell: sourceCell, targetCell: targetCell,
                    sourcePoint: sourcePoint, targetPoint: targetPoint, vertices: vertices, label: label)
    }

    /// Each boundary curve becomes a boundary around the elements on its smaller side (ties: the side the
    /// crossing flows lead to), nested outside a box it wholly holds. A crossing that still does not cross a
    /// boundary in the result (both ends inside the same box, say) is listed as not mapped.
    static func placeCurves(_ curves: [Line], flows: [(Line, String)], shapes: [Shape], elementID: [String: String],
                            model: inout ResolvedModel, ids: inout IDMaker, notes: inout ImportNotes) throws(ImportFailure) {
        guard !curves.isEmpty else { return }
        let centers = Dictionary(shapes.compactMap { s in s.rect.map { (s.cellID, $0.center) } }, uniquingKeysWith: { a, _ in a })
        let diagramOf = Dictionary(shapes.map { ($0.cellID, $0.diagram) }, uniquingKeysWith: { a, _ in a })
        func polyline(_ line: Line) -> [Point]? {
            guard let start = line.sourcePoint ?? line.sourceCell.flatMap({ centers[$0] }),
                  let end = line.targetPoint ?? line.targetCell.flatMap({ centers[$0] }) else { return nil }
            return [start] + line.vertices + [end]
        }
        let flowLines = flows.compactMap { flow, id in polyline(flow).map { (flow, id, $0) } }
        let curveSegments = curves.reduce(0) { $0 + $1.vertices.count + 1 }
        let flowSegments = flowLines.reduce(0) { $0 + $1.2.count - 1 }
        guard curveSegments * max(flowSegments, centers.count) <= maxSegmentPairs else {
            throw ImportFailure(.importTooComplex, "at \(curves[0].path): \(curveSegments) boundary-curve segments against \(flowSegments) flow segments is more than threatdoc places (\(maxSegmentPairs) pairs)",
                                at: curves[0].location)
        }
        let flowTargets = Dictionary(model.flows.map { ($0.id, $0.to) }, uniquingKeysWith: { a, _ in a })
        for (index, curve) in curves.enumerated() {
            guard let points = polyline(curve) else {
                notes.unmapped("boundary curve without both end points", at: curve.path)
                continue
            }
            let crossing = flowLines.filter { $0.0.diagram == curve.diagram && crosses($0.2, points) }
            guard !crossing.isEmpty else {
                notes.unmapped("boundary curve that no flow crosses", at: curve.path)
                continue
            }
            var sides: [String: Bool] = [:]  // element ID → on the positive side
            for (cellID, center) in centers where diagramOf[cellID] == curve.diagram {
                if let id = elementID[cellID] { sides[id] = side(of: center, to: points) }
            }
            let positive = sides.filter(\.value).count, negative = sides.count - positive
            let towards = crossing.compactMap { sides[flowTargets[$0.1] ?? ""] }
            let chosen = positive == negative ? (towards.filter { $0 }.count * 2 >= towards.count) : positive < negative
            let name = try name(of: curve.data, fallback: curve.label ?? "Trust boundary \(model.boundaries.count + 1)")
            let id = ids.keepOrMake(source: curve.cellID, name: name, fallback: "boundary")
            model.boundaries.append(.init(id: id, name: name, description: try curve.data?.string("description")?.nonBlank, parent: nil,
                                          source: .init(format: .threatDragon, id: curve.cellID)))
            let inside = Set(sides.filter { $0.value == chosen }.map(\.key))
            // Boxes (and earlier curves) whose elements all lie inside become children of this boundary.
            // (Each step here is linear in the elements and boundaries, so that many curves cost no more than
            // curves times elements.)
            let members = Dictionary(grouping: model.elements.filter { $0.boundary != nil }, by: { $0.boundary! })
            let boundaryIndex = Dictionary(model.boundaries.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
            for (boundary, elements) in members.sorted(by: { $0.key < $1.key }) where elements.allSatisfy({ inside.contains($0.id) }) {
                if let b = boundaryIndex[boundary], model.boundaries[b].parent == nil, boundary != id {
                    model.boundaries[b].parent = id
                }
            }
            for e in model.elements.indices where inside.contains(model.elements[e].id) && model.elements[e].boundary == nil {
                model.elements[e].boundary = id
            }
            _ = index
            // Check each crossing against the result.
            let boundaryOf = Dictionary(uniqueKeysWithValues: model.elements.map { ($0.id, $0.boundary) })
            let parents = Dictionary(uniqueKeysWithValues: model.boundaries.map { ($0.id, $0.parent) })
            func chain(_ b: String?) -> Set<String> {
                var out = Set<String>(), current = b
                while let c = current, out.insert(c).inserted { current = parents[c] ?? nil }
                return out
            }
            let flowsByID = Dictionary(model.flows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for (flowLine, flowID, _) in crossing {
                guard let flow = flowsByID[flowID] else { continue }
                if chain(boundaryOf[flow.from] ?? nil).contains(id) == chain(boundaryOf[flow.to] ?? nil).contains(id) {
                    notes.unmapped("flow drawn across a boundary curve whose ends format 1 places on the same side", at: flowLine.path)
                }
            }
        }
    }

    static func side(of p: Point, to line: [Point]) -> Bool {
        var best = Double.infinity, sign = 0.0
        for i in 0..<(line.count - 1) {
            let a = line[i], b = line[i + 1]
            let dx = b.x - a.x, dy = b.y - a.y
            let length = dx * dx + dy * dy
            let t = length == 0 ? 0 : max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length))
            let cx = a.x + t * dx - p.x, cy = a.y + t * dy - p.y
            let distance = cx * cx + cy * cy
            if distance < best { best = distance; sign = dx * (p.y - a.y) - dy * (p.x - a.x) }
        }
        return sign > 0
    }

    static func crosses(_ a: [Point], _ b: [Point]) -> Bool {
        func orientation(_ p: Point, _ q: Point, _ r: Point) -> Double { (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x) }
        for i in 0..<(a.count - 1) {
            for j in 0..<(b.count - 1) {
                let p1 = a[i], p2 = a[i + 1], q1 = b[j], q2 = b[j + 1]
                let d1 = orientation(q1, q2, p1), d2 = orientation(q1, q2, p2), d3 = orientation(p1, p2, q1), d4 = orientation(p1, p2, q2)
                if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
            }
        }
        return false
    }

    static func emptyModel(id: String, title: String) -> ResolvedModel {
        ResolvedModel(id: id, title: title, summary: nil, owner: nil, reviewed: nil, formatVersion: 1, sourcePath: "",
                      benchmarks: [:], assets: [], boundaries: [], elements: [], flows: [], threats: [], mitigations: [],
                      findings: [], coverage: [], scans: [], uncoveredFindings: [])
    }
}
