// Benchmarks for threatdoc: time and peak memory of `threatdoc validate` on hostile inputs and on a
// large valid model. Run with `swift run -c release threatdoc-bench`. Prints figures; asserts nothing
// about speed (goals live here, not in tests).
import Foundation
import ThreatDocCorpus
#if canImport(Glibc)
import Glibc
#endif

struct Measurement {
    var seconds: Double
    var peakMegabytes: Double
    var status: Int32
    var output: String
}

/// Runs a command and measures its wall time and peak resident memory.
///
/// Linux carries a parent's peak RSS into a child it spawns (the high-water mark survives exec), so
/// this large process would inflate every figure. It therefore re-runs itself as a small runner
/// (`--measure`), which spawns the command and reports wait4's figures for it alone.
func measure(_ executable: String, _ arguments: [String]) -> Measurement {
    let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("td-bench-out-\(UUID())")
    defer { try? FileManager.default.removeItem(at: outputURL) }
    let runner = Process()
    runner.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    runner.arguments = ["--measure", outputURL.path, executable] + arguments
    let pipe = Pipe()
    runner.standardOutput = pipe
    try! runner.run()
    let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    runner.waitUntilExit()
    let fields = report.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    guard fields.count == 3 else { fatalError("runner failed: \(report)") }
    return Measurement(seconds: fields[0], peakMegabytes: fields[1], status: Int32(fields[2]), output: output)
}

/// The runner: spawn, wait, print "seconds peakMB status".
func runMeasured(output: String, executable: String, arguments: [String]) -> Never {
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_TRUNC, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    var pid = pid_t()
    let start = DispatchTime.now()
    guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
        print("cannot start \(executable)")
        exit(2)
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    print(String(format: "%.4f %.1f %d", seconds, Double(usage.ru_maxrss) / 1024, exitStatus))
    exit(0)
}

func locateThreatdoc() -> String {
    let arguments = CommandLine.arguments
    if let index = arguments.firstIndex(of: "--binary"), index + 1 < arguments.count { return arguments[index + 1] }
    let here = URL(fileURLWithPath: arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    return here.appendingPathComponent("threatdoc").path
}

if CommandLine.arguments.count > 3, CommandLine.arguments[1] == "--measure" {
    runMeasured(output: CommandLine.arguments[2], executable: CommandLine.arguments[3],
                arguments: Array(CommandLine.arguments.dropFirst(4)))
}

// `--generate DIR` writes the scale corpora (a: one large model, b: 200 models) for profiling, then stops.
if let index = CommandLine.arguments.firstIndex(of: "--generate"), index + 1 < CommandLine.arguments.count {
    let root = URL(fileURLWithPath: CommandLine.arguments[index + 1])
    try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: root.appendingPathComponent("b"), withIntermediateDirectories: true)
    try Data(SyntheticModel.yaml(id: "large", elements: 1_400, flows: 600, threats: 11_000, mitigations: 800).utf8)
        .write(to: root.appendingPathComponent("a/large.yaml"))
    for n in 0..<200 {
        try Data(SyntheticModel.yaml(id: "model-\(n)", elements: 30, flows: 40, threats: 50, mitigations: 20).utf8)
            .write(to: root.appendingPathComponent(String(format: "b/model-%03d.yaml", n)))
    }
    exit(0)
}

let threatdoc = locateThreatdoc()
guard FileManager.default.isExecutableFile(atPath: threatdoc) else {
    FileHandle.standardError.write(Data("threatdoc-bench: no threatdoc binary at \(threatdoc); build it first\n".utf8))
    exit(2)
}
let work = FileManager.default.temporaryDirectory.appendingPathComponent("td-bench-\(UUID())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
func row(_ columns: [String]) { print(pad(columns[0], 24) + columns.dropFirst().enumerated().map { pad($0.element, $0.offset == 0 ? 15 : 12) }.joined()) }

print("threatdoc-bench: \(threatdoc)")
if CommandLine.arguments.contains("--complexity") {
    exit(try complexity() == 0 ? 0 : 1)
}
let baseline = measure("/bin/true", [])
print(String(format: "baseline: the measuring runner's own floor is %.1f MB (peak of /bin/true)\n", baseline.peakMegabytes))
print("Hostile inputs (threatdoc validate FILE --format json): each must end with a located error.")
row(["case", "size", "seconds", "peak MB", "exit", "result"])
var failures = 0
for hostile in HostileCorpus.cases {
    let file = work.appendingPathComponent("\(hostile.name).yaml")
    try Data(hostile.bytes).write(to: file)
    let m = measure(threatdoc, ["validate", file.path, "--format", "json"])
    let located = m.output.contains("\"code\" : \"\(hostile.expectedCode)\"") && m.output.contains("\"line\"")
    let crashed = m.status > 2
    if !located || crashed { failures += 1 }
    row([hostile.name, "\(hostile.bytes.count / 1024) KiB", String(format: "%.3f", m.seconds),
         String(format: "%.1f", m.peakMegabytes), "\(m.status)",
         crashed ? "CRASH" : located ? "\(hostile.expectedCode) located" : "MISSING \(hostile.expectedCode)"])
}

print("\nLarge valid model (release build expected):")
row(["model", "size", "seconds", "peak MB", "exit", "result"])
let scale = [(elements: 500, flows: 500, threats: 4_400, mitigations: 600)]
for s in scale {
    let yaml = SyntheticModel.yaml(elements: s.elements, flows: s.flows, threats: s.threats, mitigations: s.mitigations)
    let file = work.appendingPathComponent("large.yaml")
    try Data(yaml.utf8).write(to: file)
    var best: Measurement?
    for _ in 0..<5 {
        let m = measure(threatdoc, ["validate", file.path, "--format", "json", "--max-file-size", "2M"])
        if best == nil || m.seconds < best!.seconds { best = m }
    }
    let m = best!
    let clean = m.status == 0
    if !clean { failures += 1 }
    row(["\(s.threats) threats", String(format: "%.2f MiB", Double(yaml.utf8.count) / 1_048_576),
         String(format: "%.3f", m.seconds), String(format: "%.1f", m.peakMegabytes), "\(m.status)",
         clean ? "0 errors (best of 5)" : "UNEXPECTED ERRORS"])
}
print("\nRendering Markdown and HTML, no cache (threatdoc render --no-cache, release build expected):")
row(["input", "threats", "seconds", "peak MB", "exit", "result"])
var renderCases: [(name: String, arguments: [String], threats: Int)] = []
if FileManager.default.fileExists(atPath: "models/docker.yaml") {
    renderCases.append(("models/ (2 models)", ["render", "--no-cache", "--output", work.appendingPathComponent("out-models").path], 21))
}
let twoHundred = work.appendingPathComponent("threats-200")
try FileManager.default.createDirectory(at: twoHundred, withIntermediateDirectories: true)
try Data(SyntheticModel.yaml(elements: 60, flows: 80, threats: 200, mitigations: 60).utf8)
    .write(to: twoHundred.appendingPathComponent("model.yaml"))
renderCases.append(("200-threat model", ["render", twoHundred.path, "--no-project", "--no-cache", "--output", work.appendingPathComponent("out-200").path], 200))
for entry in renderCases {
    var best: Measurement?
    for _ in 0..<5 {
        let m = measure(threatdoc, entry.arguments)
        if best == nil || m.seconds < best!.seconds { best = m }
    }
    let m = best!
    if m.status != 0 { failures += 1 }
    row([entry.name, "\(entry.threats)", String(format: "%.3f", m.seconds), String(format: "%.1f", m.peakMegabytes),
         "\(m.status)", m.status == 0 ? "rendered (best of 5)" : "FAILED"])
}

print("\nScale (release build expected; each case runs 5 times: best and median seconds, highest peak MB):")
row(["corpus / command", "size", "best s", "median s", "peak MB", "result"])
let cache = work.appendingPathComponent("layout-cache").path
// (a) one large model
let large = work.appendingPathComponent("scale-a")
try FileManager.default.createDirectory(at: large, withIntermediateDirectories: true)
let largeYAML = SyntheticModel.yaml(id: "large", elements: 1_400, flows: 600, threats: 11_000, mitigations: 800)
try Data(largeYAML.utf8).write(to: large.appendingPathComponent("large.yaml"))
// (b) 200 models of 50 threats
let many = work.appendingPathComponent("scale-b")
try FileManager.default.createDirectory(at: many, withIntermediateDirectories: true)
for index in 0..<200 {
    let yaml = SyntheticModel.yaml(id: "model-\(index)", elements: 30, flows: 40, threats: 50, mitigations: 20)
    try Data(yaml.utf8).write(to: many.appendingPathComponent(String(format: "model-%03d.yaml", index)))
}
/// Runs a case `times` times, calling `prepare` before each run (to empty a cache or edit a model).
@MainActor func scale(_ name: String, _ size: String, times: Int = 5, prepare: (Int) throws -> Void = { _ in },
                      _ arguments: [String]) throws {
    var runs: [Measurement] = []
    for run in 0..<times {
        try prepare(run)
        runs.append(measure(threatdoc, arguments))
    }
    let seconds = runs.map(\.seconds).sorted()
    let ok = runs.allSatisfy { $0.status <= 1 }
    if !ok { failures += 1 }
    row([name, size, String(format: "%.3f", seconds[0]), String(format: "%.3f", seconds[seconds.count / 2]),
         String(format: "%.1f", runs.map(\.peakMegabytes).max() ?? 0), ok ? "ok" : "FAILED"])
}
func emptyCache() { try? FileManager.default.removeItem(atPath: cache) }
let common = ["--no-project", "--max-file-size", "8M"]
let outA = work.appendingPathComponent("out-a").path, outB = work.appendingPathComponent("out-b").path
try scale("(a) validate", String(format: "%.1f MiB", Double(largeYAML.utf8.count) / 1_048_576),
      ["validate", large.path, "--format", "json"] + common)
try scale("(a) render, cold cache", "", prepare: { _ in emptyCache() }, ["render", large.path, "--output", outA, "--cache-dir", cache] + common)
try scale("(a) render, warm cache", "", ["render", large.path, "--output", outA, "--cache-dir", cache] + common)
try scale("(b) validate", "200 files", ["validate", many.path, "--format", "json"] + common)
try scale("(b) render, cold cache", "", prepare: { _ in emptyCache() }, ["render", many.path, "--output", outB, "--cache-dir", cache] + common)
// Change one model before each run (a flow's label, so its diagram is laid out again), then render.
let changed = many.appendingPathComponent("model-007.yaml")
let original = try String(contentsOf: changed, encoding: .utf8)
try scale("(b) re-render, 1 changed", "", prepare: { run in
    let edited = original.replacingOccurrences(of: "label: \"flow 3\"", with: "label: \"flow 3 (edit \(run))\"")
    try Data(edited.utf8).write(to: changed)
}, ["render", many.path, "--output", outB, "--cache-dir", cache] + common)

// (c) large diagrams: the overview and its parts, each laid out by its own dot, no cache.
print("\nLarge diagrams (threatdoc render --no-cache --formats html, release build; size = elements/flows/boundaries):")
row(["model", "size", "best s", "median s", "peak MB", "result"])
let diagramModels: [(name: String, size: String, yaml: String)] = [
    ("chain", "600/600/200", DiagramCorpus.chain(id: "chain", elements: 600, boundaries: 200)),
    ("tangled", "600/600/200", DiagramCorpus.tangled(id: "tangled", elements: 600, flows: 600, boundaries: 200)),
    ("dense", "150/400/30", DiagramCorpus.tangled(id: "dense", elements: 150, flows: 400, boundaries: 30)),
    ("tangled x4", "2400/2400/800", DiagramCorpus.tangled(id: "tangled4", elements: 2_400, flows: 2_400, boundaries: 800)),
]
for entry in diagramModels {
    let folder = work.appendingPathComponent("diagram-\(entry.name.replacingOccurrences(of: " ", with: "-"))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(entry.yaml.utf8).write(to: folder.appendingPathComponent("model.yaml"))
    try scale(entry.name, entry.size, ["render", folder.path, "--no-cache", "--formats", "html",
                                       "--output", folder.appendingPathComponent("out").path] + common)
}

failures += try complexity()

if failures > 0 {
    print("\n\(failures) case(s) did not behave")
    exit(1)
}

/// Complexity: every input class at n and 4n. Figures, not assertions: a ratio near 4 (or below, where
/// start-up dominates) is linear; above about 6 the path is superlinear. Returns the number of crashes.
@MainActor func complexity() throws -> Int {
    var failures = 0
    print("\nComplexity (release build; each class at n and 4n, best of 3 runs; ratio = time(4n) / time(n)):")
    row(["class", "n", "time n", "time 4n", "ratio", "result"])
    let minimal = SyntheticModel.minimal
    func withSummary(_ text: String) -> String {
        minimal.replacingOccurrences(of: "title: Demo\n", with: "title: Demo\nsummary: |\n  " + text.replacingOccurrences(of: "\n", with: "\n  ") + "\n")
    }
    struct Growth {
        var name: String
        var n: Int
        var unit: String
        /// Writes the input of size `size` into `folder` and returns the command's arguments.
        var prepare: (URL, Int) throws -> [String]
    }
    let templatesFolder = FileManager.default.fileExists(atPath: "templates/html/model.mustache") ? "templates" : nil
    let growths: [Growth] = [
        Growth(name: "NUL bytes", n: 256, unit: "KiB") { folder, size in
            try Data(count: size << 10).write(to: folder.appendingPathComponent("n.yaml"))
            return ["validate", "--no-project", folder.appendingPathComponent("n.yaml").path]
        },
        Growth(name: "one long line", n: 256, unit: "KiB") { folder, size in
            try Data((minimal + "# " + String(repeating: "a", count: size << 10) + "\n").utf8).write(to: folder.appendingPathComponent("l.yaml"))
            return ["validate", "--no-project", "--max-file-size", "2M", folder.appendingPathComponent("l.yaml").path]
        },
        Growth(name: "bidi and invisibles", n: 500, unit: "values") { folder, size in
            var text = minimal + "assets:\n"
            for index in 0..<size { text += "  - { id: a\(index), name: \"x\(String(repeating: "\u{202E}\u{200B}", count: 20))\" }\n" }
            try Data(text.utf8).write(to: folder.appendingPathComponent("b.yaml"))
            return ["validate", "--no-project", "--max-file-size", "4M", folder.appendingPathComponent("b.yaml").path]
        },
        Growth(name: "Markdown links", n: 2_500, unit: "[a](b)") { folder, size in
            try Data(withSummary(String(repeating: "[a](b)", count: size)).utf8).write(to: folder.appendingPathComponent("m.yaml"))
            return ["render", "--no-project", "--no-cache", "--output", folder.appendingPathComponent("out").path, folder.appendingPathComponent("m.yaml").path]
        },
        Growth(name: "Markdown emphasis", n: 1_500, unit: "*a* _b_") { folder, size in
            try Data(withSummary(String(repeating: "*a* _b_ ", count: size)).utf8).write(to: folder.appendingPathComponent("m.yaml"))
            return ["render", "--no-project", "--no-cache", "--output", folder.appendingPathComponent("out").path, folder.appendingPathComponent("m.yaml").path]
        },
        Growth(name: "lists and quotes", n: 1_000, unit: "lines") { folder, size in
            let lines = (0..<size).map { String(repeating: "> ", count: $0 % 6) + String(repeating: "  ", count: $0 % 5) + "- a" }
            try Data(withSummary(lines.joined(separator: "\n")).utf8).write(to: folder.appendingPathComponent("m.yaml"))
            return ["render", "--no-project", "--no-cache", "--output", folder.appendingPathComponent("out").path, folder.appendingPathComponent("m.yaml").path]
        },
        Growth(name: "many diagnostics", n: 2_000, unit: "errors") { folder, size in
            let text = minimal + (0..<size).map { "unknown\($0): 1" }.joined(separator: "\n") + "\n"
            try Data(text.utf8).write(to: folder.appendingPathComponent("d.yaml"))
            return ["validate", "--no-project", folder.appendingPathComponent("d.yaml").path]
        },
        Growth(name: "unknown checks", n: 5_000, unit: "checks") { folder, size in
            var text = "threatdoc: 1\nid: checks\ntitle: Checks\nbenchmarks: { docker: cis-docker-1.6.0 }\nmitigations:\n"
            for index in 0..<(size / 40) {
                text += "  - { id: m\(index), title: x, status: planned, checks: [\((0..<40).map { "docker:x\($0)-\(index)" }.joined(separator: ", "))] }\n"
            }
            try Data(text.utf8).write(to: folder.appendingPathComponent("c.yaml"))
            return ["validate", "--no-project", "--max-file-size", "4M", folder.appendingPathComponent("c.yaml").path]
        },
        Growth(name: "large template", n: 11_250, unit: "tags") { folder, size in
            guard let templatesFolder else { return [] }
            let copy = folder.appendingPathComponent("tpl")
            try? FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(atPath: templatesFolder, toPath: copy.path)
            try Data(("{{% CONTENT_TYPE: HTML }}" + String(repeating: "{{report.model.title}} ", count: size)).utf8)
                .write(to: copy.appendingPathComponent("html/model.mustache"))
            try Data(minimal.utf8).write(to: folder.appendingPathComponent("t.yaml"))
            return ["render", "--no-project", "--no-cache", "--templates", copy.path, "--output", folder.appendingPathComponent("out").path,
                    folder.appendingPathComponent("t.yaml").path]
        },
        Growth(name: "many models", n: 50, unit: "models") { folder, size in
            let models = folder.appendingPathComponent("models")
            try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
            for index in 0..<size {
                try Data(SyntheticModel.yaml(id: "m\(index)", elements: 12, flows: 16, threats: 20, mitigations: 8).utf8)
                    .write(to: models.appendingPathComponent("m\(index).yaml"))
            }
            return ["render", "--no-project", "--no-cache", "--output", folder.appendingPathComponent("out").path, models.path]
        },
        Growth(name: "one huge model", n: 1_100, unit: "threats") { folder, size in
            try Data(SyntheticModel.yaml(id: "huge", elements: size / 8, flows: size / 8, threats: size, mitigations: size / 8).utf8)
                .write(to: folder.appendingPathComponent("h.yaml"))
            return ["render", "--no-project", "--no-cache", "--max-file-size", "8M", "--output", folder.appendingPathComponent("out").path,
                    folder.appendingPathComponent("h.yaml").path]
        },
        Growth(name: "a diagram in parts", n: 600, unit: "elements") { folder, size in
            try Data(DiagramCorpus.tangled(id: "parts", elements: size, flows: size, boundaries: size / 3).utf8)
                .write(to: folder.appendingPathComponent("p.yaml"))
            return ["render", "--no-project", "--no-cache", "--formats", "html", "--max-file-size", "8M",
                    "--output", folder.appendingPathComponent("out").path, folder.appendingPathComponent("p.yaml").path]
        },
        Growth(name: "Threat Dragon import", n: 600, unit: "cells") { folder, size in
            // Processes in rows inside boxes, a flow between neighbours, a threat on each, and boundary curves.
            var cells: [String] = []
            for index in 0..<size {
                cells.append(#"{"id":"p\#(index)","shape":"process","zIndex":1,"position":{"x":\#(index % 40 * 200),"y":\#(index / 40 * 200)},"size":{"width":100,"height":100},"data":{"type":"tm.Process","name":"Process \#(index)","threats":[{"title":"T\#(index)","type":"Tampering","status":"Open","severity":"High","description":"d","mitigation":"Mitigation \#(index % 50)"}]}}"#)
                if index > 0 {
                    cells.append(#"{"id":"f\#(index)","shape":"flow","zIndex":2,"source":{"cell":"p\#(index - 1)"},"target":{"cell":"p\#(index)"},"data":{"type":"tm.Flow","name":"flow \#(index)","protocol":"HTTPS","isEncrypted":true}}"#)
                }
            }
            for index in 0..<(size / 40) {
                cells.append(#"{"id":"box\#(index)","shape":"trust-boundary-box","zIndex":0,"position":{"x":-10,"y":\#(index * 200 - 10)},"size":{"width":8100,"height":150},"data":{"type":"tm.BoundaryBox","name":"Zone \#(index)"}}"#)
            }
            for index in 0..<4 {
                cells.append(#"{"id":"curve\#(index)","shape":"trust-boundary-curve","zIndex":3,"source":{"x":\#(index * 2000 + 150),"y":-50},"target":{"x":\#(index * 2000 + 150),"y":\#(size / 40 * 200 + 50)},"vertices":[],"data":{"type":"tm.Boundary","name":"Curve \#(index)"}}"#)
            }
            let text = #"{"summary":{"title":"Bench"},"detail":{"diagrams":[{"title":"Bench","diagramType":"STRIDE","cells":["# + cells.joined(separator: ",") + "]}]}}"
            try Data(text.utf8).write(to: folder.appendingPathComponent("td.json"))
            return ["import", folder.appendingPathComponent("td.json").path, "--id", "bench", "-o", "-", "--max-file-size", "8M"]
        },
        Growth(name: "OTM import", n: 600, unit: "components") { folder, size in
            let components = (0..<size).map { index in
                #"{"id":"c\#(index)","name":"Component \#(index)","type":"\#(index % 3 == 0 ? "database" : "web-service")","parent":{"trustZone":"z\#(index % 10)"},"threats":[{"threat":"t\#(index % 100)","state":"exposed","mitigations":[{"mitigation":"m\#(index % 100)","state":"required"}]}]}"#
            }
            let flows = (1..<size).map { #"{"id":"d\#($0)","name":"flow \#($0)","source":"c\#($0 - 1)","destination":"c\#($0)"}"# }
            let zones = (0..<10).map { #"{"id":"z\#($0)","name":"Zone \#($0)","risk":{"trustRating":50}}"# }
            let threats = (0..<100).map { #"{"id":"t\#($0)","name":"Threat \#($0)","categories":["Tampering"],"risk":{"likelihood":50,"impact":75}}"# }
            let mitigations = (0..<100).map { #"{"id":"m\#($0)","name":"Mitigation \#($0)","riskReduction":50}"# }
            let text = #"{"otmVersion":"0.2.0","project":{"name":"Bench","id":"bench"},"trustZones":["# + zones.joined(separator: ",")
                + #"],"components":["# + components.joined(separator: ",") + #"],"dataflows":["# + flows.joined(separator: ",")
                + #"],"threats":["# + threats.joined(separator: ",") + #"],"mitigations":["# + mitigations.joined(separator: ",") + "]}"
            try Data(text.utf8).write(to: folder.appendingPathComponent("otm.json"))
            return ["import", folder.appendingPathComponent("otm.json").path, "--id", "bench", "-o", "-"]
        },
    ]
    for growth in growths {
        var times: [Double] = []
        var statuses: [Int32] = []
        for size in [growth.n, growth.n * 4] {
            let folder = work.appendingPathComponent("growth-\(growth.name.replacingOccurrences(of: " ", with: "-"))-\(size)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let arguments = try growth.prepare(folder, size)
            guard !arguments.isEmpty else { break }
            let runs = (0..<3).map { _ in measure(threatdoc, arguments) }
            times.append(runs.map(\.seconds).min()!)
            statuses.append(runs.map(\.status).max()!)
        }
        guard times.count == 2 else {
            row([growth.name, "", "", "", "", "skipped (no templates/ here)"])
            continue
        }
        let crashed = statuses.contains { $0 > 2 }
        if crashed { failures += 1 }
        row([growth.name, "\(growth.n) \(growth.unit) ", String(format: "%.3f s", times[0]), String(format: "%.3f s", times[1]),
             String(format: "%.2f", times[1] / max(times[0], 0.001)), crashed ? "CRASH" : "exit \(statuses[1])"])
    }
    return failures
}
