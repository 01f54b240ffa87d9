import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import Foundation

/// What changed in meaning between two sets of models: threats, mitigations, elements and flows added,
/// removed or changed, with changes of status, response, risk and evidence, and coverage gaps opened or
/// closed. IDs are the identity: a renamed thing is a removal and an addition.
public struct ModelDiff: Codable, Sendable, Equatable {
    public struct Change: Codable, Sendable, Equatable {
        /// `threat`, `mitigation`, `element`, `flow`, `asset`, `boundary` or `acknowledged gap` (whose ID
        /// is "target: Category").
        public var kind: String
        public var id: String
        /// `added`, `removed` or `changed`.
        public var change: String
        public var title: String
        /// What changed, one phrase each: "risk medium → high", "status planned → implemented"; for a
        /// threat added or removed, its risk.
        public var details: [String]
        public var riskIncrease: Bool
        /// A threat removed, or its risk lowered.
        public var riskDecrease = false
        /// The changed fields, for tools: `{field, from, to}`, with nil for a value not set.
        public var fields: [FieldChange] = []
    }

    public struct FieldChange: Codable, Sendable, Equatable {
        public var field: String
        public var from: String?
        public var to: String?
    }

    /// The JSON form's version; it changes only when a field changes meaning or goes away.
    public var version = 1

    public struct ModelChanges: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        /// `added`, `removed`, `changed` or `unchanged`.
        public var status: String
        public var changes: [Change]
        /// Open coverage gaps (target: category) that are new, and that are closed.
        public var newGaps: [String]
        public var closedGaps: [String]

        public var riskIncreases: Int { changes.filter(\.riskIncrease).count }
        func count(_ kind: String, _ change: String) -> Int { changes.filter { $0.kind == kind && $0.change == change }.count }
    }

    public var base: String
    public var head: String
    public var models: [ModelChanges]

    /// Risk went up: a threat was added, or an existing threat's risk level rose.
    public var riskIncreased: Bool { models.contains { $0.riskIncreases > 0 } }

    public static func compare(base: [ResolvedModel], head: [ResolvedModel], baseName: String, headName: String) -> ModelDiff {
        let before = Dictionary(uniqueKeysWithValues: base.map { ($0.id, $0) })
        let after = Dictionary(uniqueKeysWithValues: head.map { ($0.id, $0) })
        var models: [ModelChanges] = []
        for id in Set(before.keys).union(after.keys).sorted() {
            switch (before[id], after[id]) {
            case (nil, let new?):
                let changes = compareModels(ResolvedModel.empty(id: id), new)
                models.append(ModelChanges(id: id, title: new.title, status: "added", changes: changes.changes,
                                           newGaps: changes.newGaps, closedGaps: []))
            case (let old?, nil):
                let changes = compareModels(old, ResolvedModel.empty(id: id))
                models.append(ModelChanges(id: id, title: old.title, status: "removed", changes: changes.changes,
                                           newGaps: [], closedGaps: changes.closedGaps))
            case (let old?, let new?):
                let changes = compareModels(old, new)
                let changed = !changes.changes.isEmpty || !changes.newGaps.isEmpty || !changes.closedGaps.isEmpty
                models.append(ModelChanges(id: id, title: new.title, status: changed ? "changed" : "unchanged",
                                           changes: changes.changes, newGaps: changes.newGaps, closedGaps: changes.closedGaps))
            default:
                continue
            }
        }
        return ModelDiff(base: baseName, head: headName, models: models)
    }

    static func compareModels(_ old: ResolvedModel, _ new: ResolvedModel)
        -> (changes: [Change], newGaps: [String], closedGaps: [String]) {
        var changes: [Change] = []
        func diff<T>(_ kind: String, _ a: [T], _ b: [T], id: (T) -> String, title: (T) -> String,
                     details: (T, T) -> [(phrase: String, change: FieldChange)], facts: (T) -> [String] = { _ in [] },
                     riskUp: (T?, T) -> Bool, riskDown: (T, T?) -> Bool = { _, _ in false }) {
            let left = Dictionary(uniqueKeysWithValues: a.map { (id($0), $0) })
            let right = Dictionary(uniqueKeysWithValues: b.map { (id($0), $0) })
            for key in Set(left.keys).union(right.keys).sorted() {
                switch (left[key], right[key]) {
                case (nil, let added?):
                    changes.append(Change(kind: kind, id: key, change: "added", title: title(added), details: facts(added),
                                          riskIncrease: riskUp(nil, added)))
                case (let removed?, nil):
                    changes.append(Change(kind: kind, id: key, change: "removed", title: title(removed), details: facts(removed),
                                          riskIncrease: false, riskDecrease: riskDown(removed, nil)))
                case (let was?, let now?):
                    let found = details(was, now)
                    if !found.isEmpty {
                        changes.append(Change(kind: kind, id: key, change: "changed", title: title(now), details: found.map(\.phrase),
                                              riskIncrease: riskUp(was, now), riskDecrease: riskDown(was, now),
                                              fields: found.map(\.change)))
                    }
                default: continue
                }
            }
        }
        func field(_ name: String, _ a: String?, _ b: String?) -> [(phrase: String, change: FieldChange)] {
            a == b ? [] : [("\(name) \(a ?? "none") → \(b ?? "none")", FieldChange(field: name, from: a, to: b))]
        }
        func flag(_ name: String, _ a: Bool?, _ b: Bool?) -> [(phrase: String, change: FieldChange)] {
            a == b ? [] : [("\(name) \(a.map(String.init) ?? "not set") → \(b.map(String.init) ?? "not set")",
                            FieldChange(field: name, from: a.map(String.init), to: b.map(String.init)))]
        }
        diff("threat", old.threats, new.threats, id: \.id, title: \.title, details: { a, b in
            field("risk", a.risk.rawValue, b.risk.rawValue) + field("likelihood", a.likelihood.rawValue, b.likelihood.rawValue)
                + field("impact", a.impact.rawValue, b.impact.rawValue) + field("response", a.response.rawValue, b.response.rawValue)
                + field("title", a.title, b.title)
                + field("STRIDE", a.stride.map(\.letter).joined(separator: ""), b.stride.map(\.letter).joined(separator: ""))
                + field("targets", a.targets.sorted().joined(separator: ", "), b.targets.sorted().joined(separator: ", "))
                + field("mitigations", a.mitigations.sorted().joined(separator: ", "), b.mitigations.sorted().joined(separator: ", "))
                + field("description", a.description, b.description)
                + field("justification", a.justification, b.justification)
        }, facts: { ["risk \($0.risk.rawValue)", "STRIDE \($0.stride.map(\.letter).joined())"] }, riskUp: { a, b in a.map { b.risk > $0.risk } ?? true }, riskDown: { a, b in b.map { $0.risk < a.risk } ?? true })
        diff("mitigation", old.mitigations, new.mitigations, id: \.id, title: \.title, details: { a, b in
            field("status", a.status.rawValue, b.status.rawValue)
                + field("evidence", a.evidence.state.rawValue, b.evidence.state.rawValue)
                + field("title", a.title, b.title) + field("owner", a.owner, b.owner)
                + field("checks", a.checks.joined(separator: ", "), b.checks.joined(separator: ", "))
                + field("description", a.description, b.description)
        }, riskUp: { _, _ in false })
        diff("element", old.elements, new.elements, id: \.id, title: \.name, details: { a, b in
            field("name", a.name, b.name) + field("type", a.kind.rawValue, b.kind.rawValue) + field("boundary", a.boundary, b.boundary)
                + field("technology", a.technology, b.technology)
                + field("assets", a.assets.joined(separator: ", "), b.assets.joined(separator: ", "))
                + field("description", a.description, b.description)
                + flag("internet-facing", a.internetFacing, b.internetFacing) + flag("runs-as-root", a.runsAsRoot, b.runsAsRoot)
                + flag("stores-credentials", a.storesCredentials, b.storesCredentials)
        }, riskUp: { _, _ in false })
        diff("flow", old.flows, new.flows, id: \.id, title: { $0.label ?? $0.id }, details: { a, b in
            field("from", a.from, b.from) + field("to", a.to, b.to) + field("label", a.label, b.label)
                + field("protocol", a.protocolName, b.protocolName)
                + field("assets", a.assets.joined(separator: ", "), b.assets.joined(separator: ", "))
                + field("description", a.description, b.description)
                + flag("authenticated", a.authenticated, b.authenticated) + flag("encrypted", a.encrypted, b.encrypted)
        }, riskUp: { _, _ in false })
        diff("asset", old.assets, new.assets, id: \.id, title: \.name, details: { a, b in
            field("sensitivity", a.sensitivity.rawValue, b.sensitivity.rawValue) + field("name", a.name, b.name)
                + field("description", a.description, b.description)
        }, facts: { ["sensitivity \($0.sensitivity.rawValue)"] }, riskUp: { _, _ in false })
        diff("boundary", old.boundaries, new.boundaries, id: \.id, title: \.name, details: { a, b in
            field("name", a.name, b.name) + field("inside", a.parent, b.parent) + field("description", a.description, b.description)
        }, riskUp: { _, _ in false })
        // An acknowledged gap is a decision on record, shown with its reason: acknowledging a gap is not
        // the same as covering it with a threat.
        struct Acknowledged { var key: String, reason: String }
        func acknowledged(_ model: ResolvedModel) -> [Acknowledged] {
            model.coverage.flatMap { entry in entry.acknowledged.map { Acknowledged(key: "\(entry.target): \($0.category.title)", reason: $0.reason) } }
        }
        diff("acknowledged gap", acknowledged(old), acknowledged(new), id: \.key, title: \.reason, details: { a, b in
            field("reason", a.reason, b.reason)
        }, riskUp: { _, _ in false })
        func gaps(_ model: ResolvedModel) -> Set<String> {
            Set(model.coverage.flatMap { entry in entry.open.map { "\(entry.target): \($0.title)" } })
        }
        let before = gaps(old), after = gaps(new)
        // Risk increases first, then by kind and ID.
        changes.sort { ($0.riskIncrease ? 0 : 1, order($0.kind), $0.id) < ($1.riskIncrease ? 0 : 1, order($1.kind), $1.id) }
        return (changes, after.subtracting(before).sorted(), before.subtracting(after).sorted())
    }

    static func order(_ kind: String) -> Int {
        ["threat": 0, "acknowledged gap": 1, "mitigation": 2, "asset": 3, "element": 4, "flow": 5, "boundary": 6][kind] ?? 7
    }

    // MARK: Output

    /// One line for the top of a pull-request comment: the direction of risk, then the counts.
    public var verdict: String {
        let (direction, counts) = verdictParts
        return "**Verdict: \(direction)** \(counts)"
    }

    var verdictParts: (direction: String, counts: String) {
        let all = models.flatMap(\.changes)
        let up = all.filter(\.riskIncrease).count, down = all.filter(\.riskDecrease).count
        let direction = up > 0 ? "risk up" : down > 0 ? "risk down" : "risk unchanged"
        func count(_ kind: String, _ change: String) -> Int { all.filter { $0.kind == kind && $0.change == change }.count }
        let threats = ["added", "removed", "changed"].map { "\(count("threat", $0)) \($0)" }.joined(separator: ", ")
        func changes(_ kind: String) -> String {
            let count = all.filter { $0.kind == kind }.count
            return "\(count) \(kind) change\(count == 1 ? "" : "s")"
        }
        let others = ["mitigation", "element", "flow"].map(changes)
            + ["asset", "boundary", "acknowledged gap"].filter { kind in all.contains { $0.kind == kind } }.map(changes)
        let changedModels = models.filter { $0.status != "unchanged" }.count
        return (direction, "(\(up) increase\(up == 1 ? "" : "s"), \(down) decrease\(down == 1 ? "" : "s")): threats \(threats); "
            + others.joined(separator: ", ") + "; in \(changedModels) model\(changedModels == 1 ? "" : "s").")
    }

    /// Markdown fit for a pull-request comment: the verdict, a summary table, then the details, risk
    /// increases first.
    public func markdown() -> String {
        let e = MarkdownEscaping.inline
        var out = "## Threat model changes\n\n\(e(base)) → \(e(head))\n\n"
        let changed = models.filter { $0.status != "unchanged" }
        if changed.isEmpty { return out + "No changes in meaning.\n" }
        out += verdict + "\n\n"
        out += "| Model | Status | Threats (+/−/~) | Mitigations (+/−/~) | Elements (+/−/~) | Flows (+/−/~) | Risk increases | Gaps opened / closed |\n"
        out += "| --- | --- | --- | --- | --- | --- | ---: | --- |\n"
        for model in changed {
            func counts(_ kind: String) -> String {
                "\(model.count(kind, "added"))/\(model.count(kind, "removed"))/\(model.count(kind, "changed"))"
            }
            out += "| \(e(model.id)) | \(model.status) | \(counts("threat")) | \(counts("mitigation")) | \(counts("element")) | \(counts("flow")) | \(model.riskIncreases) | \(model.newGaps.count) / \(model.closedGaps.count) |\n"
        }
        for model in changed.sorted(by: { ($0.riskIncreases > 0 ? 0 : 1, $0.id) < ($1.riskIncreases > 0 ? 0 : 1, $1.id) }) {
            out += "\n### \(e(model.title)) (\(e(model.id)))\n\n"
            for change in model.changes {
                let marker = change.riskIncrease ? "**risk up** " : change.riskDecrease ? "**risk down** " : ""
                let details = change.details.isEmpty ? "" : ": " + change.details.map { e($0) }.joined(separator: "; ")
                out += "- \(marker)\(change.change) \(change.kind) \(e(change.id)) (\(e(change.title)))\(details)\n"
            }
            for gap in model.newGaps { out += "- new coverage gap: \(e(gap))\n" }
            for gap in model.closedGaps { out += "- closed coverage gap: \(e(gap))\n" }
        }
        return out
    }

    /// Plain text for a terminal: the verdict, then per model one line per change, marked `+` added,
    /// `-` removed, `~` changed, with `↑` on a risk increase and `↓` on a decrease. Model text is shown
    /// with control characters escaped (`TerminalText`).
    public func text() -> String {
        func t(_ text: String) -> String { TerminalText.escape(text) }
        var out = "Threat model changes: \(t(base)) → \(t(head))\n"
        let changed = models.filter { $0.status != "unchanged" }
        if changed.isEmpty { return out + "No changes in meaning.\n" }
        let (direction, counts) = verdictParts
        out += "Verdict: \(direction) \(counts)\n"
        for model in changed.sorted(by: { ($0.riskIncreases > 0 ? 0 : 1, $0.id) < ($1.riskIncreases > 0 ? 0 : 1, $1.id) }) {
            out += "\n\(t(model.id)) (\(t(model.title))): \(model.status)\n"
            for change in model.changes {
                let mark = ["added": "+", "removed": "-"][change.change] ?? "~"
                let arrow = change.riskIncrease ? " ↑" : change.riskDecrease ? " ↓" : ""
                let details = change.details.isEmpty ? "" : ": " + change.details.map(t).joined(separator: "; ")
                out += "  \(mark)\(arrow) \(change.kind) \(t(change.id)) (\(t(change.title)))\(details)\n"
            }
            for gap in model.newGaps { out += "  + coverage gap \(t(gap))\n" }
            for gap in model.closedGaps { out += "  - coverage gap \(t(gap))\n" }
        }
        return out
    }

    /// The verdict for tools: the direction of risk and the counts the verdict line gives.
    public struct Verdict: Codable, Sendable, Equatable {
        /// `up`, `down` or `unchanged`.
        public var risk: String
        public var increases: Int
        public var decreases: Int
        /// Models with changes.
        public var models: Int
        /// The verdict line, without Markdown.
        public var summary: String
    }

    public var verdictData: Verdict {
        let all = models.flatMap(\.changes)
        let up = all.filter(\.riskIncrease).count, down = all.filter(\.riskDecrease).count
        let (direction, counts) = verdictParts
        return Verdict(risk: up > 0 ? "up" : down > 0 ? "down" : "unchanged", increases: up, decreases: down,
                       models: models.filter { $0.status != "unchanged" }.count, summary: "Verdict: \(direction) \(counts)")
    }

    /// The JSON form: `version`, `base`, `head`, `verdict` and `models`, each model with its changes
    /// (every change with its `fields`).
    public func json() -> String {
        struct Form: Encodable {
            var version: Int, base: String, head: String, verdict: Verdict, models: [ModelChanges]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let form = Form(version: version, base: base, head: head, verdict: verdictData, models: models)
        let data = (try? encoder.encode(form)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

extension ResolvedModel {
    /// A model with nothing in it, to diff an added or removed model against.
    static func empty(id: String) -> ResolvedModel {
        ResolvedModel(id: id, title: "", summary: nil, owner: nil, reviewed: nil, formatVersion: 1, sourcePath: "",
                      benchmarks: [:], assets: [], boundaries: [], elements: [], flows: [], threats: [], mitigations: [],
                      findings: [], coverage: [], scans: [], uncoveredFindings: [])
    }
}

/// Reads a side of a diff: a folder or file as it is, or `git:REF`, the repository as it was at REF.
public enum RevisionReader {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Temporary folders are named `threatdoc-diff-PID-UUID`, so that a later run can tell which were
    /// left by a process that was killed.
    static let folderPrefix = "threatdoc-diff-"

    /// Extracts the tree at `ref` into a temporary folder with `git archive`, and returns that folder.
    public static func checkout(_ ref: String, repository: String = ".") throws(Failure) -> URL {
        guard !ref.isEmpty, !ref.hasPrefix("-") else { throw Failure(description: "'\(ref)' is not a git revision") }
        removeAbandonedFolders()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(folderPrefix)\(getpid())-\(UUID().uuidString)")
        // Made and locked under a name the cleanup ignores, then renamed: another diff can never find
        // it unlocked. Locked for as long as this process lives (the descriptor stays open), so a
        // folder whose lock can be taken was left by a process that is gone, whatever its PID says.
        let making = URL(fileURLWithPath: folder.path + ".making")
        do {
            try FileManager.default.createDirectory(at: making, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create a temporary folder: \(error.localizedDescription)")
        }
        let descriptor = open(making.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 { _ = flock(descriptor, LOCK_EX) }
        guard rename(making.path, folder.path) == 0 else {
            try? FileManager.default.removeItem(at: making)
            throw Failure(description: "cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        let archive = folder.appendingPathComponent(".archive.tar")
        let git = run(["git", "-C", repository, "archive", "--format=tar", "-o", archive.path, "\(ref)^{tree}"])
        guard git.status == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw Failure(description: "git could not read revision '\(ref)': \(git.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let tar = run(["tar", "-x", "-f", archive.path, "-C", folder.path])
        try? FileManager.default.removeItem(at: archive)
        guard tar.status == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw Failure(description: "could not unpack revision '\(ref)': \(tar.errors)")
        }
        return folder
    }

    /// Removes the folders of diffs whose process is gone (killed before it could clean up): those
    /// whose lock can be taken.
    @discardableResult
    public static func removeAbandonedFolders() -> Int {
        let temporary = FileManager.default.temporaryDirectory
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix(folderPrefix) {
            let parts = name.dropFirst(folderPrefix.count).split(separator: "-", maxSplits: 1)
            guard parts.count == 2, pid_t(parts[0]) != nil, UUID(uuidString: String(parts[1])) != nil else { continue }
            let folder = temporary.appendingPathComponent(name)
            var info = stat()
            guard lstat(folder.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            if (try? FileManager.default.removeItem(at: folder)) != nil { removed += 1 }
        }
        return removed
    }

    static func run(_ arguments: [String]) -> (status: Int32, errors: String) {
        guard let executable = ChildProcess.locate(arguments[0]) else { return (127, "\(arguments[0]) was not found") }
        switch ChildProcess.run(executable, Array(arguments.dropFirst()), wallSeconds: 600) {
        case .failure(let failure): return (127, failure.description)
        case .success(let outcome): return (outcome.status ?? 128 + (outcome.signal ?? 0), String(decoding: outcome.errors, as: UTF8.self))
        }
    }
}
