import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
/// The link stage: matches each mitigation's checks to scan results and decides its evidence state.
///
/// A result matches a model check by tool, catalog version and ID, and the title must confirm it.
/// When the scan numbers checks differently (a docker-bench 1.3.4 scan's 2.14 is live restore), the
/// check is found by its normalised title and node type instead, and a note says so.
public struct EvidenceLinker: Sendable {
    public struct Assignment: Sendable {
        public var report: ScanReport
        /// Model IDs the scan is for; empty means every model that uses its tool.
        public var models: [String]
        /// Where the assignment was written (the project file), for notes.
        public var location: SourceLocation?

        public init(report: ScanReport, models: [String] = [], location: SourceLocation? = nil) {
            self.report = report
            self.models = models
            self.location = location
        }
    }

    public var scans: [Assignment]

    public init(scans: [Assignment]) {
        self.scans = scans
    }

    public func link(_ context: ModelContext, into diagnostics: inout DiagnosticBag) -> ModelEvidence {
        let model = context.model
        let resolver = CheckResolver(model)
        let modelID = model.id?.value ?? ""
        var evidence = ModelEvidence()

        let usedTools = Set((model.mitigations.flatMap(\.checks) + model.findings.compactMap(\.check)).compactMap {
            try? CheckReference.parse($0.value).get().tool
        })
        let relevant = scans.filter { scan in
            scan.models.isEmpty ? usedTools.contains(scan.report.tool) : scan.models.contains(modelID)
        }
        evidence.scans = relevant.map { summary($0.report) }.sorted { ($0.host, $0.path) < ($1.host, $1.path) }
        let indexes = relevant.map { ScanIndex($0.report) }
        var matched = Set<String>()  // "scan path\0result id"
        var remapNoted = Set<String>()

        func evidenceFor(_ resolved: ResolvedCheck, at location: SourceLocation) -> CheckEvidence {
            var results: [HostResult] = []
            for index in indexes where index.report.tool == resolved.reference.tool {
                guard let (result, remapped) = index.match(resolved) else { continue }
                matched.insert(index.report.path + "\u{0}" + result.id)
                results.append(HostResult(host: index.report.label, scan: index.report.path, status: result.status,
                                          rawStatus: result.rawStatus, scannedAs: remapped ? result.id : nil))
                if remapped, remapNoted.insert(index.report.path + "\u{0}" + resolved.display).inserted {
                    diagnostics.report(.checkRemapped,
                        "scan \(index.report.label) (\(index.report.format)) numbers '\(resolved.check.title)' as \(result.id); counted as \(resolved.display) by its title",
                        at: location)
                }
            }
            results.sort { ($0.host, $0.scan) < ($1.host, $1.scan) }
            return CheckEvidence(reference: resolved.display, catalog: resolved.catalog, id: resolved.check.id,
                                 title: resolved.check.title, manual: resolved.check.isManual,
                                 status: results.map(\.status).max(), results: results)
        }

        for mitigation in model.mitigations {
            guard let id = mitigation.id else { continue }
            var checks: [CheckEvidence] = []
            for reference in mitigation.checks {
                guard case .success(let resolved) = resolver.resolve(reference.value) else { continue }
                checks.append(evidenceFor(resolved, at: reference.location))
            }
            let status = mitigation.status?.value ?? .notStarted
            let decided = Self.state(status: status, checks: checks, scansAvailable: !relevant.isEmpty)
            evidence.mitigations[id.value] = MitigationEvidence(state: decided.state, summary: decided.summary, checks: checks)
            guard !relevant.isEmpty else { continue }
            let location = mitigation.checks.first?.location ?? id.location
            if decided.state == .contradicted {
                diagnostics.report(.contradictedEvidence,
                    "mitigation '\(id.value)' is `implemented`, but \(decided.summary)", at: location)
            } else {
                diagnostics.report(.evidence, "mitigation '\(id.value)' is \(decided.state.rawValue): \(decided.summary)",
                                   at: location)
                if decided.state == .verified, status != .implemented {
                    diagnostics.report(.statusBehindEvidence,
                        "mitigation '\(id.value)' is `\(status.rawValue)`, but every linked check passes", at: mitigation.status?.location ?? location)
                }
            }
        }

        for finding in model.findings {
            guard let check = finding.check, case .success(let resolved) = resolver.resolve(check.value) else { continue }
            evidence.findings[check.value] = evidenceFor(resolved, at: check.location)
        }

        if !relevant.isEmpty {
            for threat in model.threats {
                guard let id = threat.id else { continue }
                let contradicted = threat.mitigations.filter { evidence.mitigations[$0.value]?.state == .contradicted }
                if !contradicted.isEmpty {
                    diagnostics.report(.threatContradicted,
                        "threat '\(id.value)' relies on \(contradicted.map { "'\($0.value)'" }.joined(separator: ", ")), which a scan contradicts",
                        at: id.location)
                }
            }
        }

        for index in indexes {
            let gaps = index.report.results.filter {
                $0.status.isFinding && !matched.contains(index.report.path + "\u{0}" + $0.id)
            }
            evidence.uncovered += gaps.map {
                UncoveredFinding(host: index.report.label, scan: index.report.path, id: $0.id,
                                 title: CatalogCheck.normalizeDisplay($0.title), status: $0.status, rawStatus: $0.rawStatus)
            }
            guard !gaps.isEmpty else { continue }
            let listed = gaps.prefix(12).map(\.id).joined(separator: ", ") + (gaps.count > 12 ? ", …" : "")
            diagnostics.report(.uncoveredFindings,
                "scan \(index.report.label): \(gaps.count) WARN or FAIL result\(gaps.count == 1 ? "" : "s") that no mitigation of '\(modelID)' covers: \(listed)",
                at: relevant.first { $0.report.path == index.report.path }?.location
                    ?? model.id?.location ?? model.location)
        }
        evidence.uncovered.sort { ($0.host, $0.scan, $0.id) < ($1.host, $1.scan, $1.id) }
        return evidence
    }

    /// The evidence state for a mitigation with these checks (see `EvidenceState`).
    static func state(status: MitigationStatus, checks: [CheckEvidence], scansAvailable: Bool)
        -> (state: EvidenceState, summary: String) {
        if checks.isEmpty { return (.unverified, "no benchmark checks are linked") }
        if !scansAvailable { return (.unverified, "no scan was given") }
        let failing = checks.filter { $0.status == .fail || $0.status == .warn }
        if !failing.isEmpty {
            let described = failing.map { check in
                let hosts = check.results.filter { $0.status == .fail || $0.status == .warn }
                    .map { "\($0.rawStatus) on \($0.host)" }.joined(separator: ", ")
                return "\(check.reference) (\(check.title)): \(hosts)"
            }.joined(separator: "; ")
            return (status == .implemented ? .contradicted : .failingAsExpected, described)
        }
        if checks.allSatisfy({ $0.status == .pass }) {
            let hosts = Set(checks.flatMap { $0.results.map(\.host) }).count
            return (.verified, "\(checks.map(\.reference).joined(separator: ", ")) pass\(checks.count == 1 ? "es" : "") on \(hosts) host\(hosts == 1 ? "" : "s")")
        }
        let open = checks.filter { $0.status != .pass }.map { check -> String in
            switch check.status {
            case nil: "no scan covers \(check.reference)"
            case .manual?: "\(check.reference) is a manual check"
            default: "\(check.reference) is informational (\(check.results.map(\.rawStatus).joined(separator: ", ")))"
            }
        }
        return (.unverified, open.joined(separator: "; "))
    }

    private func summary(_ report: ScanReport) -> ScanSummary {
        let counts = report.counts()
        return ScanSummary(host: report.label, path: report.path, tool: report.tool, format: report.format,
                           catalog: report.catalogVersion,
                           date: report.started.map { CalendarDate(unixTime: $0).description },
                           pass: counts[.pass] ?? 0, fail: counts[.fail] ?? 0, warn: counts[.warn] ?? 0,
                           manual: counts[.manual] ?? 0, info: counts[.info] ?? 0)
    }
}

/// Lookups into one scan's results by ID and by title.
struct ScanIndex {
    let report: ScanReport
    private var byID: [String: ScanResult] = [:]
    private var byKey: [String: ScanResult] = [:]
    /// Titles alone, for reports that give no node type (Trivy); only titles that occur once.
    private var byTitle: [String: ScanResult] = [:]

    init(_ report: ScanReport) {
        self.report = report
        var titleCounts: [String: Int] = [:]
        for result in report.results { titleCounts[CatalogCheck.normalize(result.title), default: 0] += 1 }
        for result in report.results {
            if result.nodeType.isEmpty, titleCounts[CatalogCheck.normalize(result.title)] == 1 {
                byTitle[CatalogCheck.normalize(result.title)] = result
            }
            if byID[result.id] == nil { byID[result.id] = result }
            let key = CatalogCheck.matchKey(title: result.title, nodeType: result.nodeType)
            // Several docker-bench 1.x checks share a title with a per-file suffix; keep the first.
            if byKey[key] == nil { byKey[key] = result }
        }
    }

    /// The result for a model check, and whether it was found by title under another ID.
    func match(_ resolved: ResolvedCheck) -> (ScanResult, Bool)? {
        let wanted = CatalogCheck.normalize(resolved.check.title)
        if let result = byID[resolved.check.id], result.catalogVersion == resolved.catalog || result.catalogVersion == nil,
           CatalogCheck.normalize(result.title) == wanted {
            return (result, false)
        }
        let key = CatalogCheck.matchKey(title: resolved.check.title,
                                        nodeType: report.tool == .kubernetes ? resolved.check.nodeType : "")
        if let result = byKey[key] {
            return (result, result.id != resolved.check.id)
        }
        if report.tool == .kubernetes, let result = byTitle[wanted] {
            return (result, result.id != resolved.check.id)
        }
        return nil
    }
}

extension CatalogCheck {
    /// A scan title without its "(Scored)"-style suffix, for display.
    static func normalizeDisplay(_ title: String) -> String {
        var text = title
        for suffix in ["(Automated)", "(Manual)", "(Scored)", "(Not Scored)"] where text.hasSuffix(suffix) {
            text = String(text.dropLast(suffix.count))
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
