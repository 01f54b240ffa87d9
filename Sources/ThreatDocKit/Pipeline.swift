/// The pipeline as one call: load → validate → resolve. The command line and the tests use this.
public struct Pipeline: Sendable {
    public var limits: LoadLimits
    public var options: ValidationOptions

    public init(limits: LoadLimits = .default, options: ValidationOptions) {
        self.limits = limits
        self.options = options
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

        public var summary: Summary {
            Summary(files: files.count, models: modelCount, diagnostics: diagnostics)
        }

        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// A hostile file can hold tens of thousands of the same mistake; after this many of one code in
    /// one file, the rest are counted in a single note.
    public static let maxRepeatsPerCode = 50

    public func run(paths: [String]) -> Outcome {
        finish(ModelLoader(limits: limits).load(paths: paths))
    }

    /// Runs the pipeline on one model held in memory.
    public func run(text: String, path: String = "model.yaml") -> Outcome {
        finish(ModelLoader(limits: limits).load(text: text, path: path))
    }

    private func finish(_ loaded: ModelLoader.Result) -> Outcome {
        var diagnostics = loaded.diagnostics
        let (contexts, found) = Validator(options: options).validate(loaded.models)
        diagnostics.append(contentsOf: found)
        diagnostics.limitRepeats(to: Self.maxRepeatsPerCode)
        let models = diagnostics.hasErrors ? nil : contexts.map(ModelResolver.resolve).sorted { $0.id < $1.id }
        return Outcome(files: loaded.files, sources: loaded.sources, modelCount: loaded.models.count, diagnostics: diagnostics.sorted,
                       models: models)
    }
}
