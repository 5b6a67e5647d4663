import Foundation

/// A one-line progress bar on a terminal: epoch, batch, running loss and time left. It is
/// drawn on standard error, so that standard output carries only results; silent when
/// disabled or when standard error is not a terminal.
public struct ProgressBar {
    private let enabled: Bool
    private let epochs: Int
    private let batchesPerEpoch: Int
    private let start = Date()
    private var lastDraw = Date.distantPast

    /// - Parameters:
    ///   - epochs: the number of epochs planned.
    ///   - batchesPerEpoch: mini-batches in one epoch.
    ///   - enabled: `false` for `--quiet`; a non-terminal standard error disables it too.
    public init(epochs: Int, batchesPerEpoch: Int, enabled: Bool) {
        self.enabled = enabled && StandardError.isTerminal
        self.epochs = epochs
        self.batchesPerEpoch = max(batchesPerEpoch, 1)
    }

    /// Redraws the bar (at most ten times a second).
    public mutating func update(epoch: Int, batch: Int, loss: Double) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || batch == batchesPerEpoch else { return }
        lastDraw = Date()
        let done = Double((epoch - 1) * batchesPerEpoch + batch) / Double(epochs * batchesPerEpoch)
        let elapsed = Date().timeIntervalSince(start)
        let left = done > 0 ? elapsed * (1 - done) / done : 0
        let width = 24, filled = Int(Double(width) * Double(batch) / Double(batchesPerEpoch))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let line = String(format: "\repoch %d/%d [%@] batch %d/%d  loss %.4f  %@ left ",
                          epoch, epochs, bar, batch, batchesPerEpoch, loss, Self.format(seconds: left))
        StandardError.write(line)
    }

    /// Ends the bar's line with a summary of the epoch.
    public func finishEpoch(_ summary: String) {
        guard enabled else { return }
        StandardError.write("\r\u{1B}[K\(summary)\n")
    }

    static func format(seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
