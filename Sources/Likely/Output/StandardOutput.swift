#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Checked writes to standard output, which carries only a command's results (progress goes
/// to `StandardError`). `FileHandle.write(_:)` traps when the write fails (a full disk, a
/// closed pipe); these throw an `OutputError.failed` naming standard output. A closed pipe
/// is an error here, not a signal, once `ignoreBrokenPipes()` has run.
package enum StandardOutput {
    /// Writes `text` at once (unbuffered), so results show up in logs and pipes as they happen.
    package static func write(_ text: String) throws {
        try OutputFile.writeAll(Data(text.utf8), to: STDOUT_FILENO, path: "standard output")
    }

    /// Whether standard output is a terminal.
    package static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Turns a write to a closed pipe (`likely fit … | head -1`) from SIGPIPE, which would end
    /// the process mid-save, into an `EPIPE` error that the writer reports after saving.
    package static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}

/// Best-effort writes to standard error: progress bars, epoch and trial lines, notes and
/// error messages. A failure there has nowhere to be reported and never stops the work.
package enum StandardError {
    /// Writes `text` at once (unbuffered); a failed write is ignored.
    package static func write(_ text: String) {
        try? OutputFile.writeAll(Data(text.utf8), to: STDERR_FILENO, path: "standard error")
    }

    /// Whether standard error is a terminal (where a progress bar is drawn instead of lines).
    package static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
