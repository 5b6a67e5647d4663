import Foundation

/// SVG plots of training and evaluation: each function takes plain data and returns a
/// complete SVG document as a string; `Plots.write(_:to:)` saves one atomically.
///
/// `docs/plots.md` describes each plot and how to read it.
public enum Plots {
    /// Writes `svg` to `path` atomically (see `OutputFile`): a crash never leaves a
    /// half-written plot, and nothing but a regular file is replaced.
    /// - Throws: `OutputError` naming the file.
    public static func write(_ svg: String, to path: String) throws {
        try OutputFile.write(Data(svg.utf8), to: path)
    }
}

extension Plots {
    /// The finite (x, y) pairs of two parallel arrays.
    static func finitePairs(_ xs: [Double], _ ys: [Double]) -> [(x: Double, y: Double)] {
        zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite }.map { (x: $0.0, y: $0.1) }
    }

    /// A two-decimal or three-decimal rendering for legends.
    static func format(_ v: Double, digits: Int = 3) -> String { String(format: "%.\(digits)f", v) }
}
