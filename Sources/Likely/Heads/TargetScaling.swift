/// The affine map from the standardized target a network is trained on to the original
/// units: y = mean + standardDeviation · z. For positive families (log-normal, gamma) the mean
/// is 0 and the map is a change of units y = b·z with b = `standardDeviation`
/// (`init(scaleFitting:)`).
public struct TargetScaling: Codable, Equatable, Sendable {
    /// m, the training targets' mean (0 for the positive families).
    public var mean: Float
    /// s > 0, their standard deviation (the training mean for the positive families).
    public var standardDeviation: Float

    /// y = mean + standardDeviation · z; the standard deviation must be positive and finite.
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

    /// For a positive target: mean 0 and standardDeviation b = the mean of the targets (1 if
    /// it is not positive and finite), so the network sees targets of order 1. Targets of 3·10⁵
    /// (prices) otherwise leave a log-normal or gamma head far from its initial outputs.
    public init(scaleFitting targets: Tensor) {
        let n = Double(max(targets.count, 1))
        let mean = targets.scalars.reduce(0.0) { $0 + Double($1) } / n
        let b = Float(mean)
        self.init(mean: 0, standardDeviation: b > 0 && b.isFinite ? b : 1)
    }

    /// z = (y − mean) / standardDeviation.
    public func standardize(_ y: Tensor) -> Tensor { (y - mean) / standardDeviation }
}
