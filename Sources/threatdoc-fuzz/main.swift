// libFuzzer targets for threatdoc. Built and run by `.ci/fuzz [SECONDS]`, which compiles with
// `-sanitize=fuzzer,address -DFUZZING`; a plain build only explains how to run it.
//
//   threatdoc-fuzz TARGET [libFuzzer options] [CORPUS…]
//   targets: load (model loading, validation, text diagnostics), scan (scan reports), prose (Markdown
//   prose to HTML and to inert Markdown), template (template parsing, checking and rendering),
//   svg (the check of Graphviz's SVG before it is inlined), diagram (a large model's split into
//   parts, DOT and Mermaid: every element drawn exactly once, every Mermaid block within GitHub's limit)
import Foundation
import ThreatDocKit

let targets: [String: (Data) -> Void] = [
    "load": { data in
        let text = String(decoding: data, as: UTF8.self)
        let outcome = Pipeline(options: ValidationOptions(today: CalendarDate("2026-11-26")!)).run(text: text, path: "fuzz.yaml")
        _ = DiagnosticFormatter(sources: outcome.sources).text(outcome.diagnostics, summary: outcome.summary)
        _ = DiagnosticFormatter().json(outcome.diagnostics, summary: outcome.summary)
    },
    "scan": { data in
        var diagnostics = DiagnosticBag()
        _ = ScanReader.parse(data, path: "fuzz.json", label: "fuzz", into: &diagnostics)
        _ = DiagnosticFormatter().text(diagnostics.diagnostics, summary: Summary(files: 1, models: 0, diagnostics: diagnostics.diagnostics))
    },
    "prose": { data in
        let text = String(decoding: data.prefix(64 << 10), as: UTF8.self)
        _ = ProseRenderer.html(text)
        _ = MarkdownProse.sanitize(text)
        _ = MarkdownEscaping.inline(text)
    },
    "template": { data in
        let text = String(decoding: data.prefix(256 << 10), as: UTF8.self)
        _ = TemplateProbe.render(text, format: data.first.map { $0 & 1 == 0 } ?? true ? "html" : "markdown")
    },
    "svg": { data in
        _ = GraphvizLayout.clean(String(decoding: data, as: UTF8.self))
    },
    "diagram": { data in
        let text = String(decoding: data.prefix(256 << 10), as: UTF8.self)
        let outcome = Pipeline(options: ValidationOptions(today: CalendarDate("2026-11-26")!)).run(text: text, path: "fuzz.yaml")
        guard let model = outcome.models?.first else { return }
        let plan = DiagramParts.plan(model)
        if plan.leftOut == 0 {
            let drawn = plan.parts.flatMap(\.elements)
            precondition(drawn.count == model.elements.count && Set(drawn) == Set(model.elements.map(\.id)),
                         "every element is in exactly one part")
        }
        _ = DataFlowGraph.dot(model)
        for index in plan.parts.indices { _ = DataFlowGraph.part(model, plan, index: index) }
        let mermaid = MermaidDiagram.diagrams(model)
        precondition(([mermaid.main] + mermaid.parts.map(\.mermaid)).allSatisfy { $0.utf8.count <= 50_000 },
                     "every Mermaid block fits GitHub's 50,000 characters")
    },
]

#if FUZZING
import CFuzzer

nonisolated(unsafe) var selected: ((Data) -> Void)?
var arguments = CommandLine.arguments
guard arguments.count > 1, let target = targets[arguments[1]] else {
    FileHandle.standardError.write(Data("usage: threatdoc-fuzz \(targets.keys.sorted().joined(separator: "|")) [libFuzzer options]\n".utf8))
    exit(2)
}
selected = target
// One run before fuzzing fills the caches that live for the whole process (template shapes, the
// every-feature model), so that LeakSanitizer does not report them as leaks of the first input.
target(Data())
target(Data("threatdoc: 1\n".utf8))
arguments.remove(at: 1)
var argc = Int32(arguments.count)
var cArguments = arguments.map { strdup($0) } + [nil]
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: cArguments.count)
argv!.initialize(from: &cArguments, count: cArguments.count)
exit(LLVMFuzzerRunDriver(&argc, &argv) { bytes, size in
    selected!(Data(bytes: bytes!, count: size))
    return 0
})
#else
FileHandle.standardError.write(Data("threatdoc-fuzz: build with .ci/fuzz (libFuzzer and AddressSanitizer); targets: \(targets.keys.sorted().joined(separator: ", "))\n".utf8))
exit(2)
#endif
