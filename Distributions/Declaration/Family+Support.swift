extension Family {
    /// The observations a family scores, and so the targets a head accepts.
    public enum Support: Sendable, Equatable {
        /// Any finite number.
        case real
        /// x > 0.
        case positive
        /// 0 < x < 1, open (a Beta's log-density is infinite at 0 and 1 for shapes below 1);
        /// named apart from the closed `Family.Constraint.unitInterval`, [0, 1].
        case openUnitInterval
        /// 0, 1, 2, …
        case counts
        /// The two classes 0 and 1.
        case binary
        /// Class indices 0..<K, K ≥ 2.
        case classes

        /// Whether observations are class labels (reported as probabilities).
        public var isClassification: Bool { self == .binary || self == .classes }

        /// Whether observations are integers (counts or class indices).
        public var isDiscrete: Bool { self == .counts || isClassification }

        /// The numbers of classes the support allows: exactly 2 (binary), at least 2 (classes),
        /// nil for the rest.
        public var classCounts: ClosedRange<Int>? {
            switch self {
            case .binary: 2...2
            case .classes: 2...Int.max
            default: nil
            }
        }

        /// Whether the finite target `y` lies in the support (`classCount` K for classes).
        public func contains(_ y: Float, classCount: Int) -> Bool {
            guard y.isFinite else { return false }
            switch self {
            case .real: return true
            case .positive: return y > 0
            case .openUnitInterval: return y > 0 && y < 1
            case .counts: return y >= 0 && y == y.rounded()
            case .binary, .classes: return y >= 0 && y == y.rounded() && Int(y) < classCount
            }
        }

        /// What is expected of a target, for messages.
        public func expectation(classCount: Int) -> String {
            switch self {
            case .real: "a finite number"
            case .positive: "a positive number"
            case .openUnitInterval: "a number strictly between 0 and 1"
            case .counts: "a non-negative integer count"
            case .binary, .classes: "a class index in 0..<\(classCount)"
            }
        }
    }
}
