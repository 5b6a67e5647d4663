extension Family {
    /// The domain of a parameter's value: a `Domain` (`real`, `positive`, `nonNegative`,
    /// `unitInterval`, `halfOpenUnitInterval` or `simplex`).
    public typealias Constraint = Domain
    /// The observations a family scores, and so the targets a head accepts: a `Domain`
    /// (`real`, `positive`, `openUnitInterval`, `counts`, `binary` or `classes`).
    public typealias Support = Domain

    /// A set of numbers, in one vocabulary for both of its uses: where a parameter's values lie
    /// (`Parameter.constraint`, also called `Constraint`) and which observations a family
    /// scores (`Family.support`, also called `Support`). Domain checks of parameters
    /// (`Family.checkDomain`, `admits`) and of targets (`Family.checkTargets`) derive from it.
    public enum Domain: Sendable, Equatable {
        /// Any finite number.
        case real
        /// x > 0.
        case positive
        /// x ≥ 0.
        case nonNegative
        /// 0 ≤ x ≤ 1.
        case unitInterval
        /// 0 ≤ x < 1.
        case halfOpenUnitInterval
        /// 0 < x < 1, open (a Beta's log-density is infinite at 0 and 1 for shapes below 1).
        case openUnitInterval
        /// A vector of K ≥ 1 values in [0, 1] that sums to 1 (`contains` checks an element).
        case simplex
        /// 0, 1, 2, …
        case counts
        /// The two classes 0 and 1.
        case binary
        /// Class indices 0..<K, K ≥ 2.
        case classes

        /// Whether the number `x` lies in the domain: finite, and for `binary` and `classes` a
        /// class index below `classCount` (2 for `binary`; any index when nil for `classes`).
        public func contains(_ x: Double, classCount: Int? = nil) -> Bool {
            guard x.isFinite else { return false }
            switch self {
            case .real: return true
            case .positive: return x > 0
            case .nonNegative: return x >= 0
            case .unitInterval, .simplex: return x >= 0 && x <= 1
            case .halfOpenUnitInterval: return x >= 0 && x < 1
            case .openUnitInterval: return x > 0 && x < 1
            case .counts: return x >= 0 && x == x.rounded()
            case .binary: return x == 0 || x == 1
            case .classes: return x >= 0 && x == x.rounded() && classCount.map { x < Double($0) } != false
            }
        }

        /// Whether a distribution built from the parameter value `x` accepts it: `contains`,
        /// plus the infinite limits an overflowing link gives (+∞ for a positive or non-negative
        /// parameter, ±∞ for a real one), which the families handle.
        public func admits(_ x: Float) -> Bool {
            contains(Double(x)) || (x == .infinity && [.positive, .nonNegative, .real].contains(self))
                || (x == -.infinity && self == .real)
        }

        /// What a parameter value is expected to be, for messages: "> 0", "in [0, 1]".
        public var expectation: String {
            switch self {
            case .real: "a finite number"
            case .positive: "> 0"
            case .nonNegative: "≥ 0"
            case .unitInterval: "in [0, 1]"
            case .halfOpenUnitInterval: "in [0, 1)"
            case .openUnitInterval: "in (0, 1)"
            case .simplex: "probabilities in [0, 1] that sum to 1"
            case .counts: "a non-negative integer"
            case .binary: "0 or 1"
            case .classes: "a class index"
            }
        }

        /// What a target is expected to be, for messages (`classCount` K for classes).
        public func expectation(classCount: Int) -> String {
            switch self {
            case .real: "a finite number"
            case .positive: "a positive number"
            case .nonNegative: "a non-negative number"
            case .unitInterval, .simplex: "a number between 0 and 1"
            case .halfOpenUnitInterval: "a number in [0, 1)"
            case .openUnitInterval: "a number strictly between 0 and 1"
            case .counts: "a non-negative integer count"
            case .binary, .classes: "a class index in 0..<\(classCount)"
            }
        }

        /// Whether observations are class labels (reported as probabilities).
        public var isClassification: Bool { self == .binary || self == .classes }

        /// Whether observations are integers (counts or class indices).
        public var isDiscrete: Bool { self == .counts || isClassification }

        /// The numbers of classes a support allows: exactly 2 (binary), at least 2 (classes),
        /// nil for the rest.
        public var classCounts: ClosedRange<Int>? {
            switch self {
            case .binary: 2...2
            case .classes: 2...Int.max
            default: nil
            }
        }
    }
}
