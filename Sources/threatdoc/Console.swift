import Foundation
import ThreatDocKit

/// One line to the terminal, with paths and messages escaped (see `TerminalText`); tabs stay, for
/// the tab-separated listings of `bench`.
enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((TerminalText.escape(line, keepingTabs: true) + "\n").utf8))
    }

    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((TerminalText.escape(line, keepingTabs: true) + "\n").utf8))
    }

    /// A folder as messages name it, without trailing slashes (`output`, not `output//`).
    static func folderName(_ path: String) -> String {
        var name = path
        while name.count > 1, name.hasSuffix("/") { name.removeLast() }
        return name
    }
}
