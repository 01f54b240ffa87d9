import ArgumentParser
import Foundation
import ThreatDocKit
import ThreatDocServe

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview the HTML site on localhost, rendered again and reloaded as you edit.",
        discussion: """
            Renders the site into a temporary folder and serves it on 127.0.0.1. It watches the models, the \
            templates folder, the project file and the scans it names (through inotify on Linux, polling \
            elsewhere); on a change it renders again (the caches make that quick: only what changed is laid \
            out and written) and the open pages reload. When a model has errors, the page keeps the last \
            good render and shows the errors over it, as the terminal prints them.

            Only the served copy of each page gets the reload script; the files render writes, and output/, \
            stay script-free under their Content-Security-Policy. Ctrl-C stops the server and removes the \
            temporary folder.

            Examples:
              threatdoc serve
              threatdoc serve models/docker.yaml --port 8080
            """)

    @Argument(help: "Model files or folders (default: the project file's models, or models/).")
    var paths: [String] = []

    @Option(help: "The port to listen on (0: any free port).")
    var port: Int = 8000

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("A folder of template overrides (default: templates/, when it exists).", valueName: "dir"))
    var templates: String?

    @Flag(help: "Watch by polling modification times instead of inotify.")
    var poll = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else {
            throw ValidationError("--host must be an IPv4 address, such as 127.0.0.1 (the default)")
        }
    }

    func run() throws {
        // Ctrl-C (or a TERM) ends the wait, so that the temporary folder is removed on the way out; set up
        // first, so that one during the first render is not lost.
        let semaphore = DispatchSemaphore(value: 0)
        var stops: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { semaphore.signal() }
            source.resume()
            stops.append(source)
        }
        defer { stops.forEach { $0.cancel() } }
        let site = try Preview.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let hub = PreviewHub()
        let render = Preview(paths: paths, templates: templates, output: site)
        let errors = render.once()
        let failure = LockedBox<Error?>(nil)
        Task {
            await hub.rendered(errors: errors)
            do {
                let server = try PreviewServer.make(site: site + "/html", host: host, port: UInt16(port), hub: hub)
                await PreviewServer.addRoutes(to: server, site: site + "/html", hub: hub, host: host)
                Task {
                    try? await server.waitUntilListening()
                    let address = await server.listeningAddress
                    var shown = "\(host):\(port)"
                    if case .ip4(let ip, let actual) = address { shown = "\(ip):\(actual)" }
                    Console.error("threatdoc: serving http://\(shown)/ — watching \(render.watched.joined(separator: ", ")); Ctrl-C stops")
                }
                try await server.run()
            } catch {
                failure.value = error
            }
            semaphore.signal()
        }
        let watcher = FileWatcher(roots: render.watched, forcePolling: poll, skip: { path in
            path.hasPrefix(site) || path.split(separator: "/").contains { $0.hasPrefix(".") && $0 != "." && $0 != ".." && $0 != ".threatdoc.yaml" }
        }) {
            let errors = render.once()
            Task { await hub.rendered(errors: errors) }
        }
        Console.error("threatdoc: watching through \(watcher.mechanism.rawValue)")
        semaphore.wait()
        watcher.stop()
        if let error = failure.value {
            Console.error("threatdoc: error[TD510]: cannot serve on \(host):\(port): \(error.localizedDescription)")
            throw ExitCode(ExitStatus.failure)
        }
    }
}

/// A value shared between the command and its tasks.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// One render of the site for the preview, as `render --formats html --output FOLDER` does it, and the
/// errors, formatted as the terminal shows them, when there are any.
struct Preview: Sendable {
    var paths: [String]
    var templates: String?
    var output: String

    static func temporaryFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "threatdoc-serve-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw ValidationError("cannot create a temporary folder") }
        return String(cString: made)
    }

    /// What to watch: the model paths, the templates folder, the project file and its scans.
    var watched: [String] {
        var inputs = Inputs()
        inputs.paths = paths
        let plan = inputs.plan()
        var roots = plan.paths
        let folder = templates ?? "templates"
        if FileManager.default.fileExists(atPath: folder) { roots.append(folder) }
        if FileManager.default.fileExists(atPath: ProjectFile.defaultPath) { roots.append(ProjectFile.defaultPath) }
        roots += plan.pipeline.scans.map(\.path)
        return Array(Set(roots)).sorted()
    }

    func once() -> [String] {
        var arguments = ["--output", output, "--formats", "html"]
        if let templates { arguments += ["--templates", templates] }
        do {
            var render = try Render.parse(arguments + paths)
            try render.run()
            return []
        } catch {
            var inputs = Inputs()
            inputs.paths = paths
            let outcome = inputs.plan().run()
            let formatter = DiagnosticFormatter(useColor: false, sources: outcome.sources)
            let errors = outcome.diagnostics.filter { $0.severity == .error }.map(formatter.text)
            return errors.isEmpty ? ["threatdoc: the site could not be rendered; the terminal says why"] : errors
        }
    }
}
