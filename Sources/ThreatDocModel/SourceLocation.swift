import Foundation

/// A position in a model file, as editors and GitHub count it: 1-based lines split at
/// `\n`, `\r\n` or `\r` only, and 1-based columns counted in Unicode scalars.
public struct SourceLocation: Hashable, Sendable, Comparable, Codable {
    /// The path as the user gave it (relative paths stay relative).
    public var file: String
    public var line: Int
    public var column: Int
    /// Width of the marked text on its line, in Unicode scalars, when known.
    public var length: Int?

    public init(file: String, line: Int, column: Int, length: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.length = length
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A value together with the place it was written.
public struct Located<Value> {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

extension Located: Sendable where Value: Sendable {}
extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}
