/// Reverse-mode automatic differentiation on a dynamic tape (define by run).
///
/// Every primitive op computes its value and, when recording, attaches a `TapeNode` that
/// holds its inputs and its *pullback*: a closure from the gradient of the output to the
/// gradients of the inputs. `gradients()` sorts the graph topologically and sweeps it once
/// in reverse, summing the gradients that reach each tensor.
final class TapeNode {
    let parents: [Tensor]
    let pullback: (Tensor) -> [Tensor?]

    init(parents: [Tensor], pullback: @escaping (Tensor) -> [Tensor?]) {
        self.parents = parents
        self.pullback = pullback
    }
}

/// Whether ops record themselves on the tape. On by default; `withoutGradients` turns it
/// off for a scope (prediction, optimizer updates, pullbacks themselves).
public enum GradientRecording {
    /// Whether ops record now (task-local: each task and thread of a scope sees its own).
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording any op: nothing it computes can be differentiated, and no
/// tape memory is kept.
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientRecording.$isEnabled.withValue(false) { try body() }
}

extension Tensor {
    /// Attaches a pullback to a freshly computed `value` if recording is on and some parent
    /// needs gradients; returns `value` either way.
    ///
    /// The pullback receives the gradient of the output (same shape as `value`) and returns
    /// one gradient per parent, each of that parent's shape, or `nil` where there is none.
    /// - Parameters:
    ///   - value: the op's result, computed without recording.
    ///   - parents: the op's differentiable inputs, in the order the pullback answers.
    ///   - pullback: `∂L/∂value ↦ [∂L/∂parent]`.
    public static func record(_ value: Tensor, parents: [Tensor],
                              pullback: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradientRecording.isEnabled, parents.contains(where: { $0.requiresGradient }) else {
            return value
        }
        value.requiresGradient = true
        value.node = TapeNode(parents: parents, pullback: pullback)
        return value
    }

    /// Differentiates this scalar with respect to every leaf that requires gradients.
    ///
    /// The sweep consumes the graph: the tape nodes it passes are released, so the memory of
    /// a training step is freed once its gradients are taken.
    /// - Returns: the gradients keyed by leaf tensor.
    public func gradients() -> Gradients {
        precondition(count == 1, "gradients() needs a scalar loss, got shape \(shape)")
        var result = Gradients()
        guard requiresGradient else { return result }
        if node == nil {
            result.accumulate(Tensor(shape: shape, scalars: [1]), for: self)
            return result
        }
        let order = topologicalOrder()
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): Tensor(shape: shape, scalars: [1])]
        withoutGradients {
            for tensor in order.reversed() {
                guard let node = tensor.node else { continue }
                tensor.node = nil
                guard let upstream = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                let parentGradients = node.pullback(upstream)
                for (parent, gradient) in zip(node.parents, parentGradients) {
                    guard parent.requiresGradient, let gradient else { continue }
                    precondition(gradient.shape == parent.shape,
                                 "pullback returned gradient of shape \(gradient.shape) for input of shape \(parent.shape)")
                    if parent.node == nil {
                        result.accumulate(gradient, for: parent)
                    } else {
                        let id = ObjectIdentifier(parent)
                        if let existing = pending[id] {
                            pending[id] = Tensor(shape: parent.shape, scalars: addScalars(existing.scalars, gradient.scalars))
                        } else {
                            pending[id] = gradient
                        }
                    }
                }
            }
        }
        return result
    }

    /// The recorded tensors reachable from this one, each after all of its parents.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep graphs must not overflow the stack.
        var stack: [(tensor: Tensor, expanded: Bool)] = [(self, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { order.append(tensor); continue }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for parent in tensor.node?.parents ?? [] where parent.node != nil && !visited.contains(ObjectIdentifier(parent)) {
                stack.append((parent, false))
            }
        }
        return order
    }
}

/// Gradients of a scalar with respect to leaf tensors, keyed by the leaf itself.
public struct Gradients {
    private var entries: [ObjectIdentifier: (parameter: Tensor, gradient: Tensor)] = [:]

    /// No gradients yet.
    public init() {}

    /// The gradient for `parameter`, or `nil` if the loss does not depend on it.
    public subscript(_ parameter: Tensor) -> Tensor? {
        entries[ObjectIdentifier(parameter)]?.gradient
    }

    /// The leaves that received a gradient.
    public var parameters: [Tensor] { entries.values.map(\.parameter) }

    /// The number of leaves with a gradient.
    public var count: Int { entries.count }

    /// Adds `gradient` to the one stored for `parameter` (gradients of a leaf used twice sum).
    public mutating func accumulate(_ gradient: Tensor, for parameter: Tensor) {
        precondition(gradient.shape == parameter.shape,
                     "gradient shape \(gradient.shape) does not match parameter shape \(parameter.shape)")
        let id = ObjectIdentifier(parameter)
        if let existing = entries[id] {
            entries[id] = (parameter, Tensor(shape: parameter.shape, scalars: addScalars(existing.gradient.scalars, gradient.scalars)))
        } else {
            entries[id] = (parameter, gradient)
        }
    }

    /// Replaces the gradient of `parameter` (used by gradient hooks such as clipping or an allreduce).
    public mutating func set(_ gradient: Tensor, for parameter: Tensor) {
        precondition(gradient.shape == parameter.shape,
                     "gradient shape \(gradient.shape) does not match parameter shape \(parameter.shape)")
        entries[ObjectIdentifier(parameter)] = (parameter, gradient)
    }
}

@inline(__always)
func addScalars(_ a: [Float], _ b: [Float]) -> [Float] {
    var out = a
    out.withUnsafeMutableBufferPointer { o in
        b.withUnsafeBufferPointer { b in
            for i in 0..<o.count { o[i] += b[i] }
        }
    }
    return out
}
