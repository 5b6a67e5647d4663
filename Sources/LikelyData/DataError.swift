/// The one error every reader in `LikelyData` throws for bad input from outside.
///
/// Its `description` always starts with the file, then the place (row, column, field or
/// byte offset) where that applies, then what was found and what was expected, for example
/// `data.csv: row 3 (line 4), column "price": "abc" is not a number`.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file, directory or command-line argument the problem is in, as the user named it.
    public let source: String
    /// Where in the source, when that applies: `row 3 (line 4), column "price"`, `header`,
    /// `field "shape"`; `nil` for problems with the file as a whole.
    public let location: String?
    /// What is wrong and what was expected.
    public let problem: String

    /// - Parameters:
    ///   - source: the path of the offending file or directory (or the argument's name).
    ///   - location: the row, column or field, if the problem has one.
    ///   - problem: what was found and what was expected.
    public init(source: String, location: String? = nil, problem: String) {
        self.source = source
        self.location = location
        self.problem = problem
    }

    /// `source: location: problem`, or `source: problem` without a location.
    public var description: String {
        if let location { return "\(source): \(location): \(problem)" }
        return "\(source): \(problem)"
    }
}
