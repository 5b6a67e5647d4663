import ArgumentParser
import Likely

// The CLI options that are modes, as `ExpressibleByArgument` values: ArgumentParser validates
// them, lists the choices in help and completes them in the shell. Names are matched without
// regard to case.

/// `--family NAME`: any declared family, by its name (`Family.allCases`).
extension Family: ExpressibleByArgument {
    public init?(argument: String) { self.init(named: argument) }

    public static var allValueStrings: [String] { allCases.map(\.name) }
}

/// `--scale-link exp|softplus`.
extension ScaleLink: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--arch mlp|seed-cnn|...` and the ARCH of `likely summary`.
extension Architecture: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--split train|test`: which IDX files to read.
extension MNISTSplit: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--optimizer adam|sgd|rmsprop|adagrad`.
extension OptimizerName: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--hidden 50,50`: the sizes of the hidden layers, comma-separated positive integers each at
/// most 1,000,000; an empty string is no hidden layer.
struct LayerSizes: ExpressibleByArgument, CustomStringConvertible {
    var sizes: [Int]

    init(_ sizes: [Int]) { self.sizes = sizes }

    init?(argument: String) {
        guard let sizes = try? OptionCheck.positiveIntegers(argument, option: "--hidden") else { return nil }
        self.sizes = sizes
    }

    var description: String { sizes.map(String.init).joined(separator: ",") }

    var defaultValueDescription: String { description }
}
