import CPlatform
import Foundation

/// The write stage: replaces an output folder with new content in one step, and deletes only what
/// threatdoc wrote.
///
/// - The new output is written whole into a sibling folder (`.output.new-PID-N`), then swapped with
///   the old one by `renameat2(RENAME_EXCHANGE)`: at every moment `output/` is either the complete old
///   folder or the complete new one, even if the process is killed.
/// - The folder's manifest (`.threatdoc-output`) lists every file threatdoc wrote there. Only those
///   are ever deleted. Any other file (notes, `CNAME`, the `.git` of a gh-pages checkout) stops the
///   render with an error that names it, unless `keepForeign` carries such files into each new output.
/// - What a killed run left beside the folder is removed by the next run, file by file, on the same rule.
/// - Callers hold an `OutputLock` for the whole render, so two renders never interleave.
public struct OutputWriter: Sendable {
    /// The manifest in every folder threatdoc writes.
    public static let marker = ".threatdoc-output"

    public var directory: String
    /// Carry files threatdoc did not write into the new output instead of refusing to replace them.
    public var keepForeign = false
    /// Test hook: fail after writing this many files, as a crash halfway would.
    var failAfter: Int?

    public init(directory: String, keepForeign: Bool = false) {
        var directory = directory
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        self.directory = directory
        self.keepForeign = keepForeign
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// True when the new output is in place, but something of the old one could not be removed.
        public var outputReplaced = false
    }

    /// The manifest's text for a folder holding `paths`: sorted, so the committed folder is the same
    /// from run to run.
    public static func manifestText(for paths: some Sequence<String>) -> String {
        var text = """
            # Written by threatdoc. Each render replaces the files listed here and deletes only these.
            # Other files stop the render unless it runs with --keep-foreign, which carries them over.

            """
        for path in Set(paths).sorted() { text += path + "\n" }
        return text
    }

    /// The files a manifest lists, or nil when `text` is not a manifest. The marker of threatdoc 0.1,
    /// which listed nothing, owns the files of the shapes that version wrote.
    static func parseManifest(_ text: String, in folder: String) -> Set<String>? {
        if text == legacyMarkerText {
            return Set(OutputTree.files(in: folder).filter { path in
                let parts = path.split(separator: "/")
                return (parts.count == 1 && path.hasSuffix(".md"))
                    || (parts.count == 2 && parts[0] == "html" && (path.hasSuffix(".html") || path.hasSuffix(".css")))
            })
        }
        guard text.hasPrefix("# Written by threatdoc.") else { return nil }
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map(String.init))
    }

    static let legacyMarkerText = "Written by threatdoc. The whole folder is replaced on every render.\n"

    /// The files threatdoc wrote in `folder` by its manifest; nil when it has none. The manifest is
    /// committed with the output, so a merge or a pull request can edit it: only names of the shapes
    /// threatdoc writes count, and a listed `CNAME` or `notes/todo.md` stays the user's.
    static func ownedFiles(in folder: String) -> Set<String>? {
        guard let bytes = try? FileReading.readRegularFile("\(folder)/\(marker)", limit: 64 << 20) else { return nil }
        return parseManifest(String(decoding: bytes, as: UTF8.self), in: folder)?.filter(isGeneratedShape)
    }

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

    /// What is in the current output folder that threatdoc did not write, by relative path: regular
    /// files, links and folders that hold none of threatdoc's files.
    public func foreignEntries() -> [String] {
        guard FileStatus.isFolder(directory) else { return [] }
        let owned = Self.ownedFiles(in: directory) ?? []
        return OutputTree.entries(in: directory).filter { entry in
            entry.path != Self.marker && !owned.contains(entry.path) && entry.kind != .folder
        }.map(\.path)
    }

    /// Replaces `directory` with exactly `files` (relative path → content), the `kept` files of the
    /// current folder (hard-linked, so neither read nor written; `keptText` gives their text if a link
    /// fails), the manifest, and, with `keepForeign`, the files threatdoc did not write. Returns the
    /// side folders of earlier, killed renders that still hold files threatdoc did not write.
    @discardableResult
    public func replace(with files: [String: String], keeping kept: Set<String> = [], lock: OutputLock,
                        keptText: (String) -> String? = { _ in nil }) throws(Failure) -> [String] {
        precondition(lock.directory == OutputLock.parent(of: directory), "the lock is for another folder")
        for path in Array(files.keys) + kept where !Self.isGeneratedShape(path) {
            throw Failure(description: "refusing to write \(path): threatdoc writes only NAME.md, html/NAME.html and html/NAME.css")
        }
        let target = OutputLock.absolute(directory)
        if let problem = Self.unsafeTarget(target) { throw Failure(description: "refusing to write into \(directory): \(problem)") }
        let parent = OutputLock.parent(of: directory), name = (target as NSString).lastPathComponent
        let stayed = Self.removeLeftovers(of: target)

        // What is there now, and what of it is not threatdoc's.
        var foreign: [OutputTree.Entry] = []
        var info = stat()
        let exists = lstat(target, &info) == 0
        if exists {
            if (info.st_mode & S_IFMT) == S_IFLNK {
                throw Failure(description: "\(directory) is a symbolic link; point --output at a real folder")
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw Failure(description: "\(directory) exists and is not a folder") }
            let owned = Self.ownedFiles(in: target) ?? []
            foreign = OutputTree.entries(in: target).filter { $0.path != Self.marker && !owned.contains($0.path) }
            // A folder is foreign only when nothing of threatdoc's is inside it.
            let ownedFolders = Set(owned.flatMap { path in
                let parts = path.split(separator: "/").dropLast()
                return parts.indices.map { parts[...$0].joined(separator: "/") }
            })
            foreign.removeAll { $0.kind == .folder && ownedFolders.contains($0.path) }
            if !foreign.isEmpty, !keepForeign {
                // A folder that is wholly the user's is named once (`output/.git/`), not file by file.
                let folders = Set(foreign.filter { $0.kind == .folder }.map(\.path))
                let names = foreign.filter { entry in
                    let parts = entry.path.split(separator: "/").dropLast()
                    return !parts.indices.contains { folders.contains(parts[...$0].joined(separator: "/")) }
                }.map { $0.kind == .folder ? $0.path + "/" : $0.path }
                let shown = names.prefix(5).map { "\(directory)/\($0)" }.joined(separator: ", ")
                let more = names.count > 5 ? " and \(names.count - 5) more" : ""
                throw Failure(description: "\(directory) holds files threatdoc did not write: \(shown)\(more). "
                    + "Move them out of \(directory), or render with --keep-foreign to carry them into the new output")
            }
            let generated = Set(files.keys).union(kept)
            if let clash = foreign.first(where: { generated.contains($0.path) }) {
                throw Failure(description: "\(directory)/\(clash.path) was not written by threatdoc, and this render would replace it. "
                    + "Move it out of \(directory)")
            }
        }

        let staging = "\(parent)/.\(name).new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do throws(Failure) {
            try Self.makeFolder(staging)
            // The manifest first: whatever a killed run leaves here is listed, so the next run may delete it.
            try Self.writeNew("\(staging)/\(Self.marker)", Data(Self.manifestText(for: Array(files.keys) + kept).utf8))
            var written = 0
            for (path, content) in files.sorted(by: { $0.key < $1.key }) {
                if let failAfter, written >= failAfter { throw Failure(description: "simulated failure after \(written) files") }
                try Self.makeParents(of: path, in: staging)
                try Self.writeNew("\(staging)/\(path)", Data(content.utf8))
                written += 1
            }
            for path in kept.sorted() where files[path] == nil {
                try Self.makeParents(of: path, in: staging)
                if link("\(target)/\(path)", "\(staging)/\(path)") != 0 {
                    guard let text = keptText(path) else {
                        throw Failure(description: "could not keep \(path) from the previous output: \(String(cString: strerror(errno)))")
                    }
                    try Self.writeNew("\(staging)/\(path)", Data(text.utf8))
                }
            }
            // Foreign files are linked, never moved: the old folder keeps them until the swap.
            for entry in foreign.sorted(by: { $0.path < $1.path }) {
                try Self.makeParents(of: entry.path, in: staging)
                let from = "\(target)/\(entry.path)", to = "\(staging)/\(entry.path)"
                switch entry.kind {
                case .folder: try Self.makeFolder(to)
                case .file:
                    if link(from, to) != 0 { throw Failure(description: "could not carry \(directory)/\(entry.path) over: \(String(cString: strerror(errno)))") }
                case .link:
                    let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: from)) ?? ""
                    if symlink(destination, to) != 0 { throw Failure(description: "could not carry \(directory)/\(entry.path) over: \(String(cString: strerror(errno)))") }
                }
            }
        } catch {
            _ = Self.removeWritten(staging, live: exists ? target : nil)
            throw error
        }

        guard exists else {
            if threatdoc_rename_noreplace(AT_FDCWD, staging, AT_FDCWD, target) != 0 {
                let reason = String(cString: strerror(errno))
                _ = Self.removeWritten(staging, live: nil)
                throw Failure(description: "could not move the new output into place: \(reason)")
            }
            return stayed
        }
        if threatdoc_rename_exchange(AT_FDCWD, staging, AT_FDCWD, target) != 0 {
            let reason = String(cString: strerror(errno))
            _ = Self.removeWritten(staging, live: target)
            throw Failure(description: "could not swap the new output into place (\(reason)); \(directory) is unchanged. "
                + "threatdoc needs a file system that can exchange two folders atomically (renameat2 RENAME_EXCHANGE)")
        }
        // `staging` now holds the old output.
        if let problem = Self.removeWritten(staging, live: target) {
            throw Failure(description: "\(directory) holds the new output, but the old one could not be removed from \(staging): \(problem)",
                          outputReplaced: true)
        }
        return stayed
    }

    /// Why `target` must never be replaced, or nil: the root, a home folder, or the working folder or
    /// one that holds it (`--output .` would swap the project itself).
    static func unsafeTarget(_ target: String) -> String? {
        if target == "/" { return "it is the root folder" }
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty, OutputLock.absolute(home) == target {
            return "it is the home folder"
        }
        let working = OutputLock.absolute(FileManager.default.currentDirectoryPath)
        if working == target || working.hasPrefix(target + "/") {
            return "it holds the working folder; name a folder of its own, such as output"
        }
        return nil
    }

    // MARK: Removing only what threatdoc wrote

    /// Removes, from a side folder of a render, the files its manifest lists and the files also present
    /// (the same inode, or the same link) at the same path in the live output, then the folders left
    /// empty. Returns why something stayed, or nil when the folder is gone.
    static func removeWritten(_ folder: String, live: String?) -> String? {
        let owned = ownedFiles(in: folder) ?? []
        var kept: [String] = []
        for entry in OutputTree.entries(in: folder).reversed() where entry.path != marker {
            let path = "\(folder)/\(entry.path)"
            switch entry.kind {
            case .folder:
                if rmdir(path) != 0 { kept.append(entry.path + "/") }
            case .file, .link:
                let ours = owned.contains(entry.path) || live.map { OutputTree.sameEntry(path, "\($0)/\(entry.path)") } ?? false
                if ours { unlink(path) } else { kept.append(entry.path) }
            }
        }
        unlink("\(folder)/\(marker)")
        if rmdir(folder) == 0 { return nil }
        let shown = kept.filter { !$0.hasSuffix("/") }.prefix(3).joined(separator: ", ")
        return shown.isEmpty ? String(cString: strerror(errno)) : "it holds files threatdoc did not write (\(shown))"
    }

    /// Removes what killed or failed renders left beside `target` (`.NAME.new-*`, `.NAME.old-*`), by the
    /// rule above. Callers hold the folder's lock, so no other render is using them.
    @discardableResult
    static func removeLeftovers(of target: String) -> [String] {
        let parent = (target as NSString).deletingLastPathComponent, name = (target as NSString).lastPathComponent
        var stayed: [String] = []
        for sibling in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        where sibling.hasPrefix(".\(name).new-") || sibling.hasPrefix(".\(name).old-") {
            let path = "\(parent)/\(sibling)"
            guard FileStatus.isFolder(path) else { continue }
            if removeWritten(path, live: target) != nil { stayed.append(path) }
        }
        return stayed
    }

    private static func makeFolder(_ path: String) throws(Failure) {
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw Failure(description: "could not create \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func makeParents(of path: String, in folder: String) throws(Failure) {
        var current = folder
        for part in path.split(separator: "/").dropLast() {
            current += "/" + part
            try makeFolder(current)
        }
    }

    /// Writes a file that must not exist yet, never following a link.
    private static func writeNew(_ path: String, _ data: Data) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "could not write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let failed = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 { if errno == EINTR { continue } else { return true } }
                offset += count
            }
            return false
        }
        if failed { throw Failure(description: "could not write \(path): \(String(cString: strerror(errno)))") }
    }
}

/// A render's exclusive hold on an output folder, from reading the last render's manifest to the
/// swap: `flock` on the folder's parent, so it needs no lock file and a killed holder releases it.
public final class OutputLock: @unchecked Sendable {
    /// The parent folder that is locked, as an absolute path.
    public let directory: String
    private var descriptor: Int32
    private let lock = NSLock()

    /// Waits for the lock on `outputDirectory`; `onWait` is called once if another process holds it.
    public static func acquire(for outputDirectory: String, onWait: () -> Void = {}) throws(OutputWriter.Failure) -> OutputLock {
        let parent = parent(of: outputDirectory)
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw OutputWriter.Failure(description: "cannot create \(parent): \(error.localizedDescription)")
        }
        let descriptor = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw OutputWriter.Failure(description: "cannot open \(parent) to lock it: \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                close(descriptor)
                throw OutputWriter.Failure(description: "cannot lock \(parent): \(String(cString: strerror(errno)))")
            }
            onWait()
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(descriptor)
                    throw OutputWriter.Failure(description: "cannot lock \(parent): \(String(cString: strerror(errno)))")
                }
            }
        }
        return OutputLock(directory: parent, descriptor: descriptor)
    }

    private init(directory: String, descriptor: Int32) {
        self.directory = directory
        self.descriptor = descriptor
    }

    /// Releases the lock now rather than when the last reference goes.
    public func release() {
        lock.lock()
        defer { lock.unlock() }
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    deinit { release() }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func parent(of path: String) -> String {
        (absolute(path) as NSString).deletingLastPathComponent
    }
}

/// Walking an output folder without following links.
enum OutputTree {
    enum Kind { case file, link, folder }

    struct Entry {
        var path: String
        var kind: Kind
    }

    /// Every entry below `root`, parents before their children, in sorted order. Devices, pipes and
    /// sockets count as files, which are never deleted unless listed.
    static func entries(in root: String) -> [Entry] {
        var result: [Entry] = []
        func walk(_ relative: String) {
            let folder = relative.isEmpty ? root : "\(root)/\(relative)"
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
                let path = relative.isEmpty ? name : "\(relative)/\(name)"
                var info = stat()
                guard lstat("\(root)/\(path)", &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    result.append(Entry(path: path, kind: .folder))
                    walk(path)
                case S_IFLNK: result.append(Entry(path: path, kind: .link))
                default: result.append(Entry(path: path, kind: .file))
                }
            }
        }
        walk("")
        return result
    }

    static func files(in root: String) -> [String] {
        entries(in: root).filter { $0.kind == .file }.map(\.path)
    }

    /// Whether two paths are one file (hard links) or two links to the same place.
    static func sameEntry(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard lstat(a, &first) == 0, lstat(b, &second) == 0, (first.st_mode & S_IFMT) == (second.st_mode & S_IFMT) else { return false }
        if (first.st_mode & S_IFMT) == S_IFLNK {
            let manager = FileManager.default
            return (try? manager.destinationOfSymbolicLink(atPath: a)) == (try? manager.destinationOfSymbolicLink(atPath: b))
        }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }
}

extension FileStatus {
    static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
