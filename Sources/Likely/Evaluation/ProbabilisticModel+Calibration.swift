extension ProbabilisticModel {
    /// T of temperature scaling (Bernoulli and Categorical heads): the logits are divided by it.
    public var temperature: Float {
        get { head.temperature }
        set {
            precondition(newValue > 0 && newValue.isFinite, "temperature must be positive and finite, got \(newValue)")
            head.temperature = newValue
        }
    }

    /// Fits temperature scaling on held-out data and stores T in the head: the logits of a
    /// Bernoulli or Categorical head are then divided by T everywhere (predictions, MC-dropout
    /// members, evaluation, model files); accuracy is unchanged.
    ///
    /// T is fitted for the predictive that will be used: with `mcSamples` = 0 it minimises the
    /// NLL of softmax(z / T) with the deterministic network's logits; with T' > 0 passes it
    /// minimises the NLL of the MC-dropout mixture (1/T') Σ softmax(zₜ / T), whose averaging
    /// already softens the members.
    /// - Parameters:
    ///   - data: validation data (not the training data) with class-index targets.
    ///   - mcSamples: the passes of the MC-dropout predictive to calibrate (0: deterministic).
    ///   - seed: the seed of its dropout streams.
    /// The head records T (`Head.temperatureMcSamples`): the temperature belongs to that predictive.
    /// - Returns: the fitted temperature.
    @discardableResult
    public func calibrateTemperature(on data: Dataset, mcSamples: Int = 0, seed: UInt64 = 0) -> Float {
        precondition(head.family.support.isClassification,
                     "temperature scaling needs a bernoulli or categorical head, got \(head.family.name)")
        head.temperature = 1
        let raw = predictiveRawOutputs(data.features, mcSamples: mcSamples, seed: seed)
        let labels = data.targets.scalars.map { Int($0) }
        // A Bernoulli logit z is the two-class case with logits (0, z).
        let members = head.family.support == .binary ? raw.map { $0.flatMap { [0, $0] } } : raw
        let k = head.family.support == .binary ? 2 : head.classCount
        head.temperature = Float(TemperatureScaling(fittingMemberLogits: members, labels: labels, classes: k).temperature)
        head.temperatureMcSamples = mcSamples
        return head.temperature
    }
}
