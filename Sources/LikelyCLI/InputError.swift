import Foundation

/// Bad input from the command line or a file: exit 2 with a message naming the argument,
/// file, row or field and what was expected.
struct InputError: Error, CustomStringConvertible {
    /// The whole message.
    var description: String

    init(_ description: String) { self.description = description }
}

/// Checked parsing of the list and range options the subcommands share.
enum OptionCheck {
    /// A seed: an integer in 0...2⁶⁴−1 (a negative number is named as such, not "missing").
    static func seed(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
            throw InputError("--seed must be an integer in 0...\(UInt64.max), got '\(text)'")
        }
        return value
    }

    /// Throws "`name` must be in a...b, got `value`" unless `range` holds `value`.
    static func require<T: Comparable>(_ value: T, in range: ClosedRange<T>, _ name: String) throws {
        guard range.contains(value) else {
            throw InputError("\(name) must be in \(number(range.lowerBound))...\(number(range.upperBound)), got \(value)")
        }
    }

    /// Throws "`name` must be in [a, b), got `value`" unless `range` holds `value` (NaN never).
    static func require<T: Comparable>(_ value: T, in range: Range<T>, _ name: String) throws {
        guard range.contains(value) else {
            throw InputError("\(name) must be in [\(number(range.lowerBound)), \(number(range.upperBound))), got \(value)")
        }
    }

    /// Throws "`name` must be ≥ a, got `value`" unless `range` holds `value` and it is
    /// finite (NaN and +∞ never).
    static func require<T: Comparable>(_ value: T, in range: PartialRangeFrom<T>, _ name: String) throws {
        guard range.contains(value), (value as? any BinaryFloatingPoint)?.isFinite ?? true else {
            throw InputError("\(name) must be ≥ \(number(range.lowerBound)), got \(value)")
        }
    }

    /// Throws "`name` must be a positive number, got `value`" unless `value` is finite and > 0.
    static func requirePositive<T: BinaryFloatingPoint>(_ value: T, _ name: String) throws {
        guard value > 0 && value.isFinite else { throw InputError("\(name) must be a positive number, got \(value)") }
    }

    /// A bound as messages write it: whole numbers without a fraction ("1", not "1.0").
    static func number<T>(_ bound: T) -> String {
        let real = (bound as? Float).map(Double.init) ?? bound as? Double
        if let real, let whole = Int(exactly: real) { return String(whole) }
        return "\(bound)"
    }

    /// Throws "`name` must be in (0, 1), got `value`" unless 0 < `value` < 1.
    static func requireOpenUnit(_ value: Double, _ name: String) throws {
        guard value > 0 && value < 1 else { throw InputError("\(name) must be in (0, 1), got \(value)") }
    }

    /// Comma-separated positive integers (`--hidden 50,50`); an empty string is an empty list.
    static func positiveIntegers(_ text: String, option: String, maximum: Int = 1_000_000) throws -> [Int] {
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = items.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { (1...maximum).contains($0) }
        guard values.count == items.count else {
            throw InputError("\(option) must be comma-separated integers in 1...\(maximum), got '\(text)'")
        }
        return values
    }

    /// Comma-separated non-empty names (`--features a,b`), without duplicates.
    static func names(_ text: String, option: String) throws -> [String] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
            throw InputError("\(option) must be comma-separated column names, got '\(text)'")
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw InputError("\(option) names column \"\(name)\" twice")
        }
        return names
    }

    /// A file or directory that must exist.
    static func existing(_ path: String, what: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError("\(path): no such \(what)")
        }
    }
}
