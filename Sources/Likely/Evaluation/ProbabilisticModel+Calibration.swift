extension ProbabilisticModel {
    /// Fits temperature scaling on held-out data and stores T in the head: the logits of a
    /// Bernoulli or Categorical head are then divided by T everywhere (predictions, MC-dropout
    /// members, evaluation, model files). T minimises the NLL of softmax(z / T) on `data`
    /// with the deterministic network's logits z; accuracy is unchanged.
    /// - Parameter data: validation data (not the training data) with class-index targets.
    /// - Returns: the fitted temperature.
    @discardableResult
    public func calibrateTemperature(on data: Dataset) -> Float {
        precondition(head.family.task.isClassification,
                     "temperature scaling needs a bernoulli or categorical head, got \(head.family.rawValue)")
        head.temperature = 1
        let logits = withoutGradients { () -> Tensor in
            var parts: [Tensor] = []
            var unused = RandomSource(seed: 0)
            var start = 0
            while start < data.count {
                let end = min(start + 1000, data.count)
                parts.append(rawOutputs(prepare(data.features.slice(alongAxis: 0, start..<end)), phase: .inference, using: &unused))
                start = end
            }
            return Tensor.concatenate(parts, alongAxis: 0)
        }
        let labels = data.targets.scalars.map { Int($0) }
        let scaling = head.family == .bernoulli
            ? TemperatureScaling(fittingBinaryLogits: logits.scalars.map(Double.init), labels: labels.map { $0 == 1 })
            : TemperatureScaling(fittingLogits: logits, labels: labels)
        head.temperature = Float(scaling.temperature)
        return head.temperature
    }
}
