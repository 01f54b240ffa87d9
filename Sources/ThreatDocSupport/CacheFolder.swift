import Crypto
import Foundation

/// A cache folder that threatdoc created and marked, and the only place its caches read and write.
///
/// A folder is used only when it is new, empty, or already carries both marks: `CACHEDIR.TAG` (the
/// Cache Directory Tagging convention, so backup tools skip it) and `.threatdoc-cache`. Any other folder
/// (a repository, `models/`, a home folder) is refused, so `--cache-dir` can never make threatdoc
/// delete what it did not write. Entries are named by their SHA-256 key, and housekeeping removes only
/// names of that shape, in the entry folders, of a marked folder.
public struct CacheFolder: Sendable, Equatable {
    public let path: String

    /// What an entry holds; each kind has its own folder.
    public enum Kind: String, CaseIterable, Sendable {
        /// Parsed model files.
        case models
        /// Graphviz layouts (cleaned SVG).
        case layouts
        /// Rendered pages.
        case pages
        /// What the last render wrote into each output folder.
        case outputs
    }

    /// The one key scheme of every entry: a digest of the kind, the version of what the kind stores, the
    /// build (an entry never outlives the threatdoc that wrote it) and everything the entry depends on.
    public static func key(_ kind: Kind, version: Int, _ inputs: String...) -> String {
        var digest = Digest()
        digest.add(kind.rawValue)
        digest.add(String(version))
        digest.add(BuildIdentity.current)
        for input in inputs { digest.add(input) }
        return digest.hex
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static let tagName = "CACHEDIR.TAG"
    public static let markerName = ".threatdoc-cache"
    /// The first line the Cache Directory Tagging convention requires.
    public static let tagSignature = "Signature: 8a477f597d28d172789f06886806bc55"
    public static let tagText = """
        \(tagSignature)
        # This file is a cache directory tag created by threatdoc.
        # For information about cache directory tags see https://bford.info/cachedir/

        """
    public static let markerText = "threatdoc cache, format 2. Everything here can be deleted; it is made again when needed.\n"
    /// Folder for half-written entries, renamed into place when complete.
    public static let temporaryFolder = "tmp"
    /// The default folder's contents before caches were marked, which it may adopt.
    public static let legacyNames: Set<String> = ["models", "layouts", "pages", "outputs", ".last-pruned"]
    public static let lastPrunedName = ".last-pruned"

    public static let maxAgeDays = 30

    /// The default folder: `$XDG_CACHE_HOME/threatdoc`, or `~/.cache/threatdoc`.
    public static var defaultPath: String? {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/threatdoc" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/threatdoc" }
        return nil
    }

    /// Opens `path` as a cache: creates and marks it when it does not exist or is empty; refuses a
    /// folder that holds anything but a threatdoc cache. `isDefault` lets the default folder, whose
    /// name says it is threatdoc's, adopt the entries of an older, unmarked threatdoc cache.
    public static func open(_ path: String, isDefault: Bool = false) throws(Failure) -> CacheFolder {
        let folder = CacheFolder(uncheckedPath: path)
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else { throw Failure(description: "cannot use \(path) as a cache: \(String(cString: strerror(errno)))") }
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw Failure(description: "cannot create the cache folder \(path): \(error.localizedDescription)")
            }
            try folder.mark()
            return folder
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw Failure(description: "cannot use \(path) as a cache: it is not a folder") }
        if folder.isMarked { return folder }
        let contents: [String]
        do {
            contents = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw Failure(description: "cannot read the cache folder \(path): \(error.localizedDescription)")
        }
        // Only the marks (a run killed while writing them, or another run writing them now): finish.
        let onlyMarks = contents.allSatisfy { $0 == tagName || $0 == markerName }
        let adoptable = isDefault && contents.allSatisfy(legacyNames.contains)
        guard contents.isEmpty || onlyMarks || adoptable else {
            let missing = [tagName, markerName].filter { !contents.contains($0) }.joined(separator: " and ")
            let other = contents.filter { $0 != tagName && $0 != markerName }.sorted()
            let example = other.first.map { " (such as '\($0)')" } ?? ""
            throw Failure(description: "\(path) is not a threatdoc cache folder: it has no \(missing), and it holds files threatdoc "
                + "may not have written\(example); give --cache-dir an empty or new folder, or use --no-cache")
        }
        try folder.mark()
        return folder
    }

    private init(uncheckedPath: String) {
        path = uncheckedPath
    }

    /// Whether the folder carries both marks, with the tag's required signature.
    public var isMarked: Bool {
        guard FileStatus(path: "\(path)/\(Self.markerName)") != nil,
              let tag = try? FileReading.readRegularFile("\(path)/\(Self.tagName)", limit: 4096) else { return false }
        return tag.starts(with: Array(Self.tagSignature.utf8))
    }

    /// Writes the marks in place, never through a temporary file that a killed run could leave; a
    /// mark another run is writing at the same moment is left to it.
    private func mark() throws(Failure) {
        for (name, text) in [(Self.tagName, Self.tagText), (Self.markerName, Self.markerText)] {
            let descriptor = Foundation.open("\(path)/\(name)", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw Failure(description: "cannot write \(path)/\(name): \(String(cString: strerror(errno)))")
            }
            _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress!, $0.count - 1) }
            close(descriptor)
        }
    }

    // MARK: Entries

    /// Entry names: the hex SHA-256 of everything that shapes the entry. Housekeeping removes only these.
    public static func isEntryName(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    public func entryPath(_ kind: Kind, _ key: String) -> String {
        "\(path)/\(kind.rawValue)/\(key)"
    }

    /// The entry's bytes, or nil; a read marks the entry as used now. Each entry starts with the
    /// SHA-256 of its kind, key and bytes: an entry damaged on disk, or copied under another name, is
    /// missing (and removed), so it costs a rebuild, never a wrong result.
    public func load(_ kind: Kind, _ key: String) -> Data? {
        let entry = entryPath(kind, key)
        guard let stored = FileManager.default.contents(atPath: entry) else { return nil }
        let data = stored.dropFirst(SHA256.byteCount)
        guard stored.count >= SHA256.byteCount, Data(stored.prefix(SHA256.byteCount)) == Self.seal(kind, key, data) else {
            unlink(entry)
            return nil
        }
        markUsed(kind, key)
        return Data(data)
    }

    private static func seal(_ kind: Kind, _ key: String, _ data: Data) -> Data {
        var hash = SHA256()
        hash.update(data: Data("\(kind.rawValue)\u{0}\(key)\u{0}".utf8))
        hash.update(data: data)
        return Data(hash.finalize())
    }

    public func contains(_ kind: Kind, _ key: String) -> Bool {
        FileStatus(path: entryPath(kind, key)) != nil
    }

    /// Marks an entry as used now, so housekeeping keeps it.
    public func markUsed(_ kind: Kind, _ key: String) {
        _ = utimes(entryPath(kind, key), nil)
    }

    /// Writes an entry whole or not at all: into `tmp/` first, named after this process, then renamed
    /// into place. Best effort: a cache that cannot be written only costs time.
    public func store(_ kind: Kind, _ key: String, _ data: Data) {
        let manager = FileManager.default
        let temporaryFolder = "\(path)/\(Self.temporaryFolder)"
        try? manager.createDirectory(atPath: temporaryFolder, withIntermediateDirectories: true)
        try? manager.createDirectory(atPath: "\(path)/\(kind.rawValue)", withIntermediateDirectories: true)
        let temporary = "\(temporaryFolder)/\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        // Held while the entry is written: a lock that can be taken means its writer is gone.
        _ = flock(descriptor, LOCK_EX)
        let written = FileStatus.writeAll(Self.seal(kind, key, data) + data, to: descriptor)
        // Renamed while still locked, so a cleaner never takes a finished entry for debris.
        if !written || rename(temporary, entryPath(kind, key)) != 0 { unlink(temporary) }
        close(descriptor)
    }

    // MARK: Housekeeping

    /// Removes what killed runs left in `tmp/`: files whose writer no longer holds their lock. Not by
    /// process ID, which a container's PID 1 or a reused ID would make look alive for ever. Called on
    /// every render, so debris never outlives the next run.
    @discardableResult
    public func removeAbandonedTemporaries() -> Int {
        let folder = "\(path)/\(Self.temporaryFolder)"
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where Self.owner(ofTemporary: name) != nil {
            let file = "\(folder)/\(name)"
            let descriptor = Foundation.open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0, unlink(file) == 0 { removed += 1 }
        }
        return removed
    }

    /// The process that named a temporary file `PID-RANDOM`, or nil for a name threatdoc never makes.
    public static func owner(ofTemporary name: String) -> pid_t? {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = pid_t(parts[0]), pid > 0, UInt64(parts[1]) != nil else { return nil }
        return pid
    }

    /// Removes entries unused for `maxAgeDays` if the last pruning was more than a day ago.
    @discardableResult
    public func pruneIfDue(now: Date = Date()) -> Int {
        let stamp = "\(path)/\(Self.lastPrunedName)"
        if let last = FileStatus(path: stamp)?.modificationDate, now.timeIntervalSince(last) < 86_400 { return 0 }
        let removed = prune(now: now)
        _ = FileManager.default.createFile(atPath: stamp, contents: nil)
        return removed
    }

    /// Removes every entry not used for `maxAgeDays`: regular files named like an entry, in the entry
    /// folders of a marked folder; nothing else, whatever its age.
    @discardableResult
    public func prune(now: Date = Date()) -> Int {
        guard isMarked else { return 0 }
        let cutoff = now.addingTimeInterval(-Double(Self.maxAgeDays) * 86_400)
        var removed = 0
        for kind in Kind.allCases {
            let folder = "\(path)/\(kind.rawValue)"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where Self.isEntryName(name) {
                let entry = "\(folder)/\(name)"
                if let used = FileStatus(path: entry)?.modificationDate, used < cutoff, unlink(entry) == 0 { removed += 1 }
            }
        }
        return removed
    }
}
