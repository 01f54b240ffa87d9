import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
            case .timedOut(let seconds): "Graphviz needed more than \(seconds) s of CPU time"
            case .unsafeOutput(let what): "Graphviz output contained \(what)"
            }
        }
    }

    /// Where layouts are cached; nil disables the cache.
    public var cache: CacheFolder?
    /// CPU seconds one `dot` may use when no share is given.
    public var timeoutSeconds = GraphvizLayout.defaultCPUSeconds
    public static let defaultCPUSeconds = 10

    /// One layout: its DOT, the CPU seconds it may take, and the ID of the element that titles it on
    /// the page (the SVG's `aria-labelledby`).
    public struct Job: Sendable {
        public var dot: String
        public var cpuSeconds: Int
        public var titleID: String

        public init(dot: String, cpuSeconds: Int, titleID: String = "dfd-title") {
            self.dot = dot
            self.cpuSeconds = cpuSeconds
            self.titleID = titleID
        }
    }

    public init(cache: CacheFolder?) {
        self.cache = cache
    }

    static func locateDot() -> String? { ChildProcess.locate("dot") }

    /// Lays out several graphs, each in its own `dot` process, as many at a time as there are cores.
    ///
    /// One graph per process on purpose: `dot` keeps state between the graphs of one run, so a graph
    /// laid out in a batch could come out with its clusters in another order than the same graph laid
    /// out alone, and the page would depend on which other models were rendered with it.
    public func svgs(for graphs: [String]) -> [Result<String, Failure>] {
        svgs(for: graphs.map { Job(dot: $0, cpuSeconds: timeoutSeconds) })
    }

    public func svgs(for jobs: [Job]) -> [Result<String, Failure>] {
        concurrentMap(jobs.count) { svg(for: jobs[$0]) }
    }

    /// Whether `bytes` holds `literal` at `offset`, ending before `limit` (default: the end), without copying.
    static func matches<Bytes: RandomAccessCollection<UInt8>>(_ literal: [UInt8], in bytes: Bytes, at offset: Int,
                                                             before limit: Int? = nil) -> Bool where Bytes.Index == Int {
        offset + literal.count <= (limit ?? bytes.endIndex) && literal.indices.allSatisfy { bytes[offset + $0] == literal[$0] }
    }

    /// `dot -V`, so that a Graphviz upgrade never reuses layouts the old version drew.
    static let graphvizVersion: String = {
        guard let executable = locateDot() else { return "none" }
        guard case .success(let outcome) = ChildProcess.run(executable, ["-V"], wallSeconds: 30) else { return "unknown" }
        return String(decoding: outcome.errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// The cache key includes the CPU share: a layout that finished within a larger share must not
    /// stand in for one that would have run out of a smaller one, or the page would depend on the
    /// cache's history.
    private static func key(_ job: Job) -> String {
        CacheFolder.key(.layouts, version: 4, graphvizVersion, "\(job.cpuSeconds)", job.titleID, job.dot)
    }

    private func cached(_ job: Job) -> String? {
        guard let data = cache?.load(.layouts, Self.key(job)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private func finish(_ job: Job, raw: String) -> Result<String, Failure> {
        let result = Self.clean(raw, titleID: job.titleID)
        if case .success(let svg) = result, let cache { cache.store(.layouts, Self.key(job), Data(svg.utf8)) }
        return result
    }

    /// The SVG for `dot`, ready to inline: no XML prolog, comments or fixed size, checked for markup
    /// that could run script.
    public func svg(for dot: String) -> Result<String, Failure> {
        svg(for: Job(dot: dot, cpuSeconds: timeoutSeconds))
    }

    public func svg(for job: Job) -> Result<String, Failure> {
        if let cached = cached(job) { return .success(cached) }
        switch run(job.dot, cpuSeconds: max(1, job.cpuSeconds)) {
        case .success(let output): return finish(job, raw: output)
        case .failure(let failure): return .failure(failure)
        }
    }

    private func run(_ dot: String, cpuSeconds: Int) -> Result<String, Failure> {
        guard let executable = Self.locateDot() else { return .failure(.notInstalled) }
        // The limit is on dot's CPU time, not the wall clock, so that whether a diagram is drawn does
        // not depend on how busy the machine is or how many layouts run beside it. The wall-clock
        // backstop is generous, only for a dot that waits on something: on a machine busy enough,
        // wall time runs far ahead of CPU time.
        let ran = ChildProcess.run(executable, ["-Tsvg"], input: Data(dot.utf8), cpuSeconds: cpuSeconds,
                                   wallSeconds: 60 + cpuSeconds * 10)
        switch ran {
        case .failure(let failure):
            return .failure(.failed(failure.description))
        case .success(let outcome):
            if let signal = outcome.signal {
                return signal == SIGXCPU || signal == SIGKILL ? .failure(.timedOut(cpuSeconds)) : .failure(.failed("dot crashed (signal \(signal))"))
            }
            guard outcome.status == 0 else {
                let text = String(decoding: outcome.errors.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                return .failure(.failed(text.isEmpty ? "exit status \(outcome.status ?? -1)" : text))
            }
            return .success(String(decoding: outcome.output, as: UTF8.self))
        }
    }

    public static func clean(_ svg: String, titleID: String = "dfd-title") -> Result<String, Failure> {
        guard let start = svg.range(of: "<svg") else { return .failure(.failed("no SVG in the output")) }
        // One pass over the bytes: drop comments, and check every tag's name and attributes.
        // Graphviz escapes text content, so every "<" starts a tag or a comment.
        let bytes = Array(svg[start.lowerBound...].utf8)
        let comment = Array("<!--".utf8)
        func matches(_ literal: [UInt8], at offset: Int, before limit: Int? = nil) -> Bool {
            Self.matches(literal, in: bytes, at: offset, before: limit)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 96)
        var index = 0
        var first = true
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "<") else {
                out.append(byte)
                index += 1
                continue
            }
            if matches(comment, at: index) {
                var end = index + 4
                while end + 2 < bytes.count, !(bytes[end] == 0x2D && bytes[end + 1] == 0x2D && bytes[end + 2] == 0x3E) { end += 1 }
                index = min(bytes.count, end + 3)
                continue
            }
            var end = index + 1
            var quote: UInt8?
            while end < bytes.count {
                let c = bytes[end]
                if let q = quote { if c == q { quote = nil } } else if c == 0x22 || c == 0x27 { quote = c } else if c == 0x3E { break }
                end += 1
            }
            let tagEnd = min(end, bytes.count - 1)
            if let problem = unsafeTag(bytes, from: index, to: tagEnd) { return .failure(.unsafeOutput(problem)) }
            if first {
                // Keep Graphviz's natural size (width and height in points): a large diagram is shown at
                // a readable size and scrolls sideways, a small one is not blown up.
                out.append(contentsOf: bytes[index..<tagEnd])
                out.append(contentsOf: Array(" class=\"dfd\" role=\"img\" aria-labelledby=\"\(titleID)\" focusable=\"false\">".utf8))
                first = false
            } else {
                out.append(contentsOf: bytes[index...tagEnd])
            }
            index = end + 1
        }
        // Trim trailing whitespace on the bytes; Foundation's trimmingCharacters copies the whole SVG.
        while let last = out.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { out.removeLast() }
        return .success(String(decoding: out, as: UTF8.self))
    }

    /// Why the tag `bytes[start...end]` from Graphviz must not reach a page, or nil when it is harmless.
    static func unsafeTag(_ bytes: [UInt8], from start: Int, to end: Int) -> String? {
        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x3A || byte == 0x5F || byte == 0x2D
        }
        // Compares bytes[range] with a lowercase ASCII literal, ignoring case, without copying.
        func equals(_ range: Range<Int>, _ literal: [UInt8]) -> Bool {
            range.count == literal.count && zip(range, literal).allSatisfy { index, expected in
                let byte = bytes[index]
                return (byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) == expected
            }
        }
        var index = start + 1
        if index <= end, bytes[index] == 0x2F { index += 1 }  // closing tag
        let nameStart = index
        while index <= end, isNameByte(bytes[index]) { index += 1 }
        for (banned, literal) in Self.bannedElements where equals(nameStart..<index, literal) {
            return "a \(banned) element"
        }
        // Attributes: name="value" pairs.
        while index <= end {
            while index <= end, !isNameByte(bytes[index]) { index += 1 }
            let keyStart = index
            while index <= end, isNameByte(bytes[index]) { index += 1 }
            let key = keyStart..<index
            while index <= end, bytes[index] == 0x20 { index += 1 }
            guard index <= end, bytes[index] == 0x3D else { continue }
            index += 1
            while index <= end, bytes[index] == 0x20 { index += 1 }
            guard index <= end else { break }
            var valueStart = index, valueEnd = index
            if bytes[index] == 0x22 || bytes[index] == 0x27 {
                let quote = bytes[index]
                valueStart = index + 1
                valueEnd = valueStart
                while valueEnd <= end, bytes[valueEnd] != quote { valueEnd += 1 }
                index = valueEnd + 1
            } else {
                while valueEnd <= end, bytes[valueEnd] != 0x20, bytes[valueEnd] != 0x3E { valueEnd += 1 }
                index = valueEnd
            }
            if key.count >= 2, equals(key.lowerBound..<key.lowerBound + 2, Self.on) { return "an event-handler attribute" }
            if equals(key, Self.style) { return "a style attribute" }
            let isHref = equals(key, Self.href) || (key.count >= 5 && equals(key.upperBound - 5..<key.upperBound, Self.namespacedHref))
            if isHref, !(valueStart < valueEnd && bytes[valueStart] == 0x23) { return "a link that leaves the page" }
        }
        return nil
    }

    private static let bannedElements = ["script", "foreignobject", "iframe", "image", "use"].map { ($0, Array($0.utf8)) }
    private static let on = Array("on".utf8), style = Array("style".utf8), href = Array("href".utf8)
    private static let namespacedHref = Array(":href".utf8)
}
