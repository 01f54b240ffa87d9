import Crypto
import Foundation

/// SHA-256 digests for cache keys: a key names everything that shapes an entry, and a collision would
/// serve one model's page for another, so keys are cryptographic, never a fast hash.
public struct Digest {
    private var hasher = SHA256()

    public init() {}

    /// Adds one field. Each field is length-prefixed, so ("ab", "c") and ("a", "bc") differ.
    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(bytes: $0) }
    }

    public mutating func add<Bytes: ContiguousBytes>(bytes: Bytes) {
        bytes.withUnsafeBytes { buffer in
            var length = UInt64(buffer.count).littleEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(bufferPointer: buffer)
        }
    }

    /// The digest as 64 lowercase hex characters.
    public var hex: String {
        Self.hex(hasher.finalize())
    }

    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex SHA-256 of some fields.
    public static func of(_ fields: String...) -> String {
        var digest = Digest()
        for field in fields { digest.add(field) }
        return digest.hex
    }

    /// The hex SHA-256 of raw bytes (a file's content).
    public static func ofBytes<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String {
        bytes.withUnsafeBytes { Self.hex(SHA256.hash(data: $0)) }
    }
}
