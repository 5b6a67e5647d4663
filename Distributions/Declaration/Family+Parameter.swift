extension Family {
    /// One parameter of a family, as torch's `arg_constraints` entry plus what a head needs.
    public struct Parameter: Sendable {
        /// The name in `likely dist` (`--total-count` for `total_count`) and its JSON output.
        public let name: String
        /// The values the parameter may take.
        public let constraint: Constraint
        /// The link from a raw network output to the parameter.
        public let link: Link
        /// Whether a head's scale link (`--scale-link exp|softplus`) replaces `link`.
        public let followsScaleLink: Bool
        /// How many raw outputs the parameter takes.
        public let width: Width
        /// What the parameter does to the observations (for target scaling and `likely dist`).
        public let role: Role
        /// The name under which `likely dist` takes the parameter's logit instead of its value
        /// (`--logits` for a Bernoulli's `--probs`), or nil.
        public let logitName: String?
        /// A few words for help texts ("the mean μ").
        public let summary: String

        /// - Parameters:
        ///   - name: lowercase, `_` between words.
        ///   - constraint: its domain.
        ///   - link: raw output → parameter; `.exp` gives the family the logarithm of the
        ///     parameter, `.sigmoid` and `.softmax` give it logits (the stable forms).
        ///   - followsScaleLink: a positive parameter whose link the head's scale link chooses.
        ///   - width: raw outputs per example.
        ///   - role: `.location`, `.scale`, ... (`.shape` when none applies).
        ///   - logitName: the `likely dist` name of the logit form.
        ///   - summary: for help texts.
        public init(_ name: String, _ constraint: Constraint, link: Link, followsScaleLink: Bool = false,
                    width: Width = .one, role: Role = .shape, logitName: String? = nil, summary: String) {
            self.name = name
            self.constraint = constraint
            self.link = link
            self.followsScaleLink = followsScaleLink
            self.width = width
            self.role = role
            self.logitName = logitName
            self.summary = summary
        }

        /// `loc`, the location μ of a location–scale family: any real, identity link.
        public static func location(_ summary: String, width: Width = .one) -> Parameter {
            Parameter("loc", .real, link: .identity, width: width, role: .location, summary: summary)
        }

        /// `scale`, the scale σ > 0 of a location–scale family, through the head's scale link.
        public static func scale(_ summary: String, width: Width = .one) -> Parameter {
            Parameter("scale", .positive, link: .exp, followsScaleLink: true, width: width, role: .scale, summary: summary)
        }

        /// The option name of `likely dist`: `total_count` → `total-count`.
        public var optionName: String { String(name.map { $0 == "_" ? "-" : $0 }) }
    }

    /// How many raw outputs a parameter takes.
    public enum Width: Sendable, Equatable {
        /// One number per example.
        case one
        /// K numbers per example, one per class (a categorical's logits).
        case perClass
        /// K numbers per example, one per mixture component.
        case perComponent

        /// The number of raw outputs for `classCount` classes and `components` components.
        public func count(classCount: Int, components: Int) -> Int {
            switch self {
            case .one: 1
            case .perClass: classCount
            case .perComponent: components
            }
        }
    }

    /// What a parameter does to the observations, so that code can transform a family without
    /// knowing it: a target standardized as z = (y − a)/b has location a + b·loc and scale
    /// b·scale; `likely dist` evaluates the member with unit location and scale.
    public enum Role: Sendable, Equatable {
        /// Shifts the observations (μ of a Normal).
        case location
        /// Stretches the observations (σ of a Normal).
        case scale
        /// 1/scale (the rate of a Gamma).
        case inverseScale
        /// Shifts ln X (μ of a log-normal).
        case logLocation
        /// The logit of a class probability: a head divides it by its temperature.
        case classScore
        /// None of these.
        case shape
    }
}
