import Foundation

/// A head joins a network's raw outputs to a distribution family through links.
///
/// The network's last layer has `rawOutputCount` units; for a batch of raw outputs
/// `[N, rawOutputCount]`, `distribution(_:)` gives one distribution per row, of batch shape
/// `[N]`. The loss of every model is the same generic expression,
///
///     NLL = −(1/N) Σᵢ ln p(yᵢ | θ(xᵢ)),
///
/// computed by each family's `logProb` from the raw outputs where that is stabler (an
/// exp-scale Normal from ln σ, Bernoulli and Categorical from logits, Poisson from log-rate).
///
/// Everything here is read from the family's declaration (`Family`, in
/// `Distributions/Families/`): the raw outputs are the declared parameters in order, each
/// taking its width (1, K classes or K components) and passing through its link (the head's
/// `scaleLink` for the parameters that follow it). A link's stable form goes to the family
/// as such: ln θ for exp, the logits for sigmoid and softmax.
public struct Head: Codable, Equatable, Sendable {
    /// The family predicted.
    public var family: Family
    /// The link for the positive parameters that declare `followsScaleLink`.
    public var scaleLink: ScaleLink
    /// The number of classes (per-class parameters: categorical).
    public var classCount: Int
    /// The number of mixture components (per-component parameters: mdn).
    public var components: Int
    /// T of temperature scaling for Bernoulli and Categorical heads: the logits are divided by
    /// T (1: none). Fitted after training by `ProbabilisticModel.calibrateTemperature(on:)`.
    public var temperature: Float = 1
    /// T of the predictive the temperature was fitted for (0: the network alone, > 0: MC
    /// dropout with T passes); nil when none was fitted, or in files from before it was
    /// recorded. The temperature is valid for that predictive only.
    public var temperatureMcSamples: Int?
    /// The uncertainty method of the predictive the temperature was fitted for (`network`,
    /// `dropout`, `laplace`); nil when none was fitted, or in files from before it was
    /// recorded (then `network` for T = 0 and `dropout` for T > 0).
    public var temperaturePredictive: String?

    /// The predictive (method name and T) the temperature belongs to, nil when none was fitted.
    public var temperatureFittedFor: (method: String, mcSamples: Int)? {
        temperatureMcSamples.map { (temperaturePredictive ?? ConformalCalibration.predictiveName(mcSamples: $0), $0) }
    }

    /// - Parameters:
    ///   - family: the distribution predicted.
    ///   - scaleLink: exp (default) or softplus for positive parameters.
    ///   - classCount: K for a categorical head, in 2...`Dataset.maximumClassCount`.
    ///   - components: K for a mixture-density head (≥ 1).
    public init(_ family: Family, scaleLink: ScaleLink = .exp, classCount: Int = 2, components: Int = 3) {
        precondition((2...Dataset.maximumClassCount).contains(classCount),
                     "a categorical head needs 2...\(Dataset.maximumClassCount) classes (a model file holds no more), got \(classCount)")
        precondition(components >= 1, "a mixture-density head needs at least 1 component, got \(components)")
        self.family = family
        self.scaleLink = scaleLink
        self.classCount = classCount
        self.components = components
    }

    /// How many raw outputs per example the network must produce: the sum of the declared
    /// parameters' widths.
    public var rawOutputCount: Int { family.rawOutputCount(classCount: classCount, components: components) }

    /// The distributions for a batch of raw outputs `[N, rawOutputCount]`, one per row.
    /// - Parameters:
    ///   - raw: the network's outputs.
    ///   - scaling: for location-scale families trained on a standardized target, the map
    ///     back to original units; the distribution is then over the original target.
    public func distribution(_ raw: Tensor, scaling: TargetScaling? = nil) -> any UnivariateDistribution {
        precondition(raw.rank == 2 && raw.shape[1] == rawOutputCount,
                     "\(family.name) head needs raw outputs [N, \(rawOutputCount)], got \(raw.shape)")
        let scaling = family.isLocationScale || family.isPositiveScale ? scaling : nil
        var values = ParameterValues()
        for (parameter, columns) in parameterColumns(raw) {
            values[parameter.name] = value(of: parameter, raw: columns, scaling: scaling)
        }
        return family.build(values)
    }

    /// Each declared parameter with its raw outputs: `[N]` for one number per example, else
    /// `[N, width]`, taken from `raw` `[N, rawOutputCount]` in declaration order.
    func parameterColumns(_ raw: Tensor) -> [(Family.Parameter, Tensor)] {
        var start = 0
        return family.parameters.map { parameter in
            let width = parameter.width.count(classCount: classCount, components: components)
            defer { start += width }
            let columns = parameter.width == .one
                ? raw.slice(alongAxis: 1, start..<(start + 1)).reshaped(to: [raw.shape[0]])
                : raw.slice(alongAxis: 1, start..<(start + width))
            return (parameter, columns)
        }
    }

    /// The first raw output that is not finite, or parameter value outside its declared
    /// constraint (an exp link underflows to 0, outside > 0; a sigmoid parameter in [0, 1) never
    /// reaches 1, its logit being capped), as a
    /// `TrainingError` at `epoch` and `batch`; `nil` when the distribution can be built.
    func invalidOutput(_ raw: Tensor, epoch: Int, batch: Int) -> TrainingError? {
        if let bad = raw.scalars.first(where: { !$0.isFinite }) {
            return TrainingError(epoch: epoch, batch: batch, quantity: "raw output of the \(family.name) head", value: bad)
        }
        return withoutGradients {
            for (parameter, columns) in parameterColumns(raw) {
                let values = value(of: parameter, raw: columns, scaling: nil).value
                // An overflowing link's +∞ (−∞ for a location) is left to the loss check: the families accept it.
                if let bad = values.scalars.first(where: { !parameter.constraint.admits($0) }) {
                    return TrainingError(epoch: epoch, batch: batch, quantity: "\(family.name) parameter \(parameter.name)",
                                         value: bad, expectation: parameter.constraint.expectation)
                }
            }
            return nil
        }
    }

    /// The largest logit ℓ a sigmoid parameter in [0, 1) (the negative binomial's p) takes:
    /// σ(ℓ) rounds to 1 in float32 from ℓ ≈ 16.6 on, outside the domain, and a network can get
    /// there on its way (a count far above the predicted mean pushes r down and ℓ up), so ℓ is
    /// capped at 15, σ(15) = 1 − 3.1·10⁻⁷, where dp/dℓ ≈ 3·10⁻⁷ already moves p by nothing.
    /// Beyond it the gradient in ℓ is 0; the mean r·e^ℓ still follows r.
    static let largestHalfOpenLogit: Float = 15

    /// One parameter from its raw outputs r: link(r), then for a standardized target
    /// y = a + b·z a location a + b·link(r) and a scale b·link(r) (ln b + r for an exp
    /// link), a rate link(r)/b (r − ln b) and a log-location ln b + link(r); a class score r/T;
    /// for a sigmoid parameter in [0, 1), the logit capped at `largestHalfOpenLogit`.
    func value(of parameter: Family.Parameter, raw r: Tensor, scaling: TargetScaling?) -> ParameterValues.Value {
        let link = parameter.followsScaleLink ? scaleLink.link : parameter.link
        let role = parameter.role
        let stretch = scaling?.standardDeviation ?? 1, shift = scaling?.mean ?? 0
        switch link {
        case .exp:
            let logStretch = Float(Foundation.log(Double(stretch)))
            let logarithm = scaling == nil ? r : (role == .scale ? r + logStretch : (role == .inverseScale ? r - logStretch : r))
            return .init(value: { role == .scale ? exp(r) * stretch : (role == .inverseScale ? exp(r) / stretch : exp(r)) },
                         logarithm: logarithm)
        case .sigmoid, .softmax:
            var logits = role == .classScore && temperature != 1 ? r / temperature : r
            if parameter.constraint == .halfOpenUnitInterval {
                logits = clamp(logits, min: -.greatestFiniteMagnitude, max: Head.largestHalfOpenLogit)
            }
            return .init(value: { link.forward(logits) }, logits: logits)
        case .identity, .softplus:
            let value = link.forward(r)
            if scaling != nil && role == .location { return .init(value * stretch + shift) }
            if scaling != nil && role == .logLocation { return .init(value + Float(Foundation.log(Double(stretch)))) }
            if role == .inverseScale { return .init(value / stretch) }
            return .init(role == .scale ? value * stretch : value)
        }
    }
}
