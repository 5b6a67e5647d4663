/// Targets a family cannot score, found before any training: a value outside the family's
/// support, or a number of classes the support does not allow.
public struct TargetError: Error, CustomStringConvertible, Equatable {
    /// What is wrong.
    public enum Problem: Equatable, Sendable {
        /// The target of example `index` (0-based, in data order) is `value`, outside the support.
        case value(index: Int, value: Float)
        /// The targets have `count` classes; the support allows `allowed`.
        case classCount(count: Int, allowed: ClosedRange<Int>)
    }

    /// The family the targets were checked against.
    public var family: Family
    /// What is wrong.
    public var problem: Problem
    /// What the family expects, in words ("a non-negative integer count", "at least 2 classes").
    public var expected: String

    /// "row 3: target -1.0; the poisson family needs a non-negative integer count" (rows
    /// counted from 1).
    public var description: String {
        switch problem {
        case .value(let index, let value): "row \(index + 1): target \(value); \(requirement)"
        case .classCount(let count, _): "the targets have \(count) classes; \(requirement)"
        }
    }

    /// "the poisson family needs a non-negative integer count".
    public var requirement: String { "the \(family.name) family needs \(expected)" }
}

extension Family {
    /// Checks training or evaluation targets against the declared support.
    /// - Parameters:
    ///   - targets: `[N]` values (class indices as numbers for classification).
    ///   - classCount: K for class targets (the names the data or the model has); nil counts
    ///     the classes as 1 + the largest index.
    /// - Throws: `TargetError` naming the first bad example and its value, or the class count.
    public func checkTargets(_ targets: Tensor, classCount: Int? = nil) throws(TargetError) {
        let values = targets.scalars
        var classes = 0
        if let allowed = support.classCounts {
            classes = classCount ?? (values.filter(\.isFinite).map { Int(Swift.max(0, Swift.min($0, 1e9))) }.max() ?? 0) + 1
            if !allowed.contains(classes) {
                let words = allowed.lowerBound == allowed.upperBound ? "exactly \(allowed.lowerBound) classes" : "at least \(allowed.lowerBound) classes"
                throw TargetError(family: self, problem: .classCount(count: classes, allowed: allowed), expected: words)
            }
        }
        if let index = values.firstIndex(where: { !support.contains(Double($0), classCount: classes) }) {
            throw TargetError(family: self, problem: .value(index: index, value: values[index]),
                              expected: support.expectation(classCount: classes))
        }
        // Finite but beyond what the head's Float32 parameters hold: ±3e38 gave NaN predictions.
        if !support.isClassification, let index = values.firstIndex(where: { Swift.abs($0) > Family.largestTarget }) {
            throw TargetError(family: self, problem: .value(index: index, value: values[index]),
                              expected: "a magnitude ≤ 1e30 (larger targets overflow the model's Float32 parameters; rescale them, e.g. to thousands)")
        }
    }

    /// The largest |y| a regression or count target may have: the predictive's location and
    /// scale (a standardized target's mean ± sd, squared in its variance) must stay in Float32.
    public static let largestTarget: Float = 1e30
}
