import LikelyTensor

/// Updates parameters in place from their gradients.
///
/// Every optimizer shares the same step, in this order:
/// 1. η = schedule(t), t the number of updates made so far;
/// 2. gradient-norm clipping: with `clipNorm` c and global norm ‖g‖ over all gradients,
///    each g ← g · c / max(‖g‖, c) (Keras `global_clipnorm`);
/// 3. L2 weight decay: g ← g + λ·w (λ = `weightDecay`);
/// 4. the optimizer's own rule on each parameter, with its slots (moments, accumulators);
/// 5. t ← t + 1.
///
/// Slots are kept per parameter name, so the optimizer state can be saved as named tensors
/// (`"<parameter>/<slot>"`) plus the step, and restored to resume training exactly.
/// To add an optimizer: give it a `core`, `slotNames`, `initialSlotValue`, `fresh` and
/// `apply` (see `docs/optimizers.md`).
public protocol Optimizer: AnyObject {
    /// The settings of the shared step (schedule, decay, clipping) and the state it updates.
    var core: OptimizerCore { get set }
    /// The names of the per-parameter slots, in storage order.
    var slotNames: [String] { get }
    /// The value every slot element starts at.
    func initialSlotValue(_ slot: Int) -> Float
    /// A new optimizer with the same rule and settings (schedule, decay, clipping), at step 0
    /// with no slots: `fit` trains with its own, so an optimizer held by options (and every
    /// copy of the options) is a description that no fit updates.
    func fresh() -> any Optimizer

    /// One parameter's update rule.
    /// - Parameters:
    ///   - weights: the parameter's elements, updated in place.
    ///   - gradient: its (clipped, decayed) gradient.
    ///   - slots: `slotNames.count · n` elements of state, updated in place.
    ///   - learningRate: η at this step.
    ///   - step: t + 1, the 1-based number of this update (for bias corrections).
    func apply(to weights: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
               slots: UnsafeMutableBufferPointer<Float>, learningRate: Float, step: Int)
}

/// What every optimizer holds besides its own rule: the settings of the shared step and the
/// state (step count, slots) that the step updates.
public struct OptimizerCore {
    /// η as a function of the step.
    public var schedule: LearningRateSchedule
    /// λ of L2 weight decay added to every gradient (0: none).
    public var weightDecay: Float
    /// The global gradient-norm limit, or `nil` for no clipping.
    public var clipNorm: Float?
    /// The number of updates made so far.
    public var step = 0
    /// Per parameter name, its slots laid end to end (slot k at k·n..<(k + 1)·n).
    public var slots: [String: [Float]] = [:]

    /// The settings of a new optimizer, at step 0 with no slots.
    public init(schedule: LearningRateSchedule, weightDecay: Float, clipNorm: Float?) {
        self.schedule = schedule
        self.weightDecay = weightDecay
        self.clipNorm = clipNorm
    }

    /// The same settings at step 0 with no slots.
    public var fresh: OptimizerCore { OptimizerCore(schedule: schedule, weightDecay: weightDecay, clipNorm: clipNorm) }
}

/// An optimizer's state: the step count and every slot as a named tensor.
public struct OptimizerState {
    /// The number of updates made.
    public var step: Int
    /// Slots named `"<parameter>/<slot>"`, each of its parameter's shape.
    public var tensors: [NamedTensor]

    /// A state from its parts.
    public init(step: Int, tensors: [NamedTensor]) {
        self.step = step
        self.tensors = tensors
    }
}

/// A saved optimizer state that does not fit the model: names the tensor and what was expected.
public struct OptimizerStateError: Error, CustomStringConvertible {
    /// The state tensor's name.
    public var tensor: String
    /// What was expected of it.
    public var expected: String

    /// The message, as `print` and the CLI show it.
    public var description: String { "optimizer state '\(tensor)': expected \(expected)" }
}

extension Optimizer {
    /// η as a function of the step.
    public var schedule: LearningRateSchedule { get { core.schedule } set { core.schedule = newValue } }
    /// λ of L2 weight decay added to every gradient (0: none).
    public var weightDecay: Float { get { core.weightDecay } set { core.weightDecay = newValue } }
    /// The global gradient-norm limit, or `nil` for no clipping.
    public var clipNorm: Float? { get { core.clipNorm } set { core.clipNorm = newValue } }
    /// The number of updates made so far.
    public var step: Int { get { core.step } set { core.step = newValue } }
    /// Per parameter name, its slots laid end to end (slot k at k·n..<(k + 1)·n).
    public var slots: [String: [Float]] { get { core.slots } set { core.slots = newValue } }

    /// Updates every trainable parameter that has a gradient, in place.
    /// - Parameters:
    ///   - parameters: the model's named parameters (`model.parameters`); frozen ones are skipped.
    ///   - gradients: from `loss.gradients()`, after any gradient hook.
    public func update(_ parameters: [NamedTensor], with gradients: Gradients) {
        let eta = core.schedule.rate(atStep: core.step)
        let pairs = parameters.compactMap { p -> (NamedTensor, Tensor)? in
            guard p.isTrainable, let g = gradients[p.tensor] else { return nil }
            return (p, g)
        }
        var scale: Float = 1
        if let clipNorm {
            precondition(clipNorm > 0, "clipNorm must be positive, got \(clipNorm)")
            var total: Double = 0
            for (_, g) in pairs { for v in g.scalars { total += Double(v) * Double(v) } }
            let norm = Float(total.squareRoot())
            if norm > clipNorm { scale = clipNorm / norm }
        }
        let slotCount = slotNames.count
        let lambda = weightDecay
        core.step += 1
        for (p, g) in pairs {
            let n = p.tensor.count
            if core.slots[p.name]?.count != slotCount * n {
                precondition(core.slots[p.name] == nil, "parameter '\(p.name)' changed size to \(n) since its optimizer slots were made")
                core.slots[p.name] = (0..<slotCount).flatMap { [Float](repeating: initialSlotValue($0), count: n) }
            }
            var gradient = g.scalars
            if scale != 1 || lambda != 0 {
                gradient.withUnsafeMutableBufferPointer { pg in
                    p.tensor.scalars.withUnsafeBufferPointer { w in
                        for i in 0..<n { pg[i] = pg[i] * scale + lambda * w[i] }
                    }
                }
            }
            let t = core.step
            gradient.withUnsafeBufferPointer { pg in
                p.tensor.scalars.withUnsafeMutableBufferPointer { w in
                    core.slots[p.name, default: []].withUnsafeMutableBufferPointer { s in
                        apply(to: w, gradient: pg, slots: s, learningRate: eta, step: t)
                    }
                }
            }
        }
    }

    /// The state to save beside the weights: the step and every slot as a named tensor.
    public func state(for parameters: [NamedTensor]) -> OptimizerState {
        var tensors: [NamedTensor] = []
        for p in parameters {
            guard let stored = slots[p.name] else { continue }
            let n = p.tensor.count
            for (k, slot) in slotNames.enumerated() {
                tensors.append(NamedTensor(name: "\(p.name)/\(slot)",
                                           tensor: Tensor(shape: p.tensor.shape, scalars: Array(stored[(k * n)..<((k + 1) * n)]))))
            }
        }
        return OptimizerState(step: step, tensors: tensors)
    }

    /// Restores a saved state, so the next update is the one the saved optimizer would have made.
    /// - Throws: `OptimizerStateError` when a slot is missing or has the wrong shape.
    public func restore(_ state: OptimizerState, for parameters: [NamedTensor]) throws {
        guard state.step >= 0 else { throw OptimizerStateError(tensor: "step", expected: "a step count ≥ 0, got \(state.step)") }
        let byName = Dictionary(state.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        var restored: [String: [Float]] = [:]
        for p in parameters {
            let names = slotNames.map { "\(p.name)/\($0)" }
            let present = names.filter { byName[$0] != nil }
            if present.isEmpty { continue }
            var stored: [Float] = []
            for name in names {
                guard let t = byName[name] else { throw OptimizerStateError(tensor: name, expected: "a slot beside \(present[0])") }
                guard t.shape == p.tensor.shape else {
                    throw OptimizerStateError(tensor: name, expected: "shape \(p.tensor.shape) of its parameter, got \(t.shape)")
                }
                stored += t.scalars
            }
            restored[p.name] = stored
        }
        core.slots = restored
        core.step = state.step
    }
}
