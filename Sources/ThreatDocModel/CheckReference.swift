import Foundation

/// A reference to a benchmark check: `docker:2.14`, or with a catalog version, `kubernetes@cis-1.9:1.2.16`.
public struct CheckReference: Hashable, Sendable, CustomStringConvertible {
    public enum Tool: String, CaseIterable, Sendable, Codable, ModelKeyword {
        case docker, kubernetes

        /// Names people write for a tool, suggested but not accepted.
        public static let synonyms: [String: Tool] = ["k8s": .kubernetes, "kube": .kubernetes, "kube-bench": .kubernetes,
                                                      "docker-bench": .docker, "moby": .docker]
    }

    /// The parts of a reference whose check is written as words (`kubernetes@cis-1.9:network policies`):
    /// the tool, the version if any, and the words; nil when it does not have that shape.
    public static func words(_ text: String) -> (tool: Tool, version: String?, words: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let head = text[..<colon]
        let toolName = head.split(separator: "@", maxSplits: 1).first.map(String.init) ?? ""
        let version = head.contains("@") ? head.split(separator: "@", maxSplits: 1).last.map(String.init) : nil
        guard let tool = Tool(rawValue: toolName) else { return nil }
        let words = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard words.contains(where: \.isLetter) || words.contains(" ") else { return nil }
        return (tool, version, words)
    }

    public var tool: Tool
    /// The catalog version, when the reference names one; otherwise the model's `benchmarks:` applies.
    public var version: String?
    public var checkID: String

    public struct Problem: Error, Equatable {
        public var reason: String
        public var help: String?
    }

    public static func parse(_ text: String) -> Result<CheckReference, Problem> {
        guard let colon = text.firstIndex(of: ":") else {
            return .failure(Problem(reason: "it has no ':' between the tool and the check ID",
                                    help: "write TOOL:ID, for example docker:\(text)"))
        }
        let head = text[..<colon], checkID = String(text[text.index(after: colon)...])
        let toolName: Substring, version: String?
        if let at = head.firstIndex(of: "@") {
            toolName = head[..<at]
            version = String(head[head.index(after: at)...])
            if version!.isEmpty || !version!.allSatisfy(isIDCharacter) {
                return .failure(Problem(reason: "the catalog version after '@' is empty or malformed", help: nil))
            }
        } else {
            toolName = head
            version = nil
        }
        guard let tool = Tool(rawValue: String(toolName)) else {
            let names = Tool.allCases.map(\.rawValue)
            return .failure(Problem(reason: "unknown tool '\(toolName)'",
                help: Tool.synonyms[toolName.lowercased()].map { "did you mean '\($0.rawValue)'?" }
                    ?? Suggestions.didYouMean(String(toolName), in: names) ?? "tools: \(names.joined(separator: ", "))"))
        }
        guard let first = checkID.first, first.isASCII, first.isLetter || first.isNumber,
              checkID.count <= 64, checkID.allSatisfy(isIDCharacter) else {
            return .failure(Problem(reason: "the check ID after ':' is empty or malformed", help: nil))
        }
        return .success(CheckReference(tool: tool, version: version, checkID: checkID))
    }

    private static func isIDCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == "_")
    }

    public var description: String {
        "\(tool.rawValue)\(version.map { "@\($0)" } ?? ""):\(checkID)"
    }
}
