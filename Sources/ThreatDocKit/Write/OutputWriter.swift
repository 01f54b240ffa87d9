import Foundation

/// The write stage: replaces an output folder with new content only once all of it has been written.
///
/// Files go to a temporary sibling folder first; then the old folder is moved aside, the new one moved
/// into place, and the old one deleted. A failure at any step leaves the previous output as it was.
/// Files the build no longer produces disappear with the old folder.
public struct OutputWriter: Sendable {
    /// A marker in every folder threatdoc writes, so it never replaces a folder it did not create.
    public static let marker = ".threatdoc-output"

    public var directory: String
    /// Test hook: fail after writing this many files, as a crash halfway would.
    var failAfter: Int?

    public init(directory: String) {
        self.directory = directory
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Replaces `directory` with exactly `files` (relative path → content), the `kept` files of the
    /// current folder (hard-linked, so neither read nor written; `keptText` gives their text if a link
    /// fails) and the marker.
    public func replace(with files: [String: String], keeping kept: Set<String> = [],
                        keptText: (String) -> String? = { _ in nil }) throws(Failure) {
        let manager = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        for path in Array(files.keys) + kept {
            let parts = path.split(separator: "/")
            guard !path.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
                throw Failure(description: "refusing to write outside the output folder: \(path)")
            }
        }
        if let attributes = try? manager.attributesOfItem(atPath: target.path) {
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                throw Failure(description: "\(directory) is a symbolic link; point --output at a real folder")
            }
            let contents = (try? manager.contentsOfDirectory(atPath: target.path)) ?? []
            if attributes[.type] as? FileAttributeType != .typeDirectory {
                throw Failure(description: "\(directory) exists and is not a folder")
            }
            if !contents.isEmpty, !contents.contains(Self.marker) {
                throw Failure(description: "\(directory) holds files threatdoc did not write (no \(Self.marker) marker); refusing to replace it")
            }
        }
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create \(parent.path): \(error.localizedDescription)")
        }
        let suffix = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(name).new-\(suffix)")
        let retired = parent.appendingPathComponent(".\(name).old-\(suffix)")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
            var written = 0
            for (path, content) in files.sorted(by: { $0.key < $1.key }) {
                if let failAfter, written >= failAfter { throw Failure(description: "simulated failure after \(written) files") }
                let url = staging.appendingPathComponent(path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(content.utf8).write(to: url, options: .withoutOverwriting)
                written += 1
            }
            for path in kept.sorted() where files[path] == nil {
                let url = staging.appendingPathComponent(path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                if link(target.appendingPathComponent(path).path, url.path) != 0 {
                    guard let text = keptText(path) else {
                        throw Failure(description: "could not keep \(path) from the previous output: \(String(cString: strerror(errno)))")
                    }
                    try Data(text.utf8).write(to: url, options: .withoutOverwriting)
                }
            }
            try Data("Written by threatdoc. The whole folder is replaced on every render.\n".utf8)
                .write(to: staging.appendingPathComponent(Self.marker), options: .withoutOverwriting)
        } catch {
            try? manager.removeItem(at: staging)
            throw Failure(description: "could not write the new output: \(error)")
        }
        let hadOld = manager.fileExists(atPath: target.path)
        do {
            if hadOld { try manager.moveItem(at: target, to: retired) }
        } catch {
            try? manager.removeItem(at: staging)
            throw Failure(description: "could not move the old output aside: \(error.localizedDescription)")
        }
        do {
            try manager.moveItem(at: staging, to: target)
        } catch {
            if hadOld { try? manager.moveItem(at: retired, to: target) }
            try? manager.removeItem(at: staging)
            throw Failure(description: "could not move the new output into place: \(error.localizedDescription)")
        }
        if hadOld { try? manager.removeItem(at: retired) }
    }
}
