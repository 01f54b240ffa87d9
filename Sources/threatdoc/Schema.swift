import ArgumentParser
import Foundation
import ThreatDocKit

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema (draft-07) of the model format, or of threat rule files.",
        discussion: """
            Editors that use yaml-language-server check and complete models with it. The same schema \
            ships as models/threatdoc.schema.json. With --rules, the schema of threat rule files \
            (threatdoc-rules: 1), which `threatdoc suggest` reads.

            Examples:
              threatdoc schema > models/threatdoc.schema.json
              threatdoc schema --rules > threat-rules/threatdoc-rules.schema.json
            """)

    @Flag(help: "The schema of threat rule files instead of models.")
    var rules = false

    func run() throws {
        FileHandle.standardOutput.write(Data((rules ? ModelSchema.rulesJSON : ModelSchema.json).utf8))
    }
}
