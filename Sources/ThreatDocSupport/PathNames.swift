/// A path's folder and last component, as `dirname` and `basename` give them. Foundation's
/// `NSString.lastPathComponent` traps on a one-character path (`-o a`), so threatdoc never uses it.
public enum PathNames {
    /// `models/x.yaml` → `models`; `x.yaml` → ``; `/x` → `/`; trailing slashes are ignored.
    public static func folder(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        var folder = trimmed[..<slash]
        while folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        return String(folder)
    }

    /// `models/x.yaml` → `x.yaml`; trailing slashes are ignored.
    public static func name(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return trimmed == "/" ? "/" : String(trimmed[trimmed.index(after: slash)...])
    }
}
