import Foundation

/// Lays out DOT with Graphviz's `dot` program, as a child process.
///
/// libgvc in-process crashes on some clustered graphs and is not thread-safe; a child process keeps a
/// Graphviz crash from taking threatdoc down and lets layouts run in parallel. Layouts are cached by
/// a hash of their DOT, so re-rendering after one model changes lays out only that model.
public struct GraphvizLayout: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case failed(String)
        case timedOut(Int)
        case unsafeOutput(String)

        public var description: String {
            switch self {
            case .notInstalled: "Graphviz's dot program was not found (apt install graphviz)"
            case .failed(let message): "Graphviz failed: \(message)"
            case .timedOut(let seconds): "Graphviz took longer than \(seconds) s"
            case .unsafeOutput(let what): "Graphviz output contained \(what)"
            }
        }
    }

    /// Where layouts are cached; nil disables the cache.
    public var cacheDirectory: String?
    public var timeoutSeconds = 60

    public init(cacheDirectory: String?) {
        self.cacheDirectory = cacheDirectory
    }

    /// The default cache folder: `$XDG_CACHE_HOME/threatdoc`, or `~/.cache/threatdoc`.
    public static var defaultCacheDirectory: String? {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/threatdoc" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/threatdoc" }
        return nil
    }

    static func locateDot() -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/dot" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The SVG for `dot`, ready to inline: no XML prolog, comments or fixed size, checked for markup
    /// that could run script.
    public func svg(for dot: String) -> Result<String, Failure> {
        let key = String(Self.fnv1a(dot + "|graphviz-svg-v1|" + PageCache.buildIdentity), radix: 16)
        let cached = cacheDirectory.map { "\($0)/layouts/\(key).svg" }
        if let cached, let text = try? String(contentsOfFile: cached, encoding: .utf8) {
            return .success(text)
        }
        let raw: String
        switch run(dot) {
        case .success(let output): raw = output
        case .failure(let failure): return .failure(failure)
        }
        let result = Self.clean(raw)
        if case .success(let svg) = result, let cached {
            try? FileManager.default.createDirectory(atPath: (cached as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            try? Data(svg.utf8).write(to: URL(fileURLWithPath: cached), options: .atomic)
        }
        return result
    }

    private func run(_ dot: String) -> Result<String, Failure> {
        guard let executable = Self.locateDot() else { return .failure(.notInstalled) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-Tsvg"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return .failure(.failed(error.localizedDescription)) }
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeoutSeconds), execute: timer)
        // Feed stdin on another thread so a full stdout pipe cannot deadlock us.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(dot.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let svg = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        if process.terminationReason == .uncaughtSignal {
            return process.terminationStatus == SIGTERM ? .failure(.timedOut(timeoutSeconds))
                : .failure(.failed("dot crashed (signal \(process.terminationStatus))"))
        }
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(.failed(text.isEmpty ? "exit status \(process.terminationStatus)" : text))
        }
        return .success(String(decoding: svg, as: UTF8.self))
    }

    static func clean(_ svg: String) -> Result<String, Failure> {
        guard let start = svg.range(of: "<svg") else { return .failure(.failed("no SVG in the output")) }
        var text = String(svg[start.lowerBound...])
        text = text.replacingOccurrences(of: "<!--[\\s\\S]*?-->", with: "", options: .regularExpression)
        // Fit the page: drop the fixed size, keep the viewBox.
        if let tag = text.range(of: ">") {
            var open = String(text[..<tag.lowerBound])
            open = open.replacingOccurrences(of: #"\s(width|height)="[^"]*""#, with: "", options: .regularExpression)
            text = open + " class=\"dfd\" role=\"img\" aria-labelledby=\"dfd-title\" focusable=\"false\"" + text[tag.lowerBound...]
        }
        // Graphviz escapes text content, so every "<" starts a tag. Check each tag's name and attributes
        // (text that merely mentions "javascript:" is harmless and stays).
        let tags = try! NSRegularExpression(pattern: "<([A-Za-z][A-Za-z0-9:_-]*)([^>]*)>")
        let attributes = try! NSRegularExpression(pattern: #"([A-Za-z_:][A-Za-z0-9_:.-]*)\s*=\s*"([^"]*)""#)
        let ns = text as NSString
        for match in tags.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: match.range(at: 1)).lowercased()
            if name == "script" || name == "foreignobject" || name == "iframe" || name == "image" {
                return .failure(.unsafeOutput("a \(name) element"))
            }
            let body = ns.substring(with: match.range(at: 2))
            let bodyNS = body as NSString
            for attribute in attributes.matches(in: body, range: NSRange(location: 0, length: bodyNS.length)) {
                let key = bodyNS.substring(with: attribute.range(at: 1)).lowercased()
                let value = bodyNS.substring(with: attribute.range(at: 2))
                if key.hasPrefix("on") { return .failure(.unsafeOutput("an event-handler attribute")) }
                if key == "href" || key.hasSuffix(":href"), !value.hasPrefix("#") {
                    return .failure(.unsafeOutput("a link that leaves the page"))
                }
            }
        }
        return .success(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// FNV-1a, 64-bit: a stable hash for cache keys (Swift's Hasher is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
