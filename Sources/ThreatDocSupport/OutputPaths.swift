/// The names of the files threatdoc writes, shared by the writer (which deletes only such files) and
/// the template loader (a stylesheet must have such a name).
public enum OutputPaths {
    /// The paths threatdoc writes: `NAME.md` at the top, `html/NAME.html` and `html/NAME.css`, names of
    /// ID characters that do not start with a dot.
    public static func isGeneratedShape(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        func plain(_ name: Substring) -> Bool {
            !name.isEmpty && name.first != "." && name.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39)
                    || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
            }
        }
        switch parts.count {
        case 1: return plain(parts[0]) && parts[0].hasSuffix(".md")
        case 2: return parts[0] == "html" && plain(parts[1]) && (parts[1].hasSuffix(".html") || parts[1].hasSuffix(".css"))
        default: return false
        }
    }
}
