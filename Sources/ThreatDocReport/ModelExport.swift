import ThreatDocModel
import ThreatDocSupport
import Foundation

/// threatdoc's own JSON form of a resolved model (`threatdoc export --format json`): versioned, with
/// keys sorted, so that the same input gives the same bytes.
public enum ModelExport {
    public static let version = 1

    public static func json(_ model: ResolvedModel) -> String {
        struct Document: Encodable {
            var format = "threatdoc-model"
            var version = ModelExport.version
            var model: ResolvedModel
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // No absolute path in the document: a model outside the working folder is named by its file name.
        var model = model
        if model.sourcePath.hasPrefix("/") {
            let here = FileManager.default.currentDirectoryPath + "/"
            model.sourcePath = model.sourcePath.hasPrefix(here) ? String(model.sourcePath.dropFirst(here.count)) : PathNames.name(of: model.sourcePath)
        }
        return String(decoding: (try? encoder.encode(Document(model: model))) ?? Data(), as: UTF8.self)
    }
}
