import ThreatDocSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Calls back when a file under the watched folders (or a watched file) changes: through inotify on
/// Linux, which also follows folders created later, and by polling modification times where inotify
/// cannot be had (another system, or the watch limit reached). Changes are coalesced: one call per burst.
public final class FileWatcher: @unchecked Sendable {
    public enum Mechanism: String, Sendable { case inotify, polling }

    public let roots: [String]
    public private(set) var mechanism: Mechanism = .polling
    private let skip: @Sendable (String) -> Bool
    private let onChange: @Sendable () -> Void
    private let queue = DispatchQueue(label: "threatdoc.watch")
    private var stopped = false
    private var descriptor: Int32 = -1
    private var watches: [Int32: String] = [:]
    /// For a folder watched only for some of its files (a watched file's folder): those names.
    private var onlyNames: [Int32: Set<String>] = [:]

    /// `roots` are folders (watched with everything below them) or files; `skip` leaves out paths such as
    /// the output folder.
    public init(roots: [String], forcePolling: Bool = false, skip: @escaping @Sendable (String) -> Bool, onChange: @escaping @Sendable () -> Void) {
        self.roots = roots
        // Paths reach `skip` as written under the roots (`./output`); it sees them without the `./`.
        self.skip = { path in
            var clean = Substring(path)
            while clean.hasPrefix("./") { clean = clean.dropFirst(2) }
            return skip(String(clean))
        }
        self.onChange = onChange
        #if canImport(Glibc)
        if !forcePolling, startInotify() { mechanism = .inotify; return }
        #endif
        startPolling()
    }

    public func stop() {
        queue.sync { stopped = true }
        if descriptor >= 0 { close(descriptor) }
    }

    // MARK: inotify

    #if canImport(Glibc)
    private func startInotify() -> Bool {
        descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return false }
        for root in roots where !addWatches(root) {
            close(descriptor)
            descriptor = -1
            return false
        }
        let fd = descriptor
        Thread.detachNewThread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = read(fd, &buffer, buffer.count)
                guard count > 0, let self else { return }
                var offset = 0, created: [String] = [], relevant = false
                while offset + 16 <= count {
                    let (wd, mask, length) = buffer.withUnsafeBytes { raw in
                        (raw.load(fromByteOffset: offset, as: Int32.self), raw.load(fromByteOffset: offset + 4, as: UInt32.self),
                         Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self)))
                    }
                    let nameBytes = buffer[(offset + 16)..<min(offset + 16 + length, count)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    if let names = self.queue.sync(execute: { self.onlyNames[wd] }) {
                        if names.contains(name) { relevant = true }
                    } else if !self.skip((self.queue.sync { self.watches[wd] } ?? "") + "/" + name) {
                        relevant = true
                    }
                    // A folder made later is watched too, but only inside a folder watched as a whole.
                    if mask & UInt32(IN_ISDIR) != 0, mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0,
                       let folder = self.queue.sync(execute: { self.onlyNames[wd] == nil ? self.watches[wd] : nil }),
                       !self.skip(folder + "/" + name) {
                        created.append(folder + "/" + name)
                    }
                    offset += 16 + length
                }
                for folder in created { _ = self.addWatches(folder) }
                if relevant { self.changed() }
            }
        }
        return true
    }

    private func addWatches(_ path: String) -> Bool {
        guard !skip(path) else { return true }
        let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO)
            | UInt32(IN_DELETE_SELF) | UInt32(IN_MODIFY)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return true }
        let watched = isFolder.boolValue ? path : PathNames.folder(of: path).isEmpty ? "." : PathNames.folder(of: path)
        let wd = inotify_add_watch(descriptor, watched, mask)
        guard wd >= 0 else { return false }
        queue.sync {
            let alreadyWhole = watches[wd] != nil && onlyNames[wd] == nil
            watches[wd] = watched
            if isFolder.boolValue {
                onlyNames[wd] = nil
            } else if !alreadyWhole {
                onlyNames[wd, default: []].insert(PathNames.name(of: path))
            }
        }
        guard isFolder.boolValue, let children = try? FileManager.default.contentsOfDirectory(atPath: path) else { return true }
        for child in children.sorted() {
            let full = path + "/" + child
            var childIsFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &childIsFolder), childIsFolder.boolValue, !addWatches(full) { return false }
        }
        return true
    }
    #endif

    // MARK: polling

    private func snapshot() -> [String: String] {
        var state: [String: String] = [:]
        func visit(_ path: String) {
            guard !skip(path) else { return }
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            state[path] = "\(info.st_size).\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            if (info.st_mode & S_IFMT) == S_IFDIR, let children = try? FileManager.default.contentsOfDirectory(atPath: path) {
                for child in children { visit(path + "/" + child) }
            }
        }
        roots.forEach(visit)
        return state
    }

    private func startPolling() {
        let first = snapshot()
        Thread.detachNewThread { [weak self] in
            var last = first
            while true {
                Thread.sleep(forTimeInterval: 0.3)
                guard let self, !self.queue.sync(execute: { self.stopped }) else { return }
                let now = self.snapshot()
                if now != last {
                    last = now
                    self.changed()
                }
            }
        }
    }

    // MARK: coalescing

    private var pending = false

    private func changed() {
        queue.async { [self] in
            guard !stopped, !pending else { return }
            pending = true
            // Editors write a file in several steps; wait for the burst to end.
            queue.asyncAfter(deadline: .now() + 0.15) { [self] in
                pending = false
                if !stopped { onChange() }
            }
        }
    }
}
