import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocSuggest
import Foundation

/// What a command reads, decided in one place for every command (validate, render, check and both
/// sides of diff): the model paths, the scans, the limits, and the project file that names them.
public struct Inputs: Sendable {
    /// Model files or folders given on the command line; empty means the project file's `models`, or
    /// `models/` in `root`.
    public var paths: [String] = []
    /// Scan reports given on the command line (`--scan`).
    public var scans: [String] = []
    /// The project file, relative to `root` unless absolute.
    public var project: String = ProjectFile.defaultPath
    /// Whether `project` was named explicitly (a missing explicit project file is an error).
    public var explicitProject = false
    public var noProject = false
    public var limits: LoadLimits = .default
    public var maxReviewAgeDays = 365
    /// The folder the project is in: "." for the working tree, or a revision's checkout, whose files
    /// are a pull request's and may name nothing outside it.
    public var root = "."
    /// Whether everything read must stay inside `root`, even paths given on the command line.
    public var confinedToRoot = false

    public init() {}

    /// The pipeline these inputs describe, the model paths to run it on, the project file read (if
    /// any) and what reading the project file found.
    public struct Plan: Sendable {
        public var pipeline: Pipeline
        public var paths: [String]
        public var project: ProjectFile?
        public var diagnostics: [Diagnostic]
        /// The models the project has when no paths are given: its project file's, or `models/`.
        public var projectModels: [String]

        /// Whether `paths` are some of the project's models (files or folders inside its model folders,
        /// but not all of them): `render models/docker.yaml`, not `render models` or `render other/`.
        public func namesPartOfTheProject(_ paths: [String]) -> Bool {
            guard !paths.isEmpty else { return false }
            let project = projectModels.map(PathContainment.standardized), given = paths.map(PathContainment.standardized)
            return Set(given) != Set(project) && given.allSatisfy { path in project.contains { PathContainment.contains($0, path) } }
        }

        /// Runs load → validate → link → resolve; the project file's diagnostics come with the rest.
        public func run(parseCache: ParseCache? = nil) -> Pipeline.Outcome {
            var pipeline = pipeline
            pipeline.parseCache = parseCache
            var outcome = pipeline.run(paths: paths)
            if !diagnostics.isEmpty { outcome.diagnostics = DiagnosticBag(diagnostics + outcome.diagnostics).sorted }
            // A project file that could not be read is an error of the run: its scans and gates are missing.
            if outcome.hasErrors { outcome.models = nil }
            return outcome
        }
    }

    /// Whether a path the project file names lies inside the project file's folder, lexically and
    /// after links; a path that does not is reported and not read.
    static func staysInProject(_ path: Located<String>, what: String, projectPath: String, into diagnostics: inout DiagnosticBag) -> Bool {
        let projectFolder = PathNames.folder(of: projectPath)
        let folder = projectFolder.isEmpty ? "." : projectFolder
        guard PathContainment.isInside(path.value, folder: folder), !ModelLoader.leaves(path.value, folder: folder) else {
            diagnostics.report(.linkOutsideModels, "not read: the \(what) \(path.value.debugSnippet) lies outside the project file's folder",
                               at: path.location)
            return false
        }
        return true
    }

    public func plan(today: CalendarDate = CalendarDate.today()) -> Plan {
        var diagnostics = DiagnosticBag()
        let projectPath = project.hasPrefix("/") || root == "." ? project : root + "/" + project
        var scanInputs = scans.map { Pipeline.ScanInput(path: $0) }
        var modelPaths = paths
        var loaded: ProjectFile?
        var confinement: String? = confinedToRoot ? root : nil
        // A project file inside the repository (any relative path: the default, or one named with
        // --project) is the repository's, which a pull request can change; a link from it to a file
        // elsewhere is not read. An absolute --project path is the caller's own choice.
        let projectLeaves = !project.hasPrefix("/") && ModelLoader.leaves(projectPath, folder: root)
        if projectLeaves, !noProject {
            diagnostics.report(.linkOutsideModels, "not read: the project file is a symbolic link to a file outside this folder",
                               at: SourceLocation(file: projectPath, line: 1, column: 1))
        }
        if !noProject, !projectLeaves, explicitProject || FileManager.default.fileExists(atPath: projectPath),
           let file = ProjectFile.load(path: projectPath, limits: limits, into: &diagnostics) {
            loaded = file
            // Scans named by the project file stay inside its folder, like its models: an absolute path,
            // a way out with `..`, or a link to elsewhere is not read (nor even looked at).
            for scan in file.scans {
                guard Self.staysInProject(scan.file, what: "scan", projectPath: projectPath, into: &diagnostics) else { continue }
                scanInputs.append(Pipeline.ScanInput(path: scan.file.value, host: scan.host, models: scan.models.map(\.value),
                                                     location: scan.file.location))
            }
            if modelPaths.isEmpty, !file.models.isEmpty {
                modelPaths = file.models
                // Paths from the project file, which a pull request can edit, stay inside the project.
                let folder = PathNames.folder(of: projectPath)
                confinement = confinement ?? (folder.isEmpty ? "." : folder)
            }
        }
        let defaultModels = [root == "." ? "models" : root + "/models"]
        let projectModels = loaded.map { $0.models.isEmpty ? defaultModels : $0.models } ?? defaultModels
        if modelPaths.isEmpty {
            modelPaths = defaultModels
            confinement = confinement ?? root
        }
        var pipeline = Pipeline(limits: limits, options: ValidationOptions(today: today, maxReviewAgeDays: maxReviewAgeDays),
                                scans: scanInputs)
        pipeline.confinement = confinement
        if let loaded, !loaded.ruleFolders.isEmpty || !loaded.disabledRules.isEmpty {
            // Rule folders, like scans, stay inside the project file's folder.
            let folders = loaded.ruleFolders.filter { Self.staysInProject($0, what: "rule folder", projectPath: projectPath, into: &diagnostics) }
            pipeline.rules = RuleLibrary.load(folders: folders, disabled: loaded.disabledRules, limits: limits, into: &diagnostics)
        }
        return Plan(pipeline: pipeline, paths: modelPaths, project: loaded, diagnostics: diagnostics.diagnostics,
                    projectModels: projectModels)
    }
}
