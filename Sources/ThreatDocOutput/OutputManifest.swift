import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
import ThreatDocRender
import Foundation

/// What the last render wrote into an output folder: each cached page's cache key, and the SHA-256
/// of the file as written. A page whose key is unchanged and whose file still has those bytes is kept
/// (hard-linked into the new folder) instead of being rendered and written again. The bytes are
/// checked, not the size and time: an edit that keeps both (`cp -p`, `rsync -t`) is still seen.
///
/// Kept beside the page cache, not in the output folder, so the committed output stays the same
/// from machine to machine.
public struct OutputManifest: Sendable {
    struct Entry: Equatable, Sendable {
        var key: String
        var digest: String
    }

    /// The output folder, as given.
    var directory: String
    var entries: [String: Entry]

    /// The entry `outputs/<digest of the output folder's absolute path>`.
    static func key(outputDirectory: String) -> String {
        CacheFolder.key(.outputs, version: 4, URL(fileURLWithPath: outputDirectory).standardizedFileURL.path)
    }

    /// The manifest of the last render into `outputDirectory`, or nil when there is none.
    static func load(cache: CacheFolder, outputDirectory: String) -> OutputManifest? {
        guard let data = cache.load(.outputs, key(outputDirectory: outputDirectory)) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        var entries: [String: Entry] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            entries[String(fields[2])] = Entry(key: String(fields[0]), digest: String(fields[1]))
        }
        return OutputManifest(directory: outputDirectory, entries: entries)
    }

    /// Records the cached pages (`path` → cache key) now in `outputDirectory`. Best effort: without a
    /// manifest the next render only rewrites what it could have kept.
    static func save(pages: [String: String], cache: CacheFolder, outputDirectory: String) {
        var text = ""
        for (file, key) in pages.sorted(by: { $0.key < $1.key }) {
            guard let digest = Self.digest(of: "\(outputDirectory)/\(file)") else { continue }
            text += "\(key)\t\(digest)\t\(file)\n"
        }
        cache.store(.outputs, key(outputDirectory: outputDirectory), Data(text.utf8))
    }

    /// Whether `path` still holds the page `key` names, exactly as the last render wrote it.
    func holds(_ path: String, key: String) -> Bool {
        guard let entry = entries[path], entry.key == key else { return false }
        return Self.digest(of: "\(directory)/\(path)") == entry.digest
    }

    /// The SHA-256 of a regular file's bytes (never through a link), or nil.
    static func digest(of path: String) -> String? {
        guard FileStatus(path: path) != nil, let data = FileManager.default.contents(atPath: path) else { return nil }
        return Digest.ofBytes(data)
    }
}
