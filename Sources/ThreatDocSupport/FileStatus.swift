import Foundation

/// What `lstat` says of a regular file: nil for anything else (missing, a folder, a symbolic link).
public struct FileStatus: Equatable, Sendable {
    public var size: Int64
    /// Modification time, in nanoseconds since 1970.
    public var modified: Int64
    public var inode: UInt64

    public init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        inode = UInt64(info.st_ino)
    }

    public var modificationDate: Date { Date(timeIntervalSince1970: Double(modified) / 1e9) }
}

extension FileStatus {
    /// Writes all of `data` to an open file, retrying short and interrupted writes; false on an error
    /// (errno says which).
    public static func writeAll(_ data: Data, to descriptor: Int32) -> Bool {
        data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 { if errno == EINTR { continue } else { return false } }
                offset += count
            }
            return true
        }
    }
}

extension FileStatus {
    /// Whether `path` is a folder itself, not a link to one.
    public static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

extension FileStatus {
    /// Whether two paths name the same file (after links): the same device and inode.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }
}
