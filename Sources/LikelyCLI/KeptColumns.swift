import ArgumentParser

/// Input columns copied into an output table before its own columns (`--keep`: identifiers).
enum KeptColumns {
    /// The CSV text of `lines` (a header, then one line per input) with the `kept` columns'
    /// `cells` (one array per input) put first.
    /// - Throws: `InputError` when a kept column has the name of an output column.
    static func prepend(_ kept: [String], cells: [[String]], to lines: [String]) throws -> String {
        guard !kept.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        let header = lines[0].split(separator: ",").map(String.init)
        if let clash = kept.first(where: header.contains) {
            throw InputError("--keep \(clash): the output already has a column named \"\(clash)\"")
        }
        precondition(cells.count == lines.count - 1, "\(cells.count) kept rows for \(lines.count - 1) output rows")
        var out = lines
        out[0] = (kept.map(csvField) + [lines[0]]).joined(separator: ",")
        for r in cells.indices { out[r + 1] = (cells[r].map(csvField) + [lines[r + 1]]).joined(separator: ",") }
        return out.joined(separator: "\n") + "\n"
    }
}

/// `--out` and `--keep` of the commands that write one CSV row per input (predict, sample).
struct TableOutput: ParsableArguments {
    @Option(help: "The CSV file to write (default: standard output).")
    var out: String?

    @Option(help: "CSV input columns to copy into the output before its own columns (identifiers), comma-separated.")
    var keep: String?

    /// The column names of `--keep`, checked; none without it.
    func keptColumns() throws -> [String] { try keep.map { try OptionCheck.names($0, option: "--keep") } ?? [] }

    /// Checks that `--out` is none of the command's inputs (`paths`) nor inside them.
    func checkOut(_ paths: OutputPaths) throws {
        if let out { try paths.checkFile(out, option: "--out", allowStream: true) }
    }
}
