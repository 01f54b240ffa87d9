import ArgumentParser
import Foundation
import ThreatDocKit

/// Options shared by every command that loads models: what to read and within which limits.
struct PipelineOptions: ParsableArguments {
    @Argument(help: "Model files or folders (searched recursively). Default: the project file's `models`, or models/.")
    var paths: [String] = []

    @OptionGroup var read: ReadOptions

    /// What these options ask to read.
    var inputs: Inputs { read.inputs(paths: paths) }

    /// Runs load → validate → link, reading the project file unless told not to.
    func run(parseCache: ParseCache? = nil) -> Pipeline.Outcome { runWithPlan(parseCache: parseCache).outcome }

    /// The outcome and the plan it ran (with the project file it used, if any).
    func runWithPlan(parseCache: ParseCache? = nil) -> (outcome: Pipeline.Outcome, plan: Inputs.Plan) {
        let plan = inputs.plan()
        return (plan.run(parseCache: parseCache), plan)
    }
}

/// The scans, project file and limits every command that loads models reads with; `diff` applies
/// them to both its sides.
struct ReadOptions: ParsableArguments {
    @Option(name: .customLong("scan"), help: ArgumentHelp(
        "A docker-bench-security or kube-bench JSON report to read as evidence (repeatable).", valueName: "file"))
    var scans: [String] = []

    @Option(help: ArgumentHelp("The project file that maps scans to models.", valueName: "file"))
    var project: String = ProjectFile.defaultPath

    @Flag(help: "Ignore the project file.")
    var noProject = false

    @Option(help: "Largest model file to read, in bytes (suffixes K and M allowed).")
    var maxFileSize: ByteCount = ByteCount(LoadLimits.default.maxFileBytes)

    @Option(help: "Warn when a model's last review is older than this many days.")
    var maxReviewAge: Int = 365

    func validate() throws {
        guard maxReviewAge >= 0 else { throw ValidationError("--max-review-age must not be negative") }
    }

    func inputs(paths: [String]) -> Inputs {
        var inputs = Inputs()
        inputs.paths = paths
        inputs.scans = scans
        inputs.project = project
        inputs.explicitProject = project != ProjectFile.defaultPath
        inputs.noProject = noProject
        inputs.limits.maxFileBytes = maxFileSize.bytes
        inputs.maxReviewAgeDays = maxReviewAge
        return inputs
    }
}

/// A size in bytes, written as 1048576, 1024K or 1M.
struct ByteCount: ExpressibleByArgument {
    var bytes: Int

    init(_ bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let text = argument.uppercased()
        let multiplier = text.hasSuffix("M") ? 1 << 20 : text.hasSuffix("K") ? 1 << 10 : 1
        let digits = multiplier == 1 ? Substring(text) : text.dropLast()
        guard let value = Int(digits), value > 0, value <= (1 << 30) / multiplier else { return nil }
        bytes = value * multiplier
    }

    var defaultValueDescription: String { "\(bytes)" }
}

/// The cache folder a command uses: `--cache-dir`, or the default one.
enum CacheOption {
    /// An explicit folder that cannot be a cache is an error (exit 2); the default folder that cannot
    /// be one only costs time, so the command goes on without a cache.
    static func open(_ explicit: String?, disabled: Bool) throws -> CacheFolder? {
        if disabled { return nil }
        if let explicit {
            do {
                return try CacheFolder.open(explicit)
            } catch {
                Console.error("threatdoc: error[TD510]: \(error.description)")
                throw ExitCode(ExitStatus.failure)
            }
        }
        guard let path = CacheFolder.defaultPath else { return nil }
        do {
            return try CacheFolder.open(path, isDefault: true)
        } catch {
            Console.error("threatdoc: note: not caching: \(error.description)")
            return nil
        }
    }
}
