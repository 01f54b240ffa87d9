/// Text written into YAML that threatdoc generates (imported models, suggested threats): one double-quoted
/// scalar form, read back exactly by any YAML reader.
public enum YAMLText {
    /// A double-quoted scalar: backslash and quote escaped, and every character that could hide or change
    /// what a reader sees (controls, format characters such as bidirectional and zero-width marks, line and
    /// paragraph separators, private-use, unassigned and noncharacter code points, the BOM) written as an
    /// escape, `\u` or `\U`.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if needsEscape(scalar) {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += scalar.value <= 0xFFFF ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                        : "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .privateUse, .surrogate: true
        default: scalar.value == 0xFEFF || scalar.value == 0x85 || scalar.properties.isNoncharacterCodePoint
        }
    }
}
