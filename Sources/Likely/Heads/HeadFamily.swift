/// The distribution family a head predicts, named as on the command line (`--family`).
public enum HeadFamily: String, Codable, CaseIterable, Sendable {
    case normal
    case studentT = "studentt"
    case laplace
    case logNormal = "lognormal"
    case gamma
    case poisson
    case negativeBinomial = "negbinomial"
    case zeroInflatedPoisson = "zip"
    case bernoulli
    case categorical
    /// A mixture density network: K Normal components with softmax weights.
    case normalMixture = "mdn"

    /// What the target is.
    public var task: Task {
        switch self {
        case .normal, .studentT, .laplace, .logNormal, .gamma, .normalMixture: .regression
        case .poisson, .negativeBinomial, .zeroInflatedPoisson: .counts
        case .bernoulli: .binary
        case .categorical: .classification
        }
    }

    /// Families whose location and scale follow an affine change of the target, so the
    /// target can be standardized for training and every number reported in original units.
    public var isLocationScale: Bool {
        self == .normal || self == .studentT || self == .laplace || self == .normalMixture
    }

    /// The kinds of target.
    public enum Task: String, Codable, Sendable {
        /// A real-valued target.
        case regression
        /// A non-negative integer target.
        case counts
        /// A 0/1 target.
        case binary
        /// A class index in 0..<K.
        case classification

        /// Whether the predictive is a distribution over classes (reported as probabilities).
        public var isClassification: Bool { self == .binary || self == .classification }
    }
}

/// The link that maps a raw output to a positive scale-like parameter.
public enum ScaleLink: String, Codable, CaseIterable, Sendable {
    /// σ = eʳ; the log-density then uses r = ln σ directly.
    case exp
    /// σ = softplus(r) + 1e-6: grows linearly rather than exponentially in r.
    case softplus

    /// The Distributions module's link.
    public var link: Link { self == .exp ? .exp : .softplus }
}

/// The affine map from the standardized target a network is trained on to the original
/// units: y = mean + standardDeviation · z.
public struct TargetScaling: Codable, Equatable, Sendable {
    public var mean: Float
    public var standardDeviation: Float

    public init(mean: Float, standardDeviation: Float) {
        precondition(standardDeviation > 0 && standardDeviation.isFinite,
                     "target scaling needs a positive standard deviation, got \(standardDeviation)")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Fitted on training targets; a constant target keeps a standard deviation of 1.
    public init(fitting targets: Tensor) {
        let n = Double(max(targets.count, 1))
        let mean = targets.scalars.reduce(0.0) { $0 + Double($1) } / n
        let variance = targets.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let sd = variance.squareRoot()
        self.init(mean: Float(mean), standardDeviation: sd > 1e-12 ? Float(sd) : 1)
    }

    /// z = (y − mean) / standardDeviation.
    public func standardize(_ y: Tensor) -> Tensor { (y - mean) / standardDeviation }
}
