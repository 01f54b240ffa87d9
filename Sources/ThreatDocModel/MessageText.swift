// How values are quoted in diagnostics.

extension String {
    /// A short quoted rendering of a value for messages.
    public var debugSnippet: String {
        let limit = 40
        let cleaned = String(unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
        return cleaned.count > limit ? "'\(cleaned.prefix(limit))…'" : "'\(cleaned)'"
    }
}

extension Unicode.Scalar {
    /// "U+202E RIGHT-TO-LEFT OVERRIDE", for messages about characters a reader cannot see.
    public var codePointName: String {
        let hex = String(value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if let name = properties.name ?? properties.nameAlias { return "U+\(padded) \(name)" }
        return "U+\(padded)"
    }
}
