import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import Foundation

/// The scan stage: reads docker-bench-security and kube-bench JSON, recognising the format by content.
///
/// Real files vary: docker-bench assembles JSON with `printf` and escapes nothing, its version string
/// does not tell its numbering, and kube-bench writes `{Controls, Totals}` or a bare array with field
/// sets that changed over the years. Every field but the check ID and status is treated as optional.
public enum ScanReader {
    /// Largest scan file read: kube-bench's `actual_value` can hold whole configuration files.
    public static let maxScanBytes = 32 << 20

    /// A scan that cannot be read is an I/O failure (TD100, exit 2), as for a model; it is reported
    /// where the project file names it (`namedAt`), or without a place when it was given on the
    /// command line and does not exist.
    public static func read(path: String, label: String?, namedAt: SourceLocation? = nil,
                            into diagnostics: inout DiagnosticBag) -> ScanReport? {
        let bytes: [UInt8]
        let start = SourceLocation(file: path, line: 1, column: 1)
        do {
            guard let read = try FileReading.readRegularFile(path, limit: maxScanBytes) else {
                diagnostics.report(.scanUnreadable, "scan file is larger than \(maxScanBytes >> 20) MiB", at: start)
                return nil
            }
            bytes = read
        } catch {
            if !FileManager.default.fileExists(atPath: path) {
                diagnostics.report(.ioError, "no such scan file: \(path)", at: namedAt)
            } else {
                diagnostics.report(.ioError, "cannot read scan file \(path): \(error.message)", at: namedAt ?? start)
            }
            return nil
        }
        let name = label ?? defaultLabel(for: path)
        return parse(Data(bytes), path: path, label: name, into: &diagnostics)
    }

    /// Whether a file's first bytes look like one of the reports this reader takes. Scan reports often
    /// sit beside the models; the loader uses this to skip them instead of reading them as models.
    static func looksLikeReport(_ bytes: [UInt8]) -> Bool { ScanSniffing.looksLikeReport(bytes) }

    /// The file name without folders and extension: `scans/host-a.json` → `host-a`.
    public static func defaultLabel(for path: String) -> String {
        let file = PathNames.name(of: path)
        return file.hasSuffix(".json") ? String(file.dropLast(5)) : file
    }

    public static func parse(_ data: Data, path: String, label: String, into diagnostics: inout DiagnosticBag) -> ScanReport? {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            reportInvalidJSON(data, path: path, error: error, into: &diagnostics)
            return nil
        }
        if let root = object as? [String: Any], root["dockerbenchsecurity"] != nil || root["tests"] is [Any] {
            return DockerBenchFormat.parse(root, path: path, label: label, into: &diagnostics)
        }
        if let root = object as? [String: Any], let controls = root["Controls"] as? [Any] {
            return KubeBenchFormat.parse(controls, shape: "{Controls, Totals}", path: path, label: label, into: &diagnostics)
        }
        if let root = object as? [String: Any], let report = TrivyFormat.parse(root, path: path, label: label) {
            return report
        }
        if let controls = object as? [Any], controls.isEmpty || (controls.first as? [String: Any])?["tests"] != nil {
            return KubeBenchFormat.parse(controls, shape: "bare array, --nototals", path: path, label: label, into: &diagnostics)
        }
        diagnostics.report(.scanFormatUnknown,
            "not a docker-bench-security, kube-bench or Trivy compliance JSON report", at: SourceLocation(file: path, line: 1, column: 1),
            help: "pass the JSON file docker-bench-security writes with -l FILE (FILE.json), kube-bench's --json output, or a Trivy compliance report (--format json)")
        return nil
    }

    /// docker-bench escapes nothing, so its JSON breaks on a quote in a container name. Point at the spot.
    static func reportInvalidJSON(_ data: Data, path: String, error: Error, into diagnostics: inout DiagnosticBag) {
        let text = String(decoding: data, as: UTF8.self)
        let file = SourceFile(path: path, text: text)
        let looksLikeText = text.hasPrefix("[INFO]") || text.contains("== Summary") || text.hasPrefix("# ")
        let textHelp = "this looks like a tool's text output; run kube-bench with --json, or docker-bench-security with -l FILE and pass FILE.json"
        if let offset = text.unicodeScalars.firstIndex(where: { !$0.properties.isWhitespace }),
           looksLikeText || !"{[".unicodeScalars.contains(text.unicodeScalars[offset]) {
            let position = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: offset)
            // Never quote the file: a path in the project file may name anything, /etc/shadow included.
            diagnostics.report(.scanUnreadable, "scan file is not JSON: its first character is not '{' or '['",
                               at: file.location(scalarOffset: position), help: looksLikeText ? textHelp
                                   : "pass the JSON report the benchmark tool writes")
            return
        }
        var location = SourceLocation(file: path, line: 1, column: 1)
        let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        // libyaml reads JSON too, and says where it stops; Foundation gives only a character offset.
        var probe = DiagnosticBag()
        var limits = LoadLimits.default
        limits.maxScalarBytes = maxScanBytes
        limits.maxDepth = 64
        _ = SafeYAMLReader.read(file, limits: limits, into: &probe)
        if let located = probe.diagnostics.first(where: { $0.code == .yamlSyntax })?.location {
            location = located
        } else if let range = description.range(of: #"character (\d+)"#, options: .regularExpression),
                  let offset = Int(description[range].split(separator: " ").last ?? "") {
            location = file.location(scalarOffset: min(offset, text.unicodeScalars.count))
        }
        diagnostics.report(.scanUnreadable, "scan file is not valid JSON: \(description)", at: location,
            help: looksLikeText ? textHelp
                : "docker-bench-security does not escape quotes or backslashes in its output; fix the marked value or re-run the scan")
    }
}

/// docker-bench-security's JSON log, from the 1.3.x writer (one line per result) to 1.6.x.
enum DockerBenchFormat {
    static func parse(_ root: [String: Any], path: String, label: String, into diagnostics: inout DiagnosticBag) -> ScanReport? {
        let version = root["dockerbenchsecurity"] as? String ?? "unknown"
        var results: [ScanResult] = []
        for case let section as [String: Any] in root["tests"] as? [Any] ?? [] {
            for case let result as [String: Any] in section["results"] as? [Any] ?? [] {
                guard let id = string(result["id"]), let raw = string(result["result"]) else { continue }
                let status: ScanStatus = switch raw.uppercased() {
                case "PASS": .pass
                case "WARN": .fail  // docker-bench has no FAIL: WARN is a failed check
                case "NOTE": .manual
                case "INFO": .info
                default: unknownStatus(raw, check: id, path: path, into: &diagnostics)
                }
                results.append(ScanResult(id: id, title: string(result["desc"]) ?? "", status: status, rawStatus: raw,
                                          nodeType: "", catalogVersion: nil, details: string(result["details"])))
            }
        }
        let catalog = catalogVersion(scriptVersion: version, results: results)
        for index in results.indices { results[index].catalogVersion = catalog }
        return ScanReport(path: path, label: label, tool: .docker, format: "docker-bench-security \(version) JSON",
                          catalogVersion: catalog, started: root["start"] as? Int, results: results)
    }

    /// The numbering a docker-bench run follows. The script version alone is not enough: tag v1.6.0 and
    /// v1.6.1/master both print "1.6.0" but number sections 5 and 7 differently.
    static func catalogVersion(scriptVersion: String, results: [ScanResult]) -> String? {
        let parts = scriptVersion.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return nil }
        let swarmIsFiveOne = results.contains { $0.id == "5.1" && $0.title.lowercased().contains("swarm") }
        switch (parts[0], parts[1], parts.count > 2 ? parts[2] : 0) {
        case (1, 6, _) where swarmIsFiveOne || results.contains(where: { $0.id == "5.32" }): return "cis-docker-1.6.0"
        case (1, 6, _), (1, 5, _), (1, 4, _), (1, 3, 6...): return "cis-docker-1.4.0"
        case (1, 3, 0...4), (1, 2, _), (1, 1, _): return "cis-docker-1.1.0"
        default: return nil
        }
    }
}

/// kube-bench's `--json` output: `{"Controls": [...], "Totals": {...}}`, or with `--nototals` a bare array.
enum KubeBenchFormat {
    static func parse(_ controls: [Any], shape: String, path: String, label: String,
                      into diagnostics: inout DiagnosticBag) -> ScanReport? {
        var results: [ScanResult] = []
        var versions: [String] = []
        for case let control as [String: Any] in controls {
            let version = catalogVersion(string(control["version"]))
            if let version { versions.append(version) }
            let nodeType = string(control["node_type"]) ?? ""
            for case let group as [String: Any] in control["tests"] as? [Any] ?? [] {
                for case let check as [String: Any] in group["results"] as? [Any] ?? [] {
                    guard let id = string(check["test_number"]), let raw = string(check["status"]) else { continue }
                    let manual = (string(check["type"]) ?? "") == "manual"
                        || (string(check["reason"]) ?? "").contains("manual")
                        || (string(check["test_desc"]) ?? "").hasSuffix("(Manual)")
                    let status: ScanStatus = switch raw.uppercased() {
                    case "PASS": .pass
                    case "FAIL": .fail
                    case "WARN": manual ? .manual : .warn
                    case "INFO": .info
                    default: unknownStatus(raw, check: id, path: path, into: &diagnostics)
                    }
                    results.append(ScanResult(id: id, title: string(check["test_desc"]) ?? "", status: status,
                                              rawStatus: raw, nodeType: nodeType, catalogVersion: version,
                                              details: string(check["reason"])))
                }
            }
        }
        // A control with an unknown version (kube-bench's cis-1.5 etcd file says "1.15") takes the others'.
        let common = Dictionary(grouping: versions, by: { $0 }).max { $0.value.count < $1.value.count || ($0.value.count == $1.value.count && $0.key > $1.key) }?.key
        for index in results.indices where results[index].catalogVersion == nil {
            results[index].catalogVersion = common
        }
        return ScanReport(path: path, label: label, tool: .kubernetes, format: "kube-bench JSON (\(shape))",
                          catalogVersion: common, started: nil, results: results)
    }

    /// kube-bench wrote "1.6" before v0.6.2 and "cis-1.6" after; only bundled catalogs count.
    static func catalogVersion(_ written: String?) -> String? {
        guard let written else { return nil }
        let candidates = [written, "cis-" + written]
        return candidates.first { BenchmarkCatalog.find(tool: .kubernetes, version: $0) != nil }
    }
}

/// Trivy's compliance reports: `trivy … --compliance SPEC --format json` with `--report summary` or
/// `--report all`, and trivy-operator's `ClusterComplianceReport`. Trivy has no WARN: a control fails
/// when any of its checks fails, passes when all pass, and is manual when it has none.
enum TrivyFormat {
    static func parse(_ root: [String: Any], path: String, label: String) -> ScanReport? {
        var spec = "", title = ""
        var results: [(id: String, title: String, status: ScanStatus, raw: String)] = []
        if let controls = root["SummaryControls"] as? [Any] {
            spec = string(root["ID"]) ?? ""
            title = string(root["Title"]) ?? ""
            for case let control as [String: Any] in controls {
                guard let id = string(control["ID"]) else { continue }
                let name = string(control["Name"]) ?? ""
                let fails = (control["TotalFail"] as? NSNumber)?.intValue
                let status: ScanStatus = fails == nil ? .manual : fails! > 0 ? .fail : .pass
                results.append((id, name, status, fails == nil ? "MANUAL" : fails! > 0 ? "FAIL" : "PASS"))
            }
        } else if let controls = root["Results"] as? [Any], root["Title"] != nil || root["ID"] != nil,
                  (controls.first as? [String: Any])?["Name"] != nil || controls.isEmpty {
            spec = string(root["ID"]) ?? ""
            title = string(root["Title"]) ?? ""
            for case let control as [String: Any] in controls {
                guard let id = string(control["ID"]) else { continue }
                var statuses: [String] = []
                for case let target as [String: Any] in control["Results"] as? [Any] ?? [] {
                    for case let finding as [String: Any] in target["Misconfigurations"] as? [Any] ?? [] {
                        statuses.append((string(finding["Status"]) ?? "").uppercased())
                    }
                    if let vulnerabilities = target["Vulnerabilities"] as? [Any], !vulnerabilities.isEmpty { statuses.append("FAIL") }
                }
                let status: ScanStatus = statuses.isEmpty ? .manual : statuses.contains("FAIL") ? .fail : .pass
                results.append((id, string(control["Name"]) ?? "", status, status == .manual ? "MANUAL" : status == .fail ? "FAIL" : "PASS"))
            }
        } else if string(root["kind"]) == "ClusterComplianceReport",
                  let status = root["status"] as? [String: Any], let detail = status["detailReport"] as? [String: Any] {
            spec = string(detail["id"]) ?? ""
            title = string(detail["title"]) ?? ""
            for case let control as [String: Any] in detail["results"] as? [Any] ?? [] {
                guard let id = string(control["id"]) else { continue }
                let checks = (control["checks"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
                let outcome: ScanStatus = checks.isEmpty ? .manual
                    : checks.contains { ($0["success"] as? Bool) == false } ? .fail : .pass
                results.append((id, string(control["name"]) ?? "", outcome, outcome == .manual ? "MANUAL" : outcome == .fail ? "FAIL" : "PASS"))
            }
        } else {
            return nil
        }
        let words = (spec + " " + title).lowercased()
        let tool: CheckReference.Tool = words.contains("docker") ? .docker : .kubernetes
        var catalog: String?
        if tool == .docker, words.contains("1.6.0") {
            catalog = "cis-docker-1.6.0"
        } else if words.contains("cis") {
            // "k8s-cis-1.23", "CIS Kubernetes Benchmarks v1.23", "eks-cis-1.4": the first version number.
            if let range = words.range(of: #"\d+\.\d+(\.\d+)?"#, options: .regularExpression) {
                let version = String(words[range])
                let prefix = words.contains("eks") ? "eks-" : "cis-"
                catalog = [prefix + version, prefix + version + ".0"].first { BenchmarkCatalog.find(tool: .kubernetes, version: $0) != nil }
            }
        }
        let scanResults = results.map {
            ScanResult(id: $0.id, title: $0.title, status: $0.status, rawStatus: $0.raw, nodeType: "", catalogVersion: catalog, details: nil)
        }
        return ScanReport(path: path, label: label, tool: tool,
                          format: "Trivy compliance JSON (\(spec.isEmpty ? title : spec))", catalogVersion: catalog,
                          started: nil, results: scanResults)
    }
}

private func string(_ value: Any?) -> String? {
    switch value {
    case let text as String: text
    case let number as NSNumber: number.stringValue
    default: nil
    }
}

/// A status the tool does not write: said once per result, and counted as informational (unverified).
func unknownStatus(_ raw: String, check: String, path: String, into diagnostics: inout DiagnosticBag) -> ScanStatus {
    diagnostics.report(.scanStatusUnknown, "check \(check.debugSnippet) in \(path) has the status \(raw.debugSnippet), which the tool does not write",
                       at: SourceLocation(file: path, line: 1, column: 1))
    return .info
}
