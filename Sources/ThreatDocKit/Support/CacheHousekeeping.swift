import Foundation

/// Keeps the cache folder from growing without end. Every entry a render uses is marked (its
/// modification time set to now); after a render, at most once a day, entries unused for 30 days
/// are removed. The cache only saves time: anything removed is simply made again when needed.
public enum CacheHousekeeping {
    public static let maxAgeDays = 30
    /// The folders under the cache that hold entries: parsed models, layouts, pages, output manifests.
    static let entryFolders = ["models", "layouts", "pages", "outputs"]
    static let marker = ".last-pruned"

    /// Marks the entry at `path` as used now.
    static func markUsed(_ path: String) {
        _ = utimes(path, nil)
    }

    /// Removes old entries if the last pruning was more than a day ago; returns how many it removed.
    @discardableResult
    public static func pruneIfDue(_ directory: String, now: Date = Date()) -> Int {
        let markerPath = "\(directory)/\(marker)"
        if let last = FileStatus(path: markerPath)?.modificationDate, now.timeIntervalSince(last) < 86_400 { return 0 }
        let removed = prune(directory, now: now)
        _ = FileManager.default.createFile(atPath: markerPath, contents: nil)
        return removed
    }

    /// Removes every entry not used for `maxAgeDays`; returns how many it removed.
    @discardableResult
    public static func prune(_ directory: String, now: Date = Date()) -> Int {
        let cutoff = now.addingTimeInterval(-Double(maxAgeDays) * 86_400)
        var removed = 0
        for folder in entryFolders {
            let path = "\(directory)/\(folder)"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                let entry = "\(path)/\(name)"
                if let used = FileStatus(path: entry)?.modificationDate, used < cutoff, unlink(entry) == 0 { removed += 1 }
            }
        }
        return removed
    }
}
