import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import Foundation

/// Diagnostics as SARIF 2.1.0, for GitHub code scanning: one rule per diagnostic code with its help,
/// results with repository-relative URIs and regions, stable fingerprints, and SARIF levels.
public enum SARIFFormatter {
    /// `sources` gives each fingerprint the text the diagnostic points at (see `fingerprints`).
    public static func sarif(_ diagnostics: [Diagnostic], sources: [SourceFile] = []) -> String {
        let prints = fingerprints(diagnostics, sources: sources)
        let codes = Array(Set(diagnostics.map(\.code))).sorted()
        let ruleIndex = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1.id, $0) })
        let rules: [[String: Any]] = codes.map { code in
            [
                "id": code.id,
                "name": pascalCase(code.name),
                "shortDescription": ["text": code.name.replacingOccurrences(of: "-", with: " ")],
                "fullDescription": ["text": code.help],
                "help": ["text": code.help, "markdown": "**\(code.id) \(code.name)**: \(code.help)"],
                "defaultConfiguration": ["level": level(code.severity)],
                "properties": ["tags": ["threat-model", "threatdoc"]],
            ]
        }
        let results: [[String: Any]] = zip(diagnostics, prints).map { diagnostic, print in
            var result: [String: Any] = [
                "ruleId": diagnostic.code.id,
                "ruleIndex": ruleIndex[diagnostic.code.id] ?? 0,
                "level": level(diagnostic.severity),
                "message": ["text": diagnostic.message + (diagnostic.help.isEmpty ? "" : " (\(diagnostic.help))")],
                "partialFingerprints": ["threatdoc/v2": print],
            ]
            if let location = diagnostic.location {
                var region: [String: Any] = ["startLine": max(1, location.line), "startColumn": max(1, location.column)]
                if let length = location.length, length > 0 { region["endColumn"] = location.column + length }
                result["locations"] = [["physicalLocation": [
                    "artifactLocation": ["uri": uri(location.file), "uriBaseId": "%SRCROOT%"],
                    "region": region,
                ]]]
                if !diagnostic.related.isEmpty {
                    result["relatedLocations"] = diagnostic.related.enumerated().map { index, related in
                        [
                            "id": index + 1,
                            "message": ["text": related.message],
                            "physicalLocation": [
                                "artifactLocation": ["uri": uri(related.location.file), "uriBaseId": "%SRCROOT%"],
                                "region": ["startLine": max(1, related.location.line), "startColumn": max(1, related.location.column)],
                            ],
                        ] as [String: Any]
                    }
                }
            }
            return result
        }
        let document: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "threatdoc",
                    "version": ThreatDocSupport.version,
                    "semanticVersion": ThreatDocSupport.version,
                    "rules": rules,
                ]],
                "columnKind": "unicodeCodePoints",
                "results": results,
            ]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// Identifies the same problem across commits: its code, its file, and what it points at (the ID
    /// or key at its place, such as the model's or element's ID), never the message or the line. A
    /// message can hold counts ("1 of 6 categories covered") that change when something unrelated is
    /// added, and lines move. Problems with the same code at the same text are told apart by their
    /// order. A diagnostic without a place, or without its source, falls back to its message.
    static func fingerprints(_ diagnostics: [Diagnostic], sources: [SourceFile]) -> [String] {
        let byPath = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: [String: Int] = [:]
        return diagnostics.map { diagnostic in
            let file = diagnostic.location?.file ?? ""
            let subject = diagnostic.location.flatMap { subjectText(at: $0, in: byPath[$0.file]) } ?? "message:" + diagnostic.message
            let key = "\(diagnostic.code.id)\u{0}\(file)\u{0}\(subject)"
            let occurrence = seen[key, default: 0]
            seen[key] = occurrence + 1
            return String(StableHash.fnv1a("\(key)\u{0}\(occurrence)"), radix: 16)
        }
    }

    /// The word at a location: `length` scalars when it has one, else the run of ID characters there.
    static func subjectText(at location: SourceLocation, in file: SourceFile?) -> String? {
        guard let line = file?.lineText(location.line) else { return nil }
        let scalars = Array(line.unicodeScalars.dropFirst(max(0, location.column - 1)))
        let word: [Unicode.Scalar]
        if let length = location.length, length > 0 {
            word = Array(scalars.prefix(length))
        } else {
            word = Array(scalars.prefix { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-:@/$".unicodeScalars.contains($0) })
        }
        return word.isEmpty ? nil : "text:" + String(String.UnicodeScalarView(word))
    }

    /// A repository-relative URI: relative paths stay, `./` is dropped, absolute paths under the
    /// working directory become relative, and characters outside URI syntax are percent-encoded.
    static func uri(_ path: String) -> String {
        var relative = path
        let cwd = FileManager.default.currentDirectoryPath
        if relative.hasPrefix(cwd + "/") { relative = String(relative.dropFirst(cwd.count + 1)) }
        while relative.hasPrefix("./") { relative.removeFirst(2) }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        return relative.addingPercentEncoding(withAllowedCharacters: allowed) ?? relative
    }

    static func pascalCase(_ name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}

/// Diagnostics as GitHub Actions workflow commands, so they show on the lines of a pull request.
public enum GitHubFormatter {
    public static func commands(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            let command = switch diagnostic.severity {
            case .error: "error"
            case .warning: "warning"
            case .note: "notice"
            }
            var properties: [String] = []
            if let location = diagnostic.location {
                properties.append("file=\(property(TerminalText.escape(location.file)))")
                properties.append("line=\(location.line)")
                properties.append("col=\(location.column)")
                if let length = location.length, length > 0 { properties.append("endColumn=\(location.column + length)") }
            }
            properties.append("title=\(property("\(diagnostic.code.id) \(diagnostic.code.name)"))")
            // Control and bidi characters are shown, not obeyed.
            // Newlines stay: `data` encodes them as %0A, which GitHub shows as a line break in the annotation.
            let text = [diagnostic.message, diagnostic.help].map { $0.split(separator: "\n", omittingEmptySubsequences: false)
                .map { TerminalText.escape(String($0)) }.joined(separator: "\n") }.joined(separator: "\n")
            return "::\(command) \(properties.joined(separator: ","))::\(data(text))"
        }.joined(separator: "\n") + (diagnostics.isEmpty ? "" : "\n")
    }

    /// GitHub's escaping for a command's message.
    static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// GitHub's escaping for a command's properties, which also reserve `:` and `,`.
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// A Markdown summary for `$GITHUB_STEP_SUMMARY`.
    /// The step summary. `gates` is nil for a command that applies none (`validate`), which then says
    /// nothing about gates.
    public static func stepSummary(_ diagnostics: [Diagnostic], summary: Summary, gates: [GateFailure]?, stale: [String]) -> String {
        var out = "## threatdoc\n\n| Files | Models | Errors | Warnings | Notes |\n| ---: | ---: | ---: | ---: | ---: |\n"
        out += "| \(summary.files) | \(summary.models) | \(summary.errors) | \(summary.warnings) | \(summary.notes) |\n\n"
        if gates?.isEmpty == true && stale.isEmpty {
            out += "All gates passed.\n"
        }
        for failure in gates ?? [] {
            out += "- **Gate `\(failure.gate.description)` failed:** \(MarkdownEscaping.inline(failure.reason))\n"
        }
        if !stale.isEmpty {
            out += "- **Stale output:** \(stale.map { "`\($0)`" }.joined(separator: ", ")). Run `threatdoc render` and commit `output/`.\n"
        }
        let shown = diagnostics.filter { $0.severity != .note }.prefix(50)
        if !shown.isEmpty {
            out += "\n| Severity | Code | Where | Message |\n| --- | --- | --- | --- |\n"
            for diagnostic in shown {
                let place = diagnostic.location.map { "\($0.file):\($0.line):\($0.column)" } ?? ""
                out += "| \(diagnostic.severity.rawValue) | \(diagnostic.code.id) | \(MarkdownEscaping.inline(place)) | \(MarkdownEscaping.inline(diagnostic.message)) |\n"
            }
        }
        return out
    }
}
