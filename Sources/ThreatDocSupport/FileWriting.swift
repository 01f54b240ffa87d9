import Foundation

/// Replacing a user's file: the new bytes are written beside it and renamed over it, so a killed run
/// leaves the old file or the new one, never half of either.
public enum FileWriting {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func replace(_ path: String, with data: Data, permissions: Int = 0o644) throws(Failure) {
        // Only a regular file (or a link, which is replaced, not followed) is replaced: never a device, a
        // folder or a pipe, whatever the caller's rights.
        var info = stat()
        if lstat(path, &info) == 0, !([S_IFREG, S_IFLNK].contains(info.st_mode & S_IFMT)) {
            throw Failure(description: "\(path) is not a regular file")
        }
        let folder = PathNames.folder(of: path)
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(PathNames.name(of: path)).threatdoc-\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw Failure(description: "cannot write beside \(path)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot replace \(path)")
        }
    }

    /// Creates a new file with all its bytes at once, failing (`exists`) rather than replacing a file that is
    /// there: written beside it, then hard-linked into place, which the kernel refuses if the name exists.
    public static func create(_ path: String, with data: Data, permissions: Int = 0o644) throws(Failure) {
        let folder = PathNames.folder(of: path)
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(PathNames.name(of: path)).threatdoc-\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw Failure(description: "cannot write beside \(path)")
        }
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            throw Failure(description: errno == EEXIST ? "exists" : "cannot create \(path)")
        }
    }
}
