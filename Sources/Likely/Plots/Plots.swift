import Foundation

/// SVG plots of training and evaluation: each function takes plain data and returns a
/// complete SVG document as a string; `Plots.write(_:to:)` saves one atomically.
///
/// `docs/plots.md` describes each plot and how to read it.
public enum Plots {
    /// Writes `svg` to `path` atomically: the text goes to a temporary file in the same
    /// directory, which is then renamed over `path`, so a crash never leaves a half-written plot.
    /// - Throws: `PlotWriteError` naming the file when the directory is missing or not writable.
    public static func write(_ svg: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try Data(svg.utf8).write(to: temporary)
        } catch {
            throw PlotWriteError(path: path, reason: "cannot write into directory \(directory.path): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw PlotWriteError(path: path, reason: "cannot rename the temporary file into place: \(reason)")
        }
    }
}

/// A plot could not be saved; the message names the file and the cause.
public struct PlotWriteError: Error, CustomStringConvertible {
    /// The destination path.
    public let path: String
    /// What went wrong.
    public let reason: String
    /// "cannot save plot PATH: REASON".
    public var description: String { "cannot save plot \(path): \(reason)" }
}

extension Plots {
    /// The finite (x, y) pairs of two parallel arrays.
    static func finitePairs(_ xs: [Double], _ ys: [Double]) -> [(x: Double, y: Double)] {
        zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite }.map { (x: $0.0, y: $0.1) }
    }

    /// A two-decimal or three-decimal rendering for legends.
    static func format(_ v: Double, digits: Int = 3) -> String { String(format: "%.\(digits)f", v) }
}
