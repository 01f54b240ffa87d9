import ArgumentParser
import Foundation
import ThreatDocKit

/// Options shared by every command that loads models: what to read and within which limits.
struct PipelineOptions: ParsableArguments {
    @Argument(help: "Model files or folders (searched recursively). Default: the project file's `models`, or models/.")
    var paths: [String] = []

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

    /// Runs load → validate → link, reading the project file unless told not to.
    func run(parseCache: ParseCache? = nil) -> Pipeline.Outcome { runWithProject(parseCache: parseCache).outcome }

    /// The outcome and the project file it used, if any.
    func runWithProject(parseCache: ParseCache? = nil) -> (outcome: Pipeline.Outcome, project: ProjectFile?) {
        var limits = LoadLimits.default
        limits.maxFileBytes = maxFileSize.bytes
        var projectDiagnostics = DiagnosticBag()
        var scanInputs = scans.map { Pipeline.ScanInput(path: $0) }
        var modelPaths = paths
        let explicitProject = project != ProjectFile.defaultPath
        var loadedProject: ProjectFile?
        var confinement: String?
        // The default project file is the repository's; a link from it to a file elsewhere is not read.
        let projectLeaves = !explicitProject && ModelLoader.leaves(project, folder: ".")
        if projectLeaves {
            projectDiagnostics.report(.linkOutsideModels, "not read: the project file is a symbolic link to a file outside this folder",
                                      at: SourceLocation(file: project, line: 1, column: 1))
        }
        if !noProject, !projectLeaves, explicitProject || FileManager.default.fileExists(atPath: project),
           let file = ProjectFile.load(path: project, limits: limits, into: &projectDiagnostics) {
            loadedProject = file
            scanInputs += file.scans.map {
                Pipeline.ScanInput(path: $0.file.value, host: $0.host, models: $0.models.map(\.value),
                                   location: $0.file.location)
            }
            if modelPaths.isEmpty, !file.models.isEmpty {
                modelPaths = file.models
                // Paths from the project file, which a pull request can edit, stay inside the project.
                confinement = (project as NSString).deletingLastPathComponent.isEmpty ? "." : (project as NSString).deletingLastPathComponent
            }
        }
        if modelPaths.isEmpty {
            modelPaths = ["models"]
            confinement = "."
        }
        var pipeline = Pipeline(
            limits: limits,
            options: ValidationOptions(today: CalendarDate.today(), maxReviewAgeDays: maxReviewAge),
            scans: scanInputs)
        pipeline.parseCache = parseCache
        pipeline.confinement = confinement
        var outcome = pipeline.run(paths: modelPaths)
        if !projectDiagnostics.diagnostics.isEmpty {
            outcome.diagnostics = DiagnosticBag(projectDiagnostics.diagnostics + outcome.diagnostics).sorted
        }
        return (outcome, loadedProject)
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
