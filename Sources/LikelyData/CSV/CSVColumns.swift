/// Which columns of a CSV file are read, and in what role: the one place the header row is
/// interpreted (names, uniqueness, the target column and the feature columns).
struct CSVColumns {
    /// Every column name of the header, trimmed, in file order.
    let names: [String]
    /// The target's column index, or `nil` when no target is read.
    let target: Int?
    /// The feature columns' indices, in the order of the table's features.
    let features: [Int]

    /// - Throws: `DataError` for duplicate names, an unknown target or feature column, a
    ///   column that is both target and feature, or no column left for a default target.
    init(header: CSVRecord, path: String, options: CSVOptions) throws {
        let names = header.fields.map { $0.trimmingSpaces }
        var columnOf: [String: Int] = [:]
        for (c, name) in names.enumerated() {
            if let earlier = columnOf[name] {
                throw DataError(source: path, location: "header",
                                problem: "column name \"\(name)\" appears twice (columns \(earlier + 1) and \(c + 1)); names must be unique")
            }
            columnOf[name] = c
        }
        func column(_ name: String, role: String) throws -> Int {
            guard let c = columnOf[name] else {
                let known = names.map { "\"\($0)\"" }.joined(separator: ", ")
                throw DataError(source: path, location: "header",
                                problem: "no \(role) column named \"\(name)\"; the columns are \(known)")
            }
            return c
        }
        let wanted = try options.features.map { try $0.map { try column($0, role: "feature") } }
        var target = try options.target.map { try column($0, role: "target") }
        if target == nil && options.targetDefaultsToLastColumn {
            guard let last = names.indices.last(where: { !(wanted ?? []).contains($0) }), !names[last].isEmpty else {
                throw DataError(source: path, location: "header",
                                problem: "no column is left for the target once the features are taken; name the target column")
            }
            target = last
        }
        if let t = target, let wanted, wanted.contains(t) {
            throw DataError(source: path, location: "header", problem: "column \"\(names[t])\" is both the target and a feature")
        }
        self.names = names
        self.target = target
        self.features = wanted ?? names.indices.filter { $0 != target }
    }

    /// "column \"name\"" for messages.
    func describe(_ column: Int) -> String { "column \"\(names[column])\"" }
}
