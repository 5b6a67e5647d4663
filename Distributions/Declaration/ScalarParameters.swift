/// The parameters of one distribution in Double, by name, each as it was given: its value (one
/// number, or K for a per-class parameter) or its logit form (`--logits`). A family's
/// `scalar` builder reads them (`Family.scalarDistribution(_:)`).
public struct ScalarParameters: Sendable {
    /// How a parameter was given.
    public enum Form: Sendable, Equatable {
        /// The parameter's value, in its constraint.
        case value
        /// The logit (sigmoid) or unnormalised log-probabilities (softmax) of the parameter.
        case logits
    }

    private var entries: [String: (numbers: [Double], form: Form)] = [:]

    /// No parameters yet.
    public init() {}

    /// Sets parameter `name` to `numbers` given in `form`.
    public mutating func set(_ name: String, _ numbers: [Double], form: Form = .value) {
        entries[name] = (numbers, form)
    }

    /// The numbers of parameter `name` and their form; a family asks only for parameters it
    /// declares, which every producer supplies (a missing one is a programming error).
    public subscript(name: String) -> (numbers: [Double], form: Form) {
        guard let entry = entries[name] else { preconditionFailure("parameter \(name) was not given; given: \(entries.keys.sorted())") }
        return entry
    }

    /// The single number of parameter `name` (its value form).
    public func number(_ name: String) -> Double { self[name].numbers[0] }
}
