import Foundation

/// The search space of a `Tuner` (`likely tune`) and its seeded draws: which options are
/// searched, the plan holding the others, and the head families a trial may take.
public struct TuneSpace: Sendable {
    /// A searchable option.
    public enum Dimension: String, CaseIterable, Sendable {
        case dropout, weightDecay = "weight-decay", hidden, lr, family
    }

    /// The widths `hidden` chooses from.
    public static let hiddenChoices: [[Int]] = [[50], [100], [200], [50, 50], [100, 100], [200, 200]]
    /// The range dropout is drawn from, uniformly.
    public static let dropoutRange = 0.0...0.5
    /// The range weight decay is drawn from, log-uniformly.
    public static let weightDecayRange = 1e-3...0.3
    /// The range the learning rate is drawn from, log-uniformly.
    public static let learningRateRange = 2e-4...3e-3

    /// The searched options.
    public var dimensions: Set<Dimension>
    /// The plan of trial 1, holding the values of unsearched options.
    public var base: FitPlan
    /// The head families a trial may take, the base plan's first (just it when family is not
    /// searched).
    public var families: [Family]

    /// The space of `dimensions` around `base`; with `family` searched, the families of
    /// `families(for:)`.
    public init(dimensions: Set<Dimension>, base: FitPlan, targets: Tensor) {
        self.dimensions = dimensions
        self.base = base
        families = dimensions.contains(.family) ? Self.families(base.family, targets: targets) : [base.family]
    }

    /// The families `family` searches: `own` (chosen from the data), then, for numeric
    /// targets, every other continuous family of `Family.allCases` that accepts all of them
    /// (student-t and laplace for any; lognormal and gamma when all are > 0; beta when all lie
    /// in (0, 1)). Their NLLs are log-densities of the same targets, so comparable; discrete
    /// families (counts, classes) score probabilities instead and are not mixed in. Class
    /// targets keep their one family.
    public static func families(_ own: Family, targets: Tensor) -> [Family] {
        guard own.support == .real else { return [own] }
        return [own] + Family.allCases.filter { family in
            family != own && !family.support.isDiscrete && family != .normalMixture
                && (try? family.checkTargets(targets)) != nil
        }
    }

    /// The trials of a search of `count`: trial 1 is `base`; then `base` under each other
    /// family (as many as `count` allows); then random draws (`draw`), none when the family
    /// alone is searched (every draw would repeat one of those).
    public func trials(_ count: Int) -> [FitPlan] {
        precondition(count >= 1, "a search needs at least one trial, got \(count)")
        let swaps = families.dropFirst().map { family in var plan = base; plan.family = family; return plan }.prefix(count - 1)
        let draws = dimensions.subtracting([.family]).isEmpty ? 0 : count - 1 - swaps.count
        return [base] + swaps + draw(draws)
    }

    /// `count` random plans seeded by `base.seed`: each draws dropout, weight decay, hidden and
    /// lr in a fixed order from the stream (seed, `.tuningDraws`), and the family (uniform
    /// over `families`) from the stream (seed, `.tuningFamily`), so the sequence of draws does
    /// not depend on which options are searched; it keeps the searched ones.
    public func draw(_ count: Int) -> [FitPlan] {
        var random = RandomSource(key: StreamKey(seed: base.seed, purpose: .tuningDraws))
        var familyRandom = RandomSource(key: StreamKey(seed: base.seed, purpose: .tuningFamily))
        func uniform(_ range: ClosedRange<Double>, _ u: Double) -> Float { Float(range.lowerBound + u * (range.upperBound - range.lowerBound)) }
        func logUniform(_ range: ClosedRange<Double>, _ u: Double) -> Float {
            Float(exp(log(range.lowerBound) + u * (log(range.upperBound) - log(range.lowerBound))))
        }
        return (0..<count).map { _ in
            let u = (0..<4).map { _ in random.uniform() }
            var plan = base
            if dimensions.contains(.dropout) { plan.dropout = uniform(Self.dropoutRange, u[0]) }
            if dimensions.contains(.weightDecay) { plan.weightDecay = logUniform(Self.weightDecayRange, u[1]) }
            if dimensions.contains(.hidden) {
                plan.hidden = Self.hiddenChoices[min(Self.hiddenChoices.count - 1, Int(u[2] * Double(Self.hiddenChoices.count)))]
            }
            if dimensions.contains(.lr) { plan.learningRate = logUniform(Self.learningRateRange, u[3]) }
            let f = familyRandom.uniform()
            if families.count > 1 { plan.family = families[min(families.count - 1, Int(f * Double(families.count)))] }
            return plan
        }
    }
}
