import ArgumentParser
import Foundation
import ThreatDocKit

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Browse the bundled CIS benchmark catalogs and read scan reports.",
        discussion: """
            Catalogs: Docker (docker-bench-security numbering) and Kubernetes (kube-bench's cfg names).

            Examples:
              threatdoc bench list docker
              threatdoc bench list kubernetes --catalog cis-1.9 --search audit log
              threatdoc bench show docker:2.14
              threatdoc bench show kubernetes@cis-1.23:1.2.19
              threatdoc bench scan models/scans/docker-bench-docker-host-a.json
            """,
        subcommands: [List.self, Show.self, Scan.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List catalog checks, or with no tool, the catalogs.",
            discussion: """
                Examples:
                  threatdoc bench list
                  threatdoc bench list docker --search live restore
                  threatdoc bench list kubernetes --catalog eks-1.5.0
                """)

        @Argument(help: "docker or kubernetes; omit to list the catalogs.")
        var tool: CheckReference.Tool?

        // Not `--version`, which every command has for threatdoc's own version; kube-bench calls it `--benchmark`.
        @Option(name: [.customLong("catalog"), .customLong("benchmark")],
                help: "Catalog version (default: cis-docker-1.6.0 for docker, cis-1.12 for kubernetes); --benchmark is the same.")
        var version: String?

        @Option(parsing: .remaining, help: "Only checks whose titles contain all these words.")
        var search: [String] = []

        func run() throws {
            guard let tool else {
                for catalog in BenchmarkCatalog.all {
                    let marker = BenchmarkCatalog.defaultVersion(for: catalog.tool) == catalog.version ? " (default)" : ""
                    Console.output("\(catalog.tool.rawValue)\t\(catalog.version)\t\(catalog.checks.count) checks\t\(catalog.source)\(marker)")
                }
                return
            }
            let name = version ?? BenchmarkCatalog.defaultVersion(for: tool)
            guard let catalog = BenchmarkCatalog.find(tool: tool, version: name) else {
                throw ValidationError("no bundled \(tool.rawValue) catalog '\(name)'; bundled: \(BenchmarkCatalog.versions(of: tool).joined(separator: ", "))")
            }
            let checks = search.isEmpty ? catalog.checks : catalog.search(search.joined(separator: " "))
            for check in checks {
                let kind = [check.nodeType, check.isManual ? "manual" : check.scored == true ? "scored" : ""]
                    .filter { !$0.isEmpty }.joined(separator: ", ")
                Console.output("\(tool.rawValue):\(check.id)\t\(check.title)\(kind.isEmpty ? "" : "  [\(kind)]")")
            }
            if checks.isEmpty {
                let query = search.joined(separator: " ")
                let closest = search.isEmpty ? [] : catalog.closest(to: query)
                Console.error("threatdoc: no check in \(catalog.version) has every word of '\(query)' in its title"
                    + (closest.isEmpty ? "" : "; closest: " + closest.map { "\(tool.rawValue):\($0.id) (\($0.title))" }.joined(separator: ", ")))
                throw ExitCode(1)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one check: its title, section and how it is assessed.",
            discussion: """
                Examples:
                  threatdoc bench show docker:2.15
                  threatdoc bench show kubernetes@cis-1.9:1.2.16
                """)

        @Argument(help: "TOOL:ID or TOOL@VERSION:ID.")
        var check: String

        func run() throws {
            let reference: CheckReference
            switch CheckReference.parse(check) {
            case .success(let parsed): reference = parsed
            case .failure(let problem): throw ValidationError("\(check): \(problem.reason)")
            }
            let version = reference.version ?? BenchmarkCatalog.defaultVersion(for: reference.tool)
            guard let catalog = BenchmarkCatalog.find(tool: reference.tool, version: version) else {
                throw ValidationError("no bundled \(reference.tool.rawValue) catalog '\(version)'")
            }
            guard let found = catalog.check(reference.checkID) else {
                let suggestions = catalog.suggestions(for: reference.checkID)
                    .map { "\(reference.tool.rawValue):\($0.id) (\($0.title))" }
                FileHandle.standardError.write(Data(("\(version) has no check '\(reference.checkID)'"
                    + (suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: ", or "))?") + "\n").utf8))
                throw ExitCode(1)
            }
            Console.output("\(reference.tool.rawValue):\(found.id)  \(found.title)")
            Console.output("  catalog:    \(catalog.version) (\(catalog.source))")
            Console.output("  section:    \(found.section)")
            Console.output("  assessment: \(found.isManual ? "manual" : found.assessment.isEmpty ? "unknown" : found.assessment)\(found.scored.map { $0 ? ", scored" : ", not scored" } ?? "")")
            if !found.nodeType.isEmpty { Console.output("  node type:  \(found.nodeType)") }
            let elsewhere = BenchmarkCatalog.all.filter { $0.tool == reference.tool && $0.version != catalog.version }
                .compactMap { other -> String? in
                    guard let same = other.checks.first(where: { $0.matchKey == found.matchKey }) else { return nil }
                    return same.id == found.id ? nil : "\(other.version): \(same.id)"
                }
            if !elsewhere.isEmpty { Console.output("  numbered differently in: \(elsewhere.joined(separator: ", "))") }
        }
    }

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read scan reports and print what threatdoc recognises in them.",
            discussion: """
                Example:
                  threatdoc bench scan docker-bench.log.json kube-bench.json
                """)

        @Argument(help: "docker-bench-security or kube-bench JSON reports.")
        var files: [String]

        func run() throws {
            var failed = false, unreadable = false
            for file in files {
                // A path that cannot be read is exit 2, as for every command; a report it cannot use is 1.
                if !FileManager.default.isReadableFile(atPath: file) { unreadable = true }
                var diagnostics = DiagnosticBag()
                if let report = ScanReader.read(path: file, label: nil, into: &diagnostics) {
                    let counts = report.counts()
                    let order: [ScanStatus] = [.pass, .fail, .warn, .manual, .info]
                    let figures = order.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
                    Console.output("\(file): \(report.format), catalog \(report.catalogVersion ?? "unknown (titles are matched instead)"): \(report.results.count) results (\(figures))")
                } else {
                    failed = true
                    let formatter = DiagnosticFormatter(useColor: false)
                    for diagnostic in diagnostics.sorted { print(formatter.text(diagnostic), terminator: "") }
                }
            }
            if unreadable { throw ExitCode(ExitStatus.failure) }
            if failed { throw ExitCode(ExitStatus.findings) }
        }
    }
}

extension CheckReference.Tool: ExpressibleByArgument {}
