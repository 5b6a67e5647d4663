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
