import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
/// Text as a diagram shows it: short enough to lay out and to stay within Graphviz's 16,384-character
/// limit on a quoted string and GitHub's 50,000 characters a Mermaid diagram (a 2,800-character name
/// once made dot quit mid-input), and with characters that would reorder or break the text around
/// them shown by their code. The tables keep every name in full.
public enum DiagramText {
    /// At most this many characters of a name in a diagram; longer ones end in "…".
    public static let maxCharacters = 80

    /// Counted in Unicode scalars, not characters: "a" followed by 3,000 combining accents is one
    /// character and 3,001 scalars, each written out in the DOT.
    public static func short(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > maxCharacters else { return text }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.prefix(maxCharacters))
        return String(out) + "…"
    }

    /// What a flow's arrow says: its label (or ID), then its protocol and the assets it carries, when
    /// given, on a second line: ["push image", "HTTPS · image, registry-creds"].
    public static func flowLines(_ flow: ResolvedModel.Flow) -> [String] {
        let details = [given(flow.protocolName), flow.assets.isEmpty ? nil : flow.assets.joined(separator: ", ")].compactMap { $0 }
        return [given(flow.label) ?? flow.id] + (details.isEmpty ? [] : [details.joined(separator: " · ")])
    }

    /// A name to draw: an element's name, or its ID when the name is blank.
    public static func name(_ element: ResolvedModel.Element) -> String { given(element.name) ?? element.id }

    /// The text, unless it is missing or only white space.
    static func given(_ text: String?) -> String? {
        guard let text, text.contains(where: { !$0.isWhitespace }) else { return nil }
        return text
    }

    /// `short`, with hidden characters (`isHidden`) shown by their code, "(U+202E)".
    public static func label(_ text: String) -> String {
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

    /// Characters that reorder, break or hide text, so that two names could look the same: bidi
    /// controls, separators, zero-width and invisible characters, tags. (Zero-width joiners stay:
    /// Persian, Indic scripts and emoji need them.) HTML and Markdown escaping show the same set.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
            || v == 0x2028 || v == 0x2029 || TerminalText.isInvisible(v)
    }
}
