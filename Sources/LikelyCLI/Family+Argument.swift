import ArgumentParser
import Likely

/// `--family NAME`: any declared family, by its name (`Family.allCases`); ArgumentParser
/// lists the names in help and completion and rejects others.
extension Family: ExpressibleByArgument {
    public init?(argument: String) { self.init(named: argument) }

    public static var allValueStrings: [String] { allCases.map(\.name) }
}
