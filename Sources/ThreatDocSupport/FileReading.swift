import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading files without surprises: only regular files, never more than a cap.
public enum FileReading {
    public struct Failure: Error {
        public var message: String
    }

    /// The file's bytes, or nil when it holds more than `limit` bytes. Refuses devices and pipes,
    /// which could block forever or never end.
    public static func readRegularFile(_ path: String, limit: Int) throws(Failure) -> [UInt8]? {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(message: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw Failure(message: "not a regular file") }
        guard Int(info.st_size) <= limit else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Failure(message: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        // Read one byte past the cap so a file that grew after stat() is still caught.
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else { return nil }
        return [UInt8](data)
    }
}

extension Error {
    public var message: String {
        if let failure = self as? FileReading.Failure { return failure.message }
        return String(describing: self)
    }
}
