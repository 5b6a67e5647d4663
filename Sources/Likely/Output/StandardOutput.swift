#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Checked writes to standard output. `FileHandle.write(_:)` traps when the write fails (a
/// full disk, a closed pipe); these throw an `OutputError.failed` naming standard output.
public enum StandardOutput {
    /// Writes `text` at once (unbuffered), so progress shows up in logs and pipes as it happens.
    public static func write(_ text: String) throws {
        try OutputFile.writeAll(Data(text.utf8), to: STDOUT_FILENO, path: "standard output")
    }

    /// Whether standard output is a terminal.
    public static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
