import Foundation

/// The text of one model file, with a line table that counts lines the way editors do.
///
/// libyaml also breaks lines at U+0085, U+2028 and U+2029, so its line numbers drift from what an
/// editor or GitHub shows. Locations are therefore computed here from libyaml's character offsets.
public struct SourceFile: Sendable {
    /// The path as the user gave it.
    public let path: String
    /// UTF-8 text without a byte-order mark.
    public let text: String
    /// Number of bytes dropped from the front (a UTF-8 byte-order mark).
    public let bomLength: Int
    /// Unicode-scalar offset at which each line starts.
    private let lineStartScalars: [Int]
    /// UTF-8 byte offset (into `text`) at which each line starts.
    private let lineStartBytes: [Int]

    public enum DecodingError: Error, Equatable {
        /// Byte offset into the file of the first byte that is not UTF-8.
        case invalidUTF8(byteOffset: Int)
    }

    /// Decodes `bytes` as strict UTF-8, reporting the first invalid byte's offset.
    public init(path: String, bytes: [UInt8]) throws(DecodingError) {
        self.path = path
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let start = bytes.starts(with: bom) ? 3 : 0
        bomLength = start
        let body = bytes[start...]

        var starts = [0], byteStarts = [0]
        var scalarIndex = 0, byteIndex = 0
        var previousWasCR = false
        // ASCII is handled byte by byte; a byte of 0x80 or more starts a sequence that a UTF-8 parser
        // reads and checks.
        let count = body.count
        let base = body.startIndex
        while byteIndex < count {
            let byte = body[base + byteIndex]
            var width = 1
            if byte >= 0x80 {
                var iterator = body[(base + byteIndex)...].makeIterator()
                var parser = Unicode.UTF8.ForwardParser()
                switch parser.parseScalar(from: &iterator) {
                case .valid(let encoded): width = encoded.count
                case .error, .emptyInput: throw .invalidUTF8(byteOffset: start + byteIndex)
                }
            }
            scalarIndex += 1
            byteIndex += width
            if byte == 0x0A {
                if previousWasCR {
                    // "\r\n" is one break: move the start recorded after "\r" past "\n".
                    starts[starts.count - 1] = scalarIndex
                    byteStarts[byteStarts.count - 1] = byteIndex
                } else {
                    starts.append(scalarIndex)
                    byteStarts.append(byteIndex)
                }
                previousWasCR = false
            } else if byte == 0x0D {
                starts.append(scalarIndex)
                byteStarts.append(byteIndex)
                previousWasCR = true
            } else {
                previousWasCR = false
            }
        }
        lineStartScalars = starts
        lineStartBytes = byteStarts
        text = String(decoding: body, as: UTF8.self)
    }

    /// Builds a source file from text already in memory (tests, inline models).
    public init(path: String, text: String) {
        // A Swift String is valid Unicode, so this cannot throw.
        self = try! SourceFile(path: path, bytes: Array(text.utf8))
    }

    public var lineCount: Int { lineStartScalars.count }

    /// The location of a Unicode-scalar offset into `text`, such as libyaml's `mark.index`.
    public func location(scalarOffset: Int, length: Int? = nil) -> SourceLocation {
        let line = Self.lineIndex(containing: scalarOffset, in: lineStartScalars)
        return SourceLocation(
            file: path, line: line + 1, column: scalarOffset - lineStartScalars[line] + 1, length: length)
    }

    /// The location of a byte offset into the file as read (including any byte-order mark).
    public func location(byteOffset fileOffset: Int) -> SourceLocation {
        let offset = max(0, fileOffset - bomLength)
        let line = Self.lineIndex(containing: offset, in: lineStartBytes)
        let utf8 = text.utf8
        let lineStart = utf8.index(utf8.startIndex, offsetBy: lineStartBytes[line])
        let end = utf8.index(lineStart, offsetBy: offset - lineStartBytes[line], limitedBy: utf8.endIndex) ?? utf8.endIndex
        let column = text.unicodeScalars[lineStart..<end].count + 1
        return SourceLocation(file: path, line: line + 1, column: column)
    }

    /// The text of a 1-based line, without its line break.
    public func lineText(_ line: Int) -> String? {
        guard line >= 1, line <= lineStartBytes.count else { return nil }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: lineStartBytes[line - 1])
        let end = line < lineStartBytes.count
            ? utf8.index(utf8.startIndex, offsetBy: lineStartBytes[line])
            : utf8.endIndex
        var scalars = text.unicodeScalars[start..<end]
        if scalars.last == "\n" { scalars = scalars.dropLast() }
        if scalars.last == "\r" { scalars = scalars.dropLast() }
        return String(scalars)
    }

    private static func lineIndex(containing offset: Int, in starts: [Int]) -> Int {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
