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
    /// Throws "`name` must be `expected`, got `value`" unless `valid`.
    static func require<T>(_ valid: Bool, _ name: String, _ expected: String, got value: T) throws {
        guard valid else { throw InputError("\(name) must be \(expected), got \(value)") }
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

/// Writes text to a file atomically, naming the file when that fails.
func writeText(_ text: String, to path: String, option: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
        throw InputError("\(option) \(path): cannot write the file (\(error.localizedDescription))")
    }
}

/// Creates a directory for outputs (`--plots`, `--out`), naming it when that fails.
func makeDirectory(_ path: String, option: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw InputError("\(option) \(path): exists and is not a directory") }
        return
    }
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw InputError("\(option) \(path): cannot create the directory (\(error.localizedDescription))")
    }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints a line to standard output at once (unbuffered), so progress shows up in logs and
/// pipes as it happens.
func say(_ text: String = "") {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
