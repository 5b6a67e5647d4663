import Foundation

extension ProbabilisticModel {
    /// The raw-output columns `[start, end)` that the same-family GLM makes linear in the
    /// features, read from the family's declaration: those of its parameter of role location,
    /// log-location, class score or inverse scale (the normal's μ, the log-normal's μ of ln y,
    /// the logits, the gamma's rate), else of its first parameter that does not follow the
    /// scale link (the Poisson's and zero-inflated Poisson's rate, the negative binomial's p,
    /// whose logit ℓ gives ln μ = ln r + ℓ). Every other parameter is a constant (its bias).
    /// `nil` for a family with per-component parameters (a mixture) or with no such parameter
    /// (the beta): they have no one GLM.
    public static func glmLinearColumns(of head: Head) -> Range<Int>? {
        let parameters = head.family.parameters
        guard !parameters.contains(where: { $0.width == .perComponent }) else { return nil }
        let roles: [Family.Role] = [.location, .logLocation, .classScore, .inverseScale]
        guard let index = parameters.firstIndex(where: { roles.contains($0.role) })
                ?? parameters.firstIndex(where: { !$0.followsScaleLink }) else { return nil }
        let widths = parameters.map { $0.width.count(classCount: head.classCount, components: head.components) }
        let start = widths[..<index].reduce(0, +)
        return start..<(start + widths[index])
    }

    /// Fits this model, a single network of one Dense layer (W `[d, K]`, b `[K]`: `mlp` with
    /// `hidden: []`), as the same-family GLM on prepared training data: the raw outputs in
    /// `glmLinearColumns` are linear in the features, x·W + b, and every other raw output is
    /// its bias alone (its columns of W held at exactly 0). From W = 0, b = 0 it minimises
    ///
    ///     F = (1/N) Σᵢ NLL(yᵢ | xᵢ·W + b) + (λ/2)(‖W‖² + ‖b‖²)
    ///
    /// over the P = d·L + K free weights by damped Newton (Fisher scoring with the head's
    /// Fisher, an Armijo line search on F) until the Newton decrement ∇Fᵀ H⁻¹ ∇F is at most
    /// 10⁻¹⁰, in at most 100 iterations (`GLMNewton`, where the rule is stated in full).
    /// `GLMCandidateTests` check the minimum against least squares, logistic regression and
    /// statsmodels' Poisson and negative-binomial GLMs fitted outside Likely.
    ///
    /// Where Newton does not apply or fails to make progress it falls back to the former fit,
    /// `FitDefaults.glmSteps` full-batch Adam steps from W = 0, b = 0 whose learning rate decays
    /// from `FitDefaults.glmLearningRate` to 0 on a cosine: for more than
    /// `GLMNewton.maximumParameters` free weights, for compact table features (more than 1024
    /// inputs), and when no step lowers F while the decrement is above F's float32 resolution
    /// or the curvature cannot be factorised. Those steps reach the minimum on the tests' tables
    /// (2001 weights on 400 rows among them) but end far from it on far fewer rows than weights
    /// (40 rows of 2000 features).
    /// - Parameters:
    ///   - train: prepared training data (features through `prepare`, targets through
    ///     `prepareTargets`), `[N, d]` and `[N]`.
    ///   - weightDecay: λ.
    ///   - seed: keys the Monte-Carlo Fisher of a family without a closed form.
    /// - Returns: whether the fit stayed finite and in the head's domain: false when the raw
    ///   outputs, F or its gradient at the start (or at a point Newton accepted, or at an Adam
    ///   step of the fallback) are not finite or leave the head's domain; the weights must
    ///   not be used then.
    public func fitAsGLM(_ train: Dataset, weightDecay: Float, seed: UInt64 = 0) -> Bool {
        precondition(memberCount == 1 && network.layers.count == 1, "a GLM is one network of one Dense layer (mlp with hidden [])")
        guard let dense = network.layers[0] as? Dense, dense.bias != nil,
              let linearColumns = Self.glmLinearColumns(of: head) else { return false }
        let newton = GLMNewton(head: head, dense: dense, features: train.features, targets: train.targets,
                               linearColumns: linearColumns, weightDecay: Double(weightDecay), seed: seed)
        if oneHotInput == nil && newton.parameterCount <= GLMNewton.maximumParameters {
            switch newton.minimise() {
            case .converged, .iterationLimit: return true
            case .notFinite: return false
            case .stalled: break
            }
        }
        return fitAsGLMByAdam(train, dense: dense, linearColumns: linearColumns, weightDecay: weightDecay,
                              steps: FitDefaults.glmSteps)
    }

    /// `fitAsGLM`'s fallback: `steps` full-batch Adam steps from W = 0, b = 0 on the same
    /// objective, the learning rate decaying from `FitDefaults.glmLearningRate` to 0 on a cosine
    /// so that the last steps settle at the minimum instead of circling it, the columns outside
    /// `linearColumns` reset to 0 after each step. False as soon as a step's raw outputs, loss or
    /// gradients are not finite or leave the head's domain.
    private func fitAsGLMByAdam(_ train: Dataset, dense: Dense, linearColumns: Range<Int>, weightDecay: Float,
                                steps: Int) -> Bool {
        guard let bias = dense.bias else { return false }
        let outputs = head.rawOutputCount
        let constant = (0..<dense.weight.count).filter { !linearColumns.contains($0 % outputs) }
        dense.weight.scalars = [Float](repeating: 0, count: dense.weight.count)
        bias.scalars = [Float](repeating: 0, count: bias.count)
        let rule = Adam(learningRate: .cosine(initial: FitDefaults.glmLearningRate, decaySteps: steps, alpha: 0),
                        weightDecay: weightDecay)
        let parameters = dense.parameters
        var none = ExampleStreams()
        for _ in 0..<steps {
            let raw = forward(train.features, through: network, layers: 0..<1, phase: .inference, using: &none)
            guard head.invalidOutput(raw, epoch: 0, batch: 0) == nil else { return false }
            let loss = head.negativeLogLikelihood(raw, targets: train.targets)
            let gradients = loss.gradients()
            guard loss.scalar.isFinite, parameters.allSatisfy({ gradients[$0.tensor]?.scalars.allSatisfy(\.isFinite) ?? true }) else {
                return false
            }
            rule.update(parameters, with: gradients)
            var w = dense.weight.scalars
            for i in constant { w[i] = 0 }
            dense.weight.scalars = w
        }
        return true
    }

    /// The weights a same-family GLM holds at 0 (`fitAsGLM`): for a network of one Dense layer
    /// (kernel `[d, K]` row-major, then bias) whose kernel is 0 in every column outside
    /// `glmLinearColumns`, those kernel entries (their indices are their positions in θ, the
    /// Laplace posterior's order); empty for every other network. They are not fitted, so a
    /// Laplace posterior conditions on them (`LaplacePosterior.heldPrecision`).
    static func glmHeldWeights(_ network: Sequential, head: Head) -> [Int] {
        guard network.layers.count == 1, let dense = network.layers[0] as? Dense,
              let linear = glmLinearColumns(of: head) else { return [] }
        let outputs = head.rawOutputCount, kernel = dense.weight.scalars
        let held = kernel.indices.filter { !linear.contains($0 % outputs) }
        return !held.isEmpty && held.allSatisfy({ kernel[$0] == 0 }) ? held : []
    }

    /// The deterministic network's NLL of each validation row, in training units (a
    /// standardized target's, without the constant ln s), `[n]`; nil when an output is out of
    /// its domain or an NLL is not finite.
    /// - Parameter validation: raw validation data.
    public func validationNLLs(_ validation: Dataset) -> [Double]? {
        withoutGradients {
            var none = ExampleStreams()
            let raw = forward(prepare(validation.features), through: network, layers: network.layers.indices,
                              phase: .inference, using: &none)
            guard head.invalidOutput(raw, epoch: 0, batch: 0) == nil else { return nil }
            let nll = head.negativeLogLikelihood(raw, targets: prepareTargets(validation.targets), reduction: .none)
                .scalars.map(Double.init)
            return nll.allSatisfy(\.isFinite) ? nll : nil
        }
    }
}

/// What the GLM candidate of a fit (`FitPlan.glmCandidate`) measured on the validation data:
/// the validation NLL per example of the trained network and of the same-family GLM fitted on
/// the training rows (in training units, as `OutputRefit`'s), and which model the fit kept.
public struct GLMCandidate: Codable, Equatable, Sendable {
    /// Validation NLL per example of the network (nil: not finite).
    public var validationNLLNetwork: Double?
    /// Validation NLL per example of the GLM (nil: its fit diverged or left the head's domain).
    public var validationNLLGLM: Double?
    /// Whether the GLM was kept in the network's place.
    public var kept: Bool

    /// Whether the fit keeps the GLM, given its per-row validation NLLs `glm` and the
    /// network's `network` (the same rows, `[n]` each; nil: the network's are not finite): the
    /// simpler model stays unless the network's are clearly lower (`isClearlyLower`: by more
    /// than two standard errors of the mean paired difference), the test the output-layer
    /// refit passes to be kept.
    public static func keepsGLM(_ glm: [Double], network: [Double]?) -> Bool {
        guard let network else { return true }
        return !ProbabilisticModel.isClearlyLower(network, than: glm)
    }
}
