/// Trust boundaries nest as a tree: following `parent:` never returns to where it started.
public struct BoundariesAreAcyclic: ModelRule {
    public static let codes: [DiagnosticCode] = [.boundaryCycle]
    public init() {}

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        var parent: [String: Located<String>] = [:]
        var location: [String: SourceLocation] = [:]
        for boundary in context.model.boundaries {
            guard let id = boundary.id?.value else { continue }
            if let p = boundary.parent { parent[id] = p }
            location[id] = boundary.id?.location
        }
        var reported = Set<String>()
        for start in parent.keys.sorted() {
            var path = [start]
            var current = start
            while let next = parent[current]?.value, location[next] != nil {
                if let loopStart = path.firstIndex(of: next) {
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
                path.append(next)
                current = next
            }
        }
    }
}
