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

/// `--split train|test`: which IDX or CIFAR files to read.
extension MNISTSplit: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--label fine|coarse`: CIFAR-100's target.
extension CIFARLabel: ExpressibleByArgument {
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

/// `--hidden` of fit (and so of tune and benchmark) and summary: the hidden layer sizes of mlp.
struct HiddenLayers: ParsableArguments {
    @Option(name: .customLong("hidden"), help: "Hidden layer sizes of mlp: comma-separated positive integers (an empty string: none).")
    var layers = LayerSizes(FitDefaults.hidden)

    /// The sizes, from the input side.
    var sizes: [Int] { layers.sizes }
}

/// `--features a,b`, `--categorical`, `--class-names`: comma-separated non-empty names
/// without duplicates, parsed once (`parser` names the option in its messages).
struct ColumnNames: ExpressibleByArgument, CustomStringConvertible {
    var names: [String]

    var description: String { names.joined(separator: ",") }

    init?(argument: String) {
        guard let names = try? OptionCheck.names(argument, option: "names") else { return nil }
        self.names = names
    }

    init(_ text: String, option: String) throws { names = try OptionCheck.names(text, option: option) }

    /// The transform of option `option`: its messages name it.
    static func parser(_ option: String) -> @Sendable (String) throws -> ColumnNames {
        { try ColumnNames($0, option: option) }
    }
}

/// `--augment flip,shift=2`: the pipeline, parsed once.
extension AugmentationPipeline: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument, argument: "--augment") }
}

/// `--search dropout,lr`: the options `likely tune` searches, parsed once.
struct SearchedOptions: ExpressibleByArgument, CustomStringConvertible {
    var dimensions: Set<TuneSpace.Dimension>

    /// The options in a fixed order ("dropout,lr").
    var description: String { dimensions.map(\.rawValue).sorted().joined(separator: ",") }

    init(dimensions: Set<TuneSpace.Dimension>) { self.dimensions = dimensions }

    init?(argument: String) { try? self.init(argument) }

    init(_ text: String) throws {
        let names = try OptionCheck.names(text, option: "--search")
        dimensions = Set(try names.map { name in
            guard let d = TuneSpace.Dimension(rawValue: name.lowercased()) else {
                let known = TuneSpace.Dimension.allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError("--search: unknown option '\(name)'; expected some of \(known)")
            }
            return d
        })
    }
}

/// `--structure last-layer|full|kfac|ekfac|diagonal` and `fit --laplace`.
extension LaplaceStructure: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--prior-precision auto|auto-per-layer|weight-norm|gridsearch|X` (X > 0).
extension PriorPrecision: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }

    public static var allValueStrings: [String] { ["auto", "auto-per-layer", "weight-norm", "gridsearch", "X > 0"] }

    public var defaultValueDescription: String { description }
}
