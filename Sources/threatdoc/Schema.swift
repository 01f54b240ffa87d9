import ArgumentParser
import Foundation
import ThreatDocKit

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema (draft-07) of the model format.",
        discussion: """
            Editors that use yaml-language-server check and complete models with it. The same schema \
            ships as models/threatdoc.schema.json.

            Example:
              threatdoc schema > models/threatdoc.schema.json
            """)

    func run() throws {
        FileHandle.standardOutput.write(Data(ModelSchema.json.utf8))
    }
}
