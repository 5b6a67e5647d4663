import LikelyTensor

/// The parameters a family is built from, by name, each in the form its producer has: a
/// value, and for a head also the stable form its link gives (ln of an exp-link parameter,
/// the logits of a sigmoid or softmax link). A family's `build` uses the stable form when it
/// is there (`Normal(loc:logScale:)`, `Bernoulli(logits:)`).
public struct ParameterValues {
    /// One parameter.
    public struct Value {
        private let makeValue: () -> Tensor
        /// ln of the parameter, when that is what the producer has.
        public let logarithm: Tensor?
        /// The logit (sigmoid) or the unnormalised log-probabilities along the last axis
        /// (softmax), when that is what the producer has.
        public let logits: Tensor?

        /// The parameter's value, in its constraint (computed when asked).
        public var value: Tensor { makeValue() }

        /// `stable(logits)` when the producer has the logits, else `plain(value)`: a family's
        /// `build` preferring the stable form (`Bernoulli(logits:)` over `Bernoulli(probs:)`).
        public func fromLogits<D>(_ stable: (Tensor) -> D, else plain: (Tensor) -> D) -> D {
            logits.map(stable) ?? plain(value)
        }

        /// `stable(ln value)` when the producer has the logarithm, else `plain(value)`
        /// (`Poisson(logRate:)` over `Poisson(rate:)`).
        public func fromLogarithm<D>(_ stable: (Tensor) -> D, else plain: (Tensor) -> D) -> D {
            logarithm.map(stable) ?? plain(value)
        }

        /// A value as it is.
        public init(_ value: Tensor) {
            makeValue = { value }
            logarithm = nil
            logits = nil
        }

        /// A value with its stable forms; `value` is computed only when a family asks for it.
        public init(value: @escaping () -> Tensor, logarithm: Tensor? = nil, logits: Tensor? = nil) {
            makeValue = value
            self.logarithm = logarithm
            self.logits = logits
        }
    }

    private var values: [String: Value]

    /// Parameters by name.
    public init(_ values: [String: Value] = [:]) { self.values = values }

    /// The parameter `name`; a family asks only for parameters it declares, which every
    /// producer supplies (a missing one is a programming error).
    public subscript(name: String) -> Value {
        get {
            guard let value = values[name] else { preconditionFailure("parameter \(name) was not given; given: \(values.keys.sorted())") }
            return value
        }
        set { values[name] = newValue }
    }
}
