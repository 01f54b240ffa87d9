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
}
