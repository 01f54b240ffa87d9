import ArgumentParser
import Foundation
import ThreatDocKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One command for CI: validate, read the scans, apply the gates, and check that output/ is fresh.",
        discussion: """
            Reads the project file (.threatdoc.yaml) for models, scans and gates. Re-renders in memory and \
            compares with the committed output folder; stale, missing or extra files are listed with the \
            command that fixes them. Exit codes: 0 all gates pass and the output is fresh; 1 a gate failed, \
            a model has errors, or the output is stale; 2 usage or I/O failure.

            Gates (--fail-on, repeatable or comma-separated, replacing the default; or `gates:` in the \
            project file). Errors in the models fail the check whatever the gates:
              error (the default), warning, unaddressed:LEVEL, unimplemented:LEVEL, contradicted, uncovered,
              coverage:PERCENT

            Examples:
              threatdoc check
              threatdoc check --format sarif > threatdoc.sarif
              threatdoc check --fail-on error,contradicted,unaddressed:high
              threatdoc check --fail-on error,unimplemented:critical,coverage:50
              threatdoc check --format github               # annotations in a GitHub Actions log
            """)

    @OptionGroup var input: PipelineOptions

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Gates that fail the check (default: error, or the project file's `gates`).", valueName: "gate"))
    var failOn: [String] = []

    @Option(help: "Output format: text, json, sarif or github.")
    var format: OutputFormat = .text

    @OptionGroup var shown: ShownDiagnostics

    @Option(help: ArgumentHelp("The committed output folder to check.", valueName: "dir"))
    var output: String = "output"

    var outputFolder: String { Console.folderName(output) }

    @Flag(help: "Do not check that the output folder is fresh.")
    var noOutputCheck = false

    /// The options `render` was given; check renders the same way to compare.
    @OptionGroup var rendering: RenderOptions

    @Option(help: "When to use colour in text output: auto, always or never.")
    var color: ColorMode = .auto

    func validate() throws {
        for gate in failOn.flatMap({ $0.split(separator: ",").map(String.init) }) where Gate.parse(gate) == nil {
            throw ValidationError("'\(gate)' is not a gate; gates: \(Gate.names)")
        }
    }

    func run() throws {
        let (outcome, plan) = input.runWithPlan()
        let project = plan.project
        var gates = failOn.flatMap { $0.split(separator: ",").map(String.init) }.compactMap(Gate.parse)
        if gates.isEmpty { gates = project?.gates.compactMap { Gate.parse($0.value) } ?? [] }
        if gates.isEmpty { gates = [.error] }
        let failures = GateEvaluator.evaluate(gates, outcome: outcome)

        // Freshness is known only when the output was compared; a model with errors cannot be rendered.
        var freshness: FreshnessReport?
        var renderDiagnostics = DiagnosticBag()
        if !noOutputCheck, outcome.models != nil {
            let builder = rendering.builder(output: output, cache: try rendering.openCache())
            if let files = builder.build(outcome, into: &renderDiagnostics) {
                // Checking some models of a project compares their pages only; the rest are not this run's.
                freshness = FreshnessReport.compare(expected: files, directory: output,
                                                    pagesOf: plan.namesPartOfTheProject(input.paths) ? Set((outcome.models ?? []).map(\.id)) : nil)
            }
        }
        var all = outcome
        all.diagnostics = (outcome.diagnostics + renderDiagnostics.diagnostics)
        let formatter = DiagnosticFormatter(useColor: color.enabled(for: .standardOutput), sources: outcome.sources)
        switch format {
        case .json:
            FileHandle.standardOutput.write(Data(checkJSON(all, failures: failures, freshness: freshness).utf8))
        case .text, .sarif, .github:
            FileHandle.standardOutput.write(Data(format.render(all, formatter: formatter, minSeverity: shown.minSeverity).utf8))
        }
        if format == .github { GitHubSummary.write(all, gates: failures, stale: freshness?.all ?? []) }

        // The verdict goes to standard error, so SARIF and JSON on standard output stay clean.
        // One entry per line, each escaped whole: a reason may quote a model's text, newlines included.
        var verdict: [String] = []
        for failure in failures { verdict.append("threatdoc: gate '\(failure.gate)' failed: \(failure.reason)") }
        if let freshness, !freshness.isFresh {
            for path in freshness.stale { verdict.append("threatdoc: stale: \(outputFolder)/\(path)") }
            for path in freshness.missing { verdict.append("threatdoc: missing: \(outputFolder)/\(path)") }
            for path in freshness.extra { verdict.append("threatdoc: no longer produced: \(outputFolder)/\(path)") }
            verdict.append("threatdoc: \(outputFolder)/ is not what the models render to; run `threatdoc render` (or .ci/render) and commit \(outputFolder)/")
        }
        // Errors always fail the check, whatever the gates: such a model is neither linked, gated nor rendered.
        let modelsHaveErrors = outcome.models == nil
        if modelsHaveErrors {
            verdict.append("threatdoc: the models have errors, so they could not be gated\(noOutputCheck ? "" : " and \(outputFolder)/ could not be checked")")
        }
        if renderDiagnostics.hasErrors { verdict.append("threatdoc: the templates have errors; the output could not be checked") }
        let passed = failures.isEmpty && !modelsHaveErrors && (noOutputCheck || freshness?.isFresh == true) && !renderDiagnostics.hasErrors
        verdict.append(passed ? "threatdoc: check passed (gates: \(gates.map(\.description).joined(separator: ", ")))"
            : "threatdoc: check failed")
        for line in verdict { Console.error(line) }
        if ExitStatus.for(outcome, strict: false) == ExitStatus.failure || renderDiagnostics.diagnostics.contains(where: { $0.code == .ioError }) {
            throw ExitCode(ExitStatus.failure)
        }
        if !passed { throw ExitCode(ExitStatus.findings) }
    }

    func checkJSON(_ outcome: Pipeline.Outcome, failures: [GateFailure], freshness: FreshnessReport?) -> String {
        let diagnostics = DiagnosticFormatter().json(OutputFormat.shown(outcome.diagnostics, shown.minSeverity ?? .note), summary: outcome.summary)
        guard var object = (try? JSONSerialization.jsonObject(with: Data(diagnostics.utf8))) as? [String: Any] else { return diagnostics }
        object["gates"] = failures.map { ["gate": $0.gate.description, "reason": $0.reason] }
        // `checked` is false when the output was not compared (--no-output-check, or models or templates
        // with errors); `fresh` is then null, never a guess.
        if let freshness {
            object["output"] = ["checked": true, "fresh": freshness.isFresh, "stale": freshness.stale, "missing": freshness.missing,
                                "extra": freshness.extra]
        } else {
            object["output"] = ["checked": false, "fresh": NSNull(), "stale": [String](), "missing": [String](), "extra": [String]()]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
