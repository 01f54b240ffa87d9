import Foundation

/// What the last render wrote into an output folder: each cached page's cache key, and the file's
/// size, modification time and inode as written. A page whose key is unchanged and whose file is
/// untouched since is kept (hard-linked into the new folder) instead of being read and written again.
///
/// Kept beside the page cache, not in the output folder, so the committed output stays the same
/// from machine to machine.
public struct OutputManifest: Sendable {
    struct Entry: Equatable, Sendable {
        var key: String
        var file: FileStatus
    }

    /// The output folder, as given.
    var directory: String
    var entries: [String: Entry]

    /// The entry `outputs/<digest of the output folder's absolute path>`.
    static func key(outputDirectory: String) -> String {
        Digest.of("output-manifest-v2", URL(fileURLWithPath: outputDirectory).standardizedFileURL.path)
    }

    /// The manifest of the last render into `outputDirectory`, or nil when there is none.
    static func load(cache: CacheFolder, outputDirectory: String) -> OutputManifest? {
        guard let data = cache.load(.outputs, key(outputDirectory: outputDirectory)) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        var entries: [String: Entry] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 5, let size = Int64(fields[1]), let modified = Int64(fields[2]), let inode = UInt64(fields[3]) else {
                continue
            }
            entries[String(fields[4])] = Entry(key: String(fields[0]), file: FileStatus(size: size, modified: modified, inode: inode))
        }
        return OutputManifest(directory: outputDirectory, entries: entries)
    }

    /// Records the cached pages (`path` → cache key) now in `outputDirectory`. Best effort: without a
    /// manifest the next render only rewrites what it could have kept.
    static func save(pages: [String: String], cache: CacheFolder, outputDirectory: String) {
        var text = ""
        for (file, key) in pages.sorted(by: { $0.key < $1.key }) {
            guard let status = FileStatus(path: "\(outputDirectory)/\(file)") else { continue }
            text += "\(key)\t\(status.size)\t\(status.modified)\t\(status.inode)\t\(file)\n"
        }
        cache.store(.outputs, key(outputDirectory: outputDirectory), Data(text.utf8))
    }

    /// Whether `path` still holds the page `key` names, exactly as the last render wrote it.
    func holds(_ path: String, key: String) -> Bool {
        guard let entry = entries[path], entry.key == key else { return false }
        return FileStatus(path: "\(directory)/\(path)") == entry.file
    }
}
