import Foundation

/// Paths compared as text: made absolute against the working folder and standardised (`.`, `..` and
/// repeated slashes removed), without looking at the file system.
public enum PathContainment {
    public static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }

    /// Whether `path` is `folder` or lies inside it, both already standardised or resolved.
    public static func contains(_ folder: String, _ path: String) -> Bool {
        path == folder || path.hasPrefix(folder == "/" ? "/" : folder + "/")
    }

    /// Whether `path`, read as text, lies inside `folder`.
    public static func isInside(_ path: String, folder: String) -> Bool {
        contains(standardized(folder), standardized(path))
    }
}
