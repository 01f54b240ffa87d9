import CPlatform
import Foundation

/// The release version.
public let version = "0.1.0"

/// What `threatdoc --version` prints: the version and the commit a release was built from.
public let versionLine: String = {
    let commit = String(cString: threatdoc_commit())
    return commit.isEmpty ? "\(version) (development build)" : "\(version) (commit \(commit))"
}()

/// What identifies the running build, so that a cache never serves what another build produced.
///
/// The executable is linked with a GNU build ID (`--build-id`, set in Package.swift), a hash of the
/// linked binary, read from memory. A binary without one (a test runner) is identified by its real
/// path (`/proc/self/exe`, never `argv[0]`, which is the same word for every build found through PATH),
/// size, modification time and inode.
public enum BuildIdentity {
    public static let current: String = {
        if let buildID = gnuBuildID() { return "\(version)/build-id:\(buildID)" }
        return "\(version)/executable:\(executableFingerprint())"
    }()

    public static func gnuBuildID() -> String? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = Int(threatdoc_build_id(&buffer, Int32(buffer.count)))
        return length > 0 ? Digest.hex(buffer.prefix(length)) : nil
    }

    public static func executableFingerprint() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? ""
        var info = stat()
        guard stat(path, &info) == 0 else { return path }
        return "\(path)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(info.st_ino)"
    }
}
