import ThreatDocModel
import ThreatDocSupport
/// Trust boundaries nest as a tree: following `parent:` never returns to where it started.
public struct BoundariesAreAcyclic: ModelRule {
    public static let codes: [DiagnosticCode] = [.boundaryCycle]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        var parent: [String: Located<String>] = [:]
        var location: [String: SourceLocation] = [:]
        for boundary in context.model.boundaries {
            guard let id = boundary.id?.value else { continue }
            if let p = boundary.parent { parent[id] = p }
            location[id] = boundary.id?.location
        }
        var reported = Set<String>()
        // Each boundary is walked once: a walk stops at a boundary an earlier walk finished, so a
        // chain of 26,000 parents costs 26,000 steps, not their square.
        var finished = Set<String>()
        for start in parent.keys.sorted() where !finished.contains(start) {
            var path = [start]
            var onPath = [start: 0]
            var current = start
            defer { finished.formUnion(path) }
            while let next = parent[current]?.value, location[next] != nil, !finished.contains(next) {
                if let loopStart = onPath[next] {
                    let cycle = Array(path[loopStart...])
                    // Report each cycle once, at its alphabetically first member.
                    let anchor = cycle.min()!
                    if !reported.contains(anchor), let at = parent[anchor]?.location {
                        cycle.forEach { reported.insert($0) }
                        let rotated = Array(cycle.drop { $0 != anchor } + cycle.prefix { $0 != anchor })
                        diagnostics.report(.boundaryCycle,
                            "boundary '\(anchor)' is inside itself: \((rotated + [anchor]).joined(separator: " → "))",
                            at: at)
                    }
                    break
                }
                onPath[next] = path.count
                path.append(next)
                current = next
            }
        }
    }
}
