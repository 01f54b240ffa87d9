import ArgumentParser
import Foundation
import ThreatDocKit

/// How `render` builds the output and how `check` rebuilds it to compare: the same options, so
/// that a check renders exactly what a render wrote.
struct RenderOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Formats to write, comma-separated: markdown, html.", valueName: "list"))
    var formats: String = "markdown,html"

    @Option(help: ArgumentHelp("A folder of templates that override the built-in ones (default: templates/ when it exists).", valueName: "dir"))
    var templates: String?

    @Option(help: ArgumentHelp("Where parsed models, diagram layouts and pages are cached (default: $XDG_CACHE_HOME/threatdoc or ~/.cache/threatdoc).", valueName: "dir"))
    var cacheDir: String?

    @Flag(help: "Parse, lay out and render everything again instead of using the cache.")
    var noCache = false

    @Option(help: ArgumentHelp("CPU seconds (at least 1) that all of one model's diagram layouts share; a layout past its share is drawn again the quicker way, with a warning (TD512).", valueName: "seconds"))
    var diagramBudget: Int = GraphvizLayout.defaultCPUSeconds

    func validate() throws {
        guard (1...3600).contains(diagramBudget) else { throw ValidationError("--diagram-budget must be from 1 to 3600 seconds") }
        let unknown = formatList.filter { SiteBuilder.Format(rawValue: $0) == nil }
        guard unknown.isEmpty, !formatList.isEmpty else {
            throw ValidationError("unknown format '\(unknown.first ?? formats)'; formats: markdown, html")
        }
    }

    var formatList: [String] {
        formats.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    var templatesFolder: String? { templates ?? SiteBuilder.defaultTemplatesFolder }

    func openCache() throws -> CacheFolder? { try CacheOption.open(cacheDir, disabled: noCache) }

    /// The site builder for `output`, with these options.
    func builder(output: String, cache: CacheFolder?) -> SiteBuilder {
        var builder = SiteBuilder(formats: formatList.compactMap(SiteBuilder.Format.init(rawValue:)), outputDirectory: output,
                                  templatesFolder: templatesFolder, cache: cache)
        builder.diagramBudget = diagramBudget
        return builder
    }
}
