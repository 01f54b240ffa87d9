import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocSuggest
import Foundation

/// The model side of every command, as named steps: load → validate → read scans → link evidence →
/// resolve. `Inputs` decides what it reads; the command line and the tests run it the same way.
public struct Pipeline: Sendable {
    public var limits: LoadLimits
    public var options: ValidationOptions
    /// Scan files to read as evidence (from `--scan` and the project file).
    public var scans: [ScanInput]
    /// Decoded models from earlier runs (`render` uses its cache folder); nil parses every file.
    public var parseCache: ParseCache?
    /// The folder model files must really be in (see `ModelLoader.confinement`).
    public var confinement: String?
    /// The threat rules whose suggestions coverage notes (TD309) and reports count.
    public var rules: RuleLibrary = RuleLibrary.builtin.library

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
        /// Each model as written with its index and coverage (what `suggest` evaluates rules against).
        public var contexts: [ModelContext] = []

        public var summary: Summary {
            Summary(files: files.count, models: modelCount, diagnostics: diagnostics)
        }

        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    public static let maxRepeatsPerCode = DiagnosticBag.maxRepeatsPerCode

    // MARK: Steps

    /// What a run has found so far; each step reads it and adds to it.
    public struct State: Sendable {
        /// What to load: model paths, or one model held in memory.
        public enum Source: Sendable {
            case paths([String])
            case text(String, path: String)
        }

        public var source: Source
        public var loaded = ModelLoader.Result()
        public var contexts: [ModelContext] = []
        public var scans: [(report: ScanReport, assignment: EvidenceLinker.Assignment)] = []
        public var evidence: [ModelEvidence] = []
        public var diagnostics = DiagnosticBag()
        /// The resolved models, present only when no step found an error.
        public var models: [ResolvedModel]?
        /// Suggestion counts per model, shared by the coverage notes and the resolved model.
        public var suggestionCounts: SuggestionCounts?

        public init(source: Source) {
            self.source = source
        }
    }

    /// One named step of the pipeline. Every command runs the same steps (`Pipeline.steps`) with the
    /// same inputs; a command that needs more (render, check) runs the output steps after these.
    public struct Step: Sendable {
        public let name: String
        let body: @Sendable (Pipeline, inout State) -> Void

        public init(_ name: String, _ body: @escaping @Sendable (Pipeline, inout State) -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Reads the model files (or the text), through the parse cache when there is one.
    public static let load = Step("load") { pipeline, state in
        switch state.source {
        case .paths(let paths):
            // A scan inside a model folder is evidence, not a model.
            var loader = ModelLoader(limits: pipeline.limits)
            loader.excluded = Set(pipeline.scans.map { normalized($0.path) })
            loader.parseCache = pipeline.parseCache
            loader.confinement = pipeline.confinement
            state.loaded = loader.load(paths: paths)
        case .text(let text, let path):
            state.loaded = ModelLoader(limits: pipeline.limits).load(text: text, path: path)
        }
        state.diagnostics.append(contentsOf: state.loaded.diagnostics)
    }

    /// Runs every rule on every model, the catalog rule included.
    public static let validate = Step("validate") { pipeline, state in
        let counts = SuggestionCounts(library: pipeline.rules)
        state.suggestionCounts = counts
        let (contexts, found) = Validator(options: pipeline.options, rules: Validator.rules(counting: counts))
            .validate(state.loaded.models)
        state.contexts = contexts
        state.diagnostics.append(contentsOf: found)
    }

    /// Reads the scan reports named by `--scan` and the project file.
    public static let readScans = Step("read scans") { pipeline, state in
        for scan in pipeline.scans {
            guard let report = ScanReader.read(path: scan.path, label: scan.host, namedAt: scan.location, into: &state.diagnostics) else { continue }
            state.scans.append((report, .init(report: report, models: scan.models, location: scan.location)))
        }
    }

    /// Gives each mitigation its evidence from the scans, model by model on every core.
    public static let link = Step("link evidence") { _, state in
        let linker = EvidenceLinker(scans: state.scans.map(\.assignment))
        let contexts = state.contexts
        let linked = concurrentMap(contexts.count) { index in
            var bag = DiagnosticBag()
            return (linker.link(contexts[index], into: &bag), bag)
        }
        for (_, bag) in linked { state.diagnostics.append(contentsOf: bag) }
        state.evidence = linked.map(\.0)
    }

    /// Resolves the models, if no step found an error.
    public static let resolve = Step("resolve") { pipeline, state in
        guard !state.diagnostics.hasErrors else { return }
        let contexts = state.contexts, evidence = state.evidence
        let counts = state.suggestionCounts ?? SuggestionCounts(library: pipeline.rules)
        state.models = concurrentMap(contexts.count) {
            ModelResolver.resolve(contexts[$0], evidence: evidence[$0], suggestions: counts.counts(for: contexts[$0]))
        }
            .sorted { $0.id < $1.id }
    }

    /// load → validate → read scans → link evidence → resolve: what every command runs first.
    public static let steps: [Step] = [load, validate, readScans, link, resolve]

    /// Runs `steps` on `source`; each step's wall time goes to the stage timings.
    public func run(_ source: State.Source, steps: [Step] = Pipeline.steps) -> Outcome {
        var state = State(source: source)
        for step in steps { StageTimer.shared.measure("\(step.name) (wall)") { step.body(self, &state) } }
        StageTimer.shared.measure("diagnostics: sort and limit (wall)") { state.diagnostics.limitRepeats(to: Self.maxRepeatsPerCode) }
        var outcome = Outcome(files: state.loaded.files, sources: state.loaded.sources, modelCount: state.loaded.models.count,
                              diagnostics: state.diagnostics.diagnostics, models: state.models)
        outcome.scans = state.scans.map(\.report)
        outcome.contexts = state.contexts
        return outcome
    }

    public func run(paths: [String]) -> Outcome { run(.paths(paths)) }

    /// Runs the pipeline on one model held in memory.
    public func run(text: String, path: String = "model.yaml") -> Outcome { run(.text(text, path: path)) }

    static func normalized(_ path: String) -> String {
        PathContainment.standardized(path)
    }
}
