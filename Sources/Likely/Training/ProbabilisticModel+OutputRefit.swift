import Foundation

extension ProbabilisticModel {
    /// Refits the output layer of a single network (a member's view) on the deterministic
    /// features of the training rows, and keeps the refit only if it clearly lowers the
    /// validation NLL (`isClearlyLower`: by more than two standard errors).
    ///
    /// Dropout during training makes the location outputs noisy, and the head's dispersion
    /// outputs learn to cover that noise too: the deterministic network then predicts a spread
    /// wider than the data's. With every layer but the last fixed and evaluated with dropout
    /// off, H `[N, h]` = the last Dense layer's inputs for the N prepared training rows, the
    /// refit minimises the training loss of the last layer alone,
    /// (1/N) Σᵢ NLL(yᵢ | Hᵢ·W + b) + (λ/2)(‖W‖² + ‖b‖²),
    /// by `steps` full-batch steps of `optimizer`'s rule and weight decay λ, started from the
    /// trained W `[h, k]` and b `[k]`.
    /// - Parameters:
    ///   - train: prepared training data (features through `prepare`, targets through `prepareTargets`).
    ///   - validation: raw validation data; the refit stands only if its per-row NLLs under the
    ///     deterministic network are clearly lower afterwards (`isClearlyLower`).
    ///   - optimizer: the training optimizer, whose `fresh()` copy takes the steps.
    ///   - steps: full-batch gradient steps (≥ 1).
    /// - Returns: the validation NLL per example (training units) before and after, and whether
    ///   the refit was kept; `nil` (nothing refitted) for a network whose last layer is not Dense
    ///   or has no layer before it, or whose trained layer gives no finite validation NLL.
    public func refitOutputLayer(train: Dataset, validation: Dataset, optimizer: any Optimizer, steps: Int) -> OutputRefit? {
        precondition(steps >= 1, "output-layer refit steps must be ≥ 1, got \(steps)")
        guard network.layers.count >= 2, let last = network.layers.last as? Dense else { return nil }
        let body = 0..<(network.layers.count - 1)
        let (features, heldFeatures) = withoutGradients {
            var none = ExampleStreams()
            let h = forward(train.features, through: network, layers: body, phase: .inference, using: &none)
            let held = forward(prepare(validation.features), through: network, layers: body, phase: .inference, using: &none)
            return (h, held)
        }
        let heldTargets = prepareTargets(validation.targets)
        // Per-row NLLs; nil for outputs out of their domain (checked before a family's
        // constructor would stop on them) or a non-finite NLL.
        func validationNLLs() -> [Double]? {
            withoutGradients {
                let raw = linear(heldFeatures, weight: last.weight, bias: last.bias)
                guard head.invalidOutput(raw, epoch: 0, batch: 0) == nil else { return nil }
                let nll = head.negativeLogLikelihood(raw, targets: heldTargets, reduction: .none).scalars.map(Double.init)
                return nll.allSatisfy(\.isFinite) ? nll : nil
            }
        }
        let parameters = last.parameters
        guard let before = validationNLLs() else { return nil }
        let trained = parameters.map(\.tensor.scalars)
        let rule = optimizer.fresh()
        var diverged = false
        for _ in 0..<steps {
            let raw = linear(features, weight: last.weight, bias: last.bias)
            guard head.invalidOutput(raw, epoch: 0, batch: 0) == nil else { diverged = true; break }
            let loss = head.negativeLogLikelihood(raw, targets: train.targets)
            let gradients = loss.gradients()
            guard loss.scalar.isFinite, parameters.allSatisfy({ gradients[$0.tensor]?.scalars.allSatisfy(\.isFinite) ?? true }) else {
                diverged = true
                break
            }
            rule.update(parameters, with: gradients)
        }
        // A refit that diverged is never kept (its outputs were out of their domain or not finite).
        let after = diverged ? nil : validationNLLs()
        let kept = after.map { Self.isClearlyLower($0, than: before) } ?? false
        if !kept {
            for (p, values) in zip(parameters, trained) { p.tensor.scalars = values }
        }
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        return OutputRefit(validationNLLBefore: mean(before), validationNLLAfter: after.map(mean), kept: kept)
    }

    /// Whether the per-row losses `after` are lower than `before` (the same rows, `[n]` each)
    /// by more than two standard errors of their mean paired difference: with dᵢ = beforeᵢ − afterᵢ,
    /// d̄ > 2 s_d / √n, s_d² = Σ(dᵢ − d̄)² / (n − 1). False for fewer than 2 rows. A refit that
    /// only seems better on a few held-out rows is not taken for a better one (on a 519-row
    /// count table, one whose 104 validation rows preferred it lost 0.14 nats on its test rows).
    public static func isClearlyLower(_ after: [Double], than before: [Double]) -> Bool {
        precondition(after.count == before.count, "paired losses of \(after.count) and \(before.count) rows")
        let n = Double(before.count)
        guard before.count >= 2 else { return false }
        let d = zip(before, after).map { $0 - $1 }
        let mean = d.reduce(0, +) / n
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return mean > 2 * (variance / n).squareRoot()
    }
}

/// What an output-layer refit (`TrainingOptions.outputRefitSteps`) measured on the validation
/// data: the deterministic network's NLL per example before and after (in training units:
/// a standardized target's, without the constant ln s), and whether the refit was kept.
public struct OutputRefit: Codable, Equatable, Sendable {
    /// Validation NLL per example with the trained output layer.
    public var validationNLLBefore: Double
    /// Validation NLL per example with the refitted output layer (nil: the refit diverged).
    public var validationNLLAfter: Double?
    /// Whether the refitted layer was kept (it lowered the validation NLL by more than two
    /// standard errors).
    public var kept: Bool
}
