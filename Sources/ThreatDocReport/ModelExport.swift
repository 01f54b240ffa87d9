import ThreatDocModel
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
        return String(decoding: (try? encoder.encode(Document(model: model))) ?? Data(), as: UTF8.self)
    }
}
