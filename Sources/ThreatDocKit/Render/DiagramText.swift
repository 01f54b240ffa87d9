/// Text as a diagram shows it: short enough to lay out and to stay within Graphviz's 16,384-character
/// limit on a quoted string and GitHub's 50,000 characters a Mermaid diagram (a 2,800-character name
/// once made dot quit mid-input), and with characters that would reorder or break the text around
/// them shown by their code. The tables keep every name in full.
enum DiagramText {
    /// At most this many characters of a name in a diagram; longer ones end in "…".
    static let maxCharacters = 80

    static func short(_ text: String) -> String {
        var count = 0
        var end = text.startIndex
        while end < text.endIndex, count < maxCharacters {
            end = text.index(after: end)
            count += 1
        }
        return end == text.endIndex ? text : String(text[..<end]) + "…"
    }

    /// `short`, with bidirectional controls, line and paragraph separators shown as "(U+202E)".
    static func label(_ text: String) -> String {
        let shortened = short(text)
        guard shortened.unicodeScalars.contains(where: isHidden) else { return shortened }
        var out = String.UnicodeScalarView()
        for scalar in shortened.unicodeScalars {
            if isHidden(scalar) {
                out.append(contentsOf: "(U+\(String(scalar.value, radix: 16, uppercase: true)))".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
            || v == 0x2028 || v == 0x2029
    }
}
