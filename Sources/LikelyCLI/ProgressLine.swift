import Foundation
import Likely

/// The progress of a long command on standard error: `evaluate: crps (4 s)`, each time the
/// work moves on to its next part once 2 s or more have passed since the last line (or the
/// start), so a quick run prints nothing. Silent when disabled (`--quiet`, or not rank 0).
final class ProgressLine {
    private let command: String
    private let enabled: Bool
    private let start = Date()
    private var last = Date()

    /// - Parameters:
    ///   - command: the name that starts each line.
    ///   - enabled: whether to print at all.
    init(_ command: String, enabled: Bool) {
        (self.command, self.enabled) = (command, enabled)
    }

    /// Says that `part` of the work starts, if 2 s have passed since the last line.
    func note(_ part: String) {
        let now = Date()
        guard enabled, now.timeIntervalSince(last) >= 2 else { return }
        last = now
        say("\(command): \(part) (\(Int(now.timeIntervalSince(start).rounded())) s)")
    }
}
