import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// A large model's elements split into parts of bounded size, each drawn as its own detailed diagram
/// beside the boundary overview: the way people draw large systems, one sheet per area.
///
/// The split follows the boundary tree and is decided by size alone, so every machine draws the same
/// parts. A boundary whose whole subtree fits a part stays together; a larger one gives its own
/// elements a part (or several) and its child boundaries are split the same way. Whole subtrees are
/// then packed into parts in declaration order, so neighbouring boundaries share a sheet. Each step
/// visits every boundary, element and flow a bounded number of times: the plan is linear in the model.
public struct DiagramParts: Sendable {
    public struct Part: Sendable, Equatable {
        /// 1-based, as the page numbers them.
        public let number: Int
        /// The boundaries that head the part's subtrees, by ID in declaration order, for its title.
        public let heads: [String]
        /// Whether the part holds elements outside any boundary.
        public let holdsOutside: Bool
        /// Every boundary drawn as a frame in the part, with up to `maxAncestors` enclosing
        /// boundaries of its heads, so that a part shows where it sits.
        public let boundaries: Set<String>
        /// How many boundaries the part draws in full (without the enclosing frames).
        public let boundaryCount: Int
        /// For a part that holds one share of a boundary too large for one part: "elements 61–120 of 150".
        public let share: String?
        /// The part's elements, in declaration order.
        public let elements: [String]
    }

    public let parts: [Part]
    /// Each element's part, by index into `parts`; an element of a part past `maxParts` has none.
    public let partOf: [String: Int]
    /// Parts past `maxParts`, which are not drawn (the tables still list their elements).
    public let leftOut: Int

    /// A part holds at most this many elements, boundaries, and elements and flows together: dot lays
    /// such a graph out in well under a second (see the README's Performance section).
    public static let maxElements = 60
    public static let maxBoundaries = 30
    public static let maxWeight = 200
    /// At most this many parts are drawn, so one model's diagrams stay within its layout budget.
    public static let maxParts = 40

    /// A run of elements that is drawn together: a boundary's whole subtree, a share of one
    /// boundary's own elements, or a share of the elements outside any boundary.
    struct Unit {
        var head: String?
        var boundaries: [String]
        var elements: [String]
        var share: String?
        /// How deep its boundaries nest, counting its head.
        var height = 1
    }

    /// A part draws at most this many boundaries that enclose it, and never nests frames 32 deep
    /// (the detailed diagram's limit).
    public static let maxAncestors = 3

    public static func plan(_ model: ResolvedModel) -> DiagramParts {
        let known = Set(model.boundaries.map(\.id))
        var children: [String: [String]] = [:]
        var roots: [String] = []
        for boundary in model.boundaries {
            if let parent = boundary.parent, known.contains(parent), parent != boundary.id {
                children[parent, default: []].append(boundary.id)
            } else {
                roots.append(boundary.id)
            }
        }
        var members: [String: [String]] = [:]
        var outside: [String] = []
        for element in model.elements {
            if let boundary = element.boundary, known.contains(boundary) {
                members[boundary, default: []].append(element.id)
            } else {
                outside.append(element.id)
            }
        }

        // Boundaries in pre-order from the roots, without recursion (chains can be thousands deep).
        // A boundary never reached (only a `parent:` cycle, which validation reports) starts a tree.
        var preorder: [String] = []
        var visited = Set<String>()
        func walk(from root: String) {
            var stack = [root]
            while let id = stack.popLast() {
                guard visited.insert(id).inserted else { continue }
                preorder.append(id)
                stack.append(contentsOf: (children[id] ?? []).reversed())
            }
        }
        for root in roots { walk(from: root) }
        for boundary in model.boundaries where !visited.contains(boundary.id) {
            roots.append(boundary.id)
            walk(from: boundary.id)
        }
        // Subtree sizes, children before parents.
        var subtreeElements: [String: Int] = [:], subtreeBoundaries: [String: Int] = [:], height: [String: Int] = [:]
        for id in preorder.reversed() {
            var elements = members[id]?.count ?? 0, boundaries = 1, levels = 1
            for child in children[id] ?? [] where visited.contains(child) {
                elements += subtreeElements[child] ?? 0
                boundaries += subtreeBoundaries[child] ?? 0
                levels = max(levels, 1 + (height[child] ?? 0))
            }
            subtreeElements[id] = elements
            subtreeBoundaries[id] = boundaries
            height[id] = levels
        }
        var parentOf: [String: String] = [:]
        for (parent, list) in children { for child in list { parentOf[child] = parent } }

        var units: [Unit] = []
        func chunks(_ elements: [String]) -> [[String]] {
            stride(from: 0, to: elements.count, by: maxElements).map { Array(elements[$0..<min(elements.count, $0 + maxElements)]) }
        }
        var stack = Array(roots.reversed())
        var placed = Set<String>()
        while let id = stack.popLast() {
            guard placed.insert(id).inserted else { continue }
            if (subtreeElements[id] ?? 0) == 0 { continue }
            if subtreeElements[id]! <= maxElements, subtreeBoundaries[id]! <= maxBoundaries {
                var unit = Unit(head: id, boundaries: [], elements: [], height: height[id] ?? 1)
                var inner = [id]
                while let next = inner.popLast() {
                    placed.insert(next)
                    unit.boundaries.append(next)
                    unit.elements += members[next] ?? []
                    inner.append(contentsOf: (children[next] ?? []).reversed())
                }
                units.append(unit)
            } else {
                let own = members[id] ?? []
                for (index, share) in chunks(own).enumerated() {
                    let note = own.count > maxElements
                        ? "elements \(index * maxElements + 1)–\(index * maxElements + share.count) of \(own.count)" : nil
                    units.append(Unit(head: id, boundaries: [id], elements: share, share: note))
                }
                stack.append(contentsOf: (children[id] ?? []).reversed())
            }
        }
        for (index, share) in chunks(outside).enumerated() {
            let note = outside.count > maxElements
                ? "elements \(index * maxElements + 1)–\(index * maxElements + share.count) of \(outside.count)" : nil
            units.append(Unit(head: nil, boundaries: [], elements: share, share: note))
        }

        // Pack units into parts in order. A flow counts towards a part's weight when both its ends
        // are in the part; each flow is looked at from each of its two ends once.
        var flowsAt: [String: [Int]] = [:]
        for (index, flow) in model.flows.enumerated() {
            flowsAt[flow.from, default: []].append(index)
            if flow.to != flow.from { flowsAt[flow.to, default: []].append(index) }
        }
        var partOf: [String: Int] = [:]
        var parts: [Part] = []
        var current: (heads: [String], outside: Bool, boundaries: [String], elements: [String], weight: Int, height: Int, share: String?)?
        let order = Dictionary(model.elements.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        func close() {
            guard let part = current else { return }
            // Enclosing frames: up to `maxAncestors` levels above each head, within the nesting limit.
            var frames = Set(part.boundaries)
            let levels = min(maxAncestors, max(0, 31 - part.height))
            for head in part.heads {
                var next = parentOf[head]
                var climbed = 0
                while let boundary = next, climbed < levels, frames.insert(boundary).inserted {
                    climbed += 1
                    next = parentOf[boundary]
                }
            }
            parts.append(Part(number: parts.count + 1, heads: part.heads, holdsOutside: part.outside,
                              boundaries: frames, boundaryCount: part.boundaries.count, share: part.share,
                              elements: part.elements.sorted { order[$0, default: 0] < order[$1, default: 0] }))
            current = nil
        }
        for unit in units {
            let inUnit = Set(unit.elements)
            var withinUnit = 0, toCurrent = 0
            for element in unit.elements {
                for index in flowsAt[element] ?? [] {
                    let flow = model.flows[index]
                    let other = flow.from == element ? flow.to : flow.from
                    if inUnit.contains(other) {
                        if flow.from == element { withinUnit += 1 }
                    } else if partOf[other] == parts.count, current != nil {
                        toCurrent += 1
                    }
                }
            }
            if let part = current,
               part.elements.count + unit.elements.count > maxElements
                || part.boundaries.count + unit.boundaries.count > maxBoundaries
                || part.weight + unit.elements.count + withinUnit + toCurrent > maxWeight {
                close()
                toCurrent = 0
            }
            var part = current ?? ([], false, [], [], 0, 1, unit.share)
            if let head = unit.head { if part.heads.last != head { part.heads.append(head) } } else { part.outside = true }
            part.boundaries += unit.boundaries
            part.elements += unit.elements
            part.weight += unit.elements.count + withinUnit + toCurrent
            part.height = max(part.height, unit.height)
            if part.elements.count > unit.elements.count || unit.share == nil { part.share = nil }
            current = part
            for element in unit.elements { partOf[element] = parts.count }
        }
        close()
        let drawn = Array(parts.prefix(maxParts))
        return DiagramParts(parts: drawn, partOf: partOf.filter { $0.value < maxParts }, leftOut: parts.count - drawn.count)
    }

    /// For each overview box (`groupOf`: element ID to box), the number of the part that draws its
    /// first element: where a box links to.
    func partNumbers(of groupOf: [String: String], in model: ResolvedModel) -> [String: Int] {
        var numbers: [String: Int] = [:]
        for element in model.elements {
            guard let group = groupOf[element.id], numbers[group] == nil, let part = partOf[element.id] else { continue }
            numbers[group] = parts[part].number
        }
        return numbers
    }

    /// Flows between a part's elements and another part, one per element, other part and direction.
    public struct Crossing: Sendable, Equatable {
        public let element: String
        /// The other part's number; nil for a part that is not drawn.
        public let part: Int?
        public let outgoing: Bool
        public var count: Int
    }

    /// The crossings of part `index`, in the order the model's flows first name them, and how many
    /// flows stay inside the part.
    public func crossings(of index: Int, in model: ResolvedModel) -> (crossings: [Crossing], inside: Int) {
        let elements = Set(parts[index].elements)
        let known = Set(model.elements.map(\.id))
        var position: [String: Int] = [:]
        var crossings: [Crossing] = []
        var inside = 0
        for flow in model.flows {
            let fromHere = elements.contains(flow.from), toHere = elements.contains(flow.to)
            if fromHere, toHere { inside += 1; continue }
            guard fromHere || toHere else { continue }
            let element = fromHere ? flow.from : flow.to, other = fromHere ? flow.to : flow.from
            guard known.contains(other) else { continue }
            let part = partOf[other].map { parts[$0].number }
            let key = "\(element)\u{0}\(part ?? 0)\u{0}\(fromHere)"
            if let at = position[key] {
                crossings[at].count += 1
            } else {
                position[key] = crossings.count
                crossings.append(Crossing(element: element, part: part, outgoing: fromHere, count: 1))
            }
        }
        return (crossings, inside)
    }

    /// A part's title from the boundaries that head it: "Payments, Ledger and Audit", or for more
    /// than three "Zone 0, Zone 1 … Zone 115 (20 boundaries)"; a share of one large boundary says
    /// which elements it holds.
    public static func title(of part: Part, names: [String: String]) -> String {
        let heads = part.heads.map { DiagramText.short(names[$0] ?? $0) }
        var title = switch heads.count {
        case 0: ""
        case 1: heads[0]
        case 2, 3: heads.dropLast().joined(separator: ", ") + " and " + heads.last!
        default: "\(heads[0]), \(heads[1]) … \(heads.last!) (\(part.boundaryCount) boundaries)"
        }
        if part.holdsOutside { title += title.isEmpty ? "Elements outside any boundary" : ", and elements outside any boundary" }
        if let share = part.share { title += " (\(share))" }
        return title
    }
}

/// The elements and boundaries one diagram draws (DOT or Mermaid), with the IDs it gives them and the
/// tree between them, in model order.
struct DiagramSelection {
    var nodeID: [String: String] = [:]
    var boundaryID: [String: String] = [:]
    var children: [String: [ResolvedModel.Boundary]]
    var members: [String: [ResolvedModel.Element]]
    /// Drawn boundaries whose parent is not drawn, and drawn elements outside every drawn boundary.
    var outermost: [ResolvedModel.Boundary]
    var outside: [ResolvedModel.Element]

    init(_ model: ResolvedModel, boundaryPrefix: String, keepsElement: (String) -> Bool, keepsBoundary: (String) -> Bool) {
        for (index, element) in model.elements.enumerated() where keepsElement(element.id) { nodeID[element.id] = "n\(index + 1)" }
        for (index, boundary) in model.boundaries.enumerated() where keepsBoundary(boundary.id) {
            boundaryID[boundary.id] = "\(boundaryPrefix)\(index + 1)"
        }
        let nodeID = nodeID, boundaryID = boundaryID
        children = Dictionary(grouping: model.boundaries.filter { $0.parent != nil && boundaryID[$0.id] != nil }, by: { $0.parent! })
        members = Dictionary(grouping: model.elements.filter { $0.boundary != nil && nodeID[$0.id] != nil }, by: { $0.boundary! })
        outermost = model.boundaries.filter { boundaryID[$0.id] != nil && ($0.parent == nil || boundaryID[$0.parent!] == nil) }
        outside = model.elements.filter { nodeID[$0.id] != nil && ($0.boundary == nil || boundaryID[$0.boundary!] == nil) }
    }
}
