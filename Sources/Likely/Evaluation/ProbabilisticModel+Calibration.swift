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
    /// already softens the members. `calibrateTemperature(on:method:seed:)` does the same for
    /// any uncertainty method (a Laplace predictive).
    /// - Parameters:
    ///   - data: validation data (not the training data) with class-index targets.
    ///   - mcSamples: the passes of the MC-dropout predictive to calibrate (0: deterministic).
    ///   - seed: the seed of its dropout streams.
    /// - Returns: the fitted temperature.
    @discardableResult
    public func calibrateTemperature(on data: Dataset, mcSamples: Int = 0, seed: UInt64 = 0) -> Float {
        let method: any UncertaintyMethod = mcSamples == 0 ? NetworkMethod() : DropoutMethod(passes: mcSamples)
        return fitTemperature(on: data, method: method, mcSamples: mcSamples, seed: seed)
    }

    /// Fits temperature scaling for the predictive a registered method gives (`predictive`,
    /// `mcSamples`, as `--predictive` and `--mc-samples` choose it; a Laplace posterior's, say):
    /// T minimises the NLL of the mixture (1/D) Σ softmax(z_d / T) over the method's D
    /// raw-output draws of each example and the members of an ensemble. The head records the
    /// method and T (`Head.temperatureFittedFor`): the temperature belongs to that predictive,
    /// and the CLI refuses it with another.
    /// - Parameters:
    ///   - data: validation data (not the training data) with class-index targets.
    ///   - predictive: a registered uncertainty method (`network`, `dropout`, `laplace`).
    ///   - mcSamples: its T.
    ///   - seed: the seed of its draws.
    /// - Throws: `UncertaintyMethodError` when the method does not suit the model or T.
    /// - Returns: the fitted temperature.
    @discardableResult
    public func calibrateTemperature(on data: Dataset, predictive: String, mcSamples: Int, seed: UInt64 = 0) throws -> Float {
        let method = try UncertaintyMethods.named(predictive, for: self, mcSamples: mcSamples)
        return fitTemperature(on: data, method: method, mcSamples: mcSamples, seed: seed)
    }

    private func fitTemperature(on data: Dataset, method: any UncertaintyMethod, mcSamples: Int, seed: UInt64) -> Float {
        precondition(head.family.support.isClassification,
                     "temperature scaling needs a bernoulli or categorical head, got \(head.family.name)")
        head.temperature = 1
        let raw = method.rawOutputDraws(of: self, features: data.features, seed: seed, firstIndex: 0, chunkSize: 1000)
        let labels = data.targets.scalars.map { Int($0) }
        // A Bernoulli logit z is the two-class case with logits (0, z).
        let members = head.family.support == .binary ? raw.map { $0.flatMap { [0, $0] } } : raw
        let k = head.family.support == .binary ? 2 : head.classCount
        head.temperature = Float(TemperatureScaling(fittingMemberLogits: members, labels: labels, classes: k).temperature)
        (head.temperatureMcSamples, head.temperaturePredictive) = (mcSamples, method.name)
        return head.temperature
    }
}
