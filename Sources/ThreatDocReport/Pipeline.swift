import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import Foundation

/// The pipeline as one call: load → validate → resolve. The command line and the tests use this.
public struct Pipeline: Sendable {
    public var limits: LoadLimits
    public var options: ValidationOptions
    /// Scan files to read as evidence (from `--scan` and the project file).
    public var scans: [ScanInput]
    /// Decoded models from earlier runs (`render` uses its cache folder); nil parses every file.
    public var parseCache: ParseCache?
    /// The folder model files must really be in (see `ModelLoader.confinement`).
    public var confinement: String?

    public struct ScanInput: Sendable {
        public var path: String
        public var host: String?
        /// Model IDs it is for; empty means every model that uses its tool.
        public var models: [String]
        /// Where the project file names it.
        public var location: SourceLocation?

        public init(path: String, host: String? = nil, models: [String] = [], location: SourceLocation? = nil) {
            self.path = path
            self.host = host
            self.models = models
            self.location = location
        }
    }

    public init(limits: LoadLimits = .default, options: ValidationOptions, scans: [ScanInput] = []) {
        self.limits = limits
        self.options = options
        self.scans = scans
    }

    public struct Outcome: Sendable {
        public var files: [String]
        public var sources: [SourceFile]
        /// How many files decoded into a model.
        public var modelCount: Int
        /// Every diagnostic of the run, sorted by file and position.
        public var diagnostics: [Diagnostic]
        /// The resolved models, present only when the run found no errors.
        public var models: [ResolvedModel]?
        /// The scans that were read.
        public var scans: [ScanReport] = []

        public var summary: Summary {
            Summary(files: files.count, models: modelCount, diagnostics: diagnostics)
        }

        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    public static let maxRepeatsPerCode = DiagnosticBag.maxRepeatsPerCode

    public func run(paths: [String]) -> Outcome {
        // A scan inside a model folder is evidence, not a model.
        let scanPaths = Set(scans.map { Self.normalized($0.path) })
        var loader = ModelLoader(limits: limits)
        loader.excluded = scanPaths
        loader.parseCache = parseCache
        loader.confinement = confinement
        let loaded = StageTimer.shared.measure("load (wall)") { loader.load(paths: paths) }
        return finish(loaded)
    }

    private static func resolve(_ contexts: [ModelContext], _ evidence: [ModelEvidence]) -> [ResolvedModel] {
        concurrentMap(contexts.count) { ModelResolver.resolve(contexts[$0], evidence: evidence[$0]) }.sorted { $0.id < $1.id }
    }

    static func normalized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Runs the pipeline on one model held in memory.
    public func run(text: String, path: String = "model.yaml") -> Outcome {
        finish(ModelLoader(limits: limits).load(text: text, path: path))
    }

    private func finish(_ loaded: ModelLoader.Result) -> Outcome {
        var diagnostics = loaded.diagnostics
        let (contexts, found) = StageTimer.shared.measure("validate (wall)") { Validator(options: options, rules: Validator.modelRules).validate(loaded.models) }
        diagnostics.append(contentsOf: found)
        var reports: [ScanReport] = []
        var assignments: [EvidenceLinker.Assignment] = []
        for scan in scans {
            guard let report = ScanReader.read(path: scan.path, label: scan.host, into: &diagnostics) else { continue }
            reports.append(report)
            assignments.append(.init(report: report, models: scan.models, location: scan.location))
        }
        let linker = EvidenceLinker(scans: assignments)
        // Each model links its evidence on its own; then, if nothing failed, resolves. Both on every core.
        let linked = concurrentMap(contexts.count) { index in
            var bag = DiagnosticBag()
            return (linker.link(contexts[index], into: &bag), bag)
        }
        for (_, bag) in linked { diagnostics.append(contentsOf: bag) }
        let evidence = linked.map(\.0)
        StageTimer.shared.measure("diagnostics: sort and limit (wall)") { diagnostics.limitRepeats(to: Self.maxRepeatsPerCode) }
        let models = StageTimer.shared.measure("resolve (wall)") { diagnostics.hasErrors ? nil : Self.resolve(contexts, evidence) }
        var outcome = Outcome(files: loaded.files, sources: loaded.sources, modelCount: loaded.models.count, diagnostics: diagnostics.diagnostics,
                       models: models)
        outcome.scans = reports
        return outcome
    }
}
