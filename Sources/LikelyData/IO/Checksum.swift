import Foundation

/// A 64-bit FNV-1a checksum over bytes, for telling whether two files or two data sets
/// hold the same values (torn or swapped state files), not for security.
///
/// h₀ = 14695981039346656037; for each byte b: h ← (h ⊕ b) · 1099511628211 (mod 2⁶⁴).
/// Feeding bytes in several pieces gives the checksum of their concatenation.
public struct Checksum: Sendable {
    /// The running value h.
    public private(set) var value: UInt64 = 14_695_981_039_346_656_037

    /// The checksum of no bytes (FNV-1a's offset basis).
    public init() {}

    /// Adds `bytes` (in order) to the checksum.
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        value = h
    }

    /// Adds the bytes of `data`.
    public mutating func add(_ data: Data) { data.withUnsafeBytes { add($0) } }

    /// Adds the UTF-8 bytes of `text`, then a 0 byte (so "ab","c" and "a","bc" differ).
    public mutating func add(_ text: String) {
        add(Data(text.utf8))
        add(Data([0]))
    }

    /// Adds the float32 bits of `values` as stored (little endian on every platform Likely runs on).
    public mutating func add(_ values: [Float]) {
        values.withUnsafeBytes { add($0) }
    }

    /// The value as 16 lowercase hexadecimal digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The checksum of `data` alone, as 16 hexadecimal digits.
    public static func hex(of data: Data) -> String {
        var c = Checksum()
        c.add(data)
        return c.hex
    }
}
