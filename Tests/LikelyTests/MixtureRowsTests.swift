import Foundation
import Likely
import LikelyTestSupport
import Testing

/// The continuous predictive's quantiles (all levels of an input in one search) and its CRPS
/// (E|X − y| − ½E|X − X′|, closed forms and quadrature) for every continuous family, against
/// scipy: brentq on the mixture cdf and quad of ∫ (F − 1{x ≥ y})², in
/// `Fixtures/crps/mixture_rows.json` (`generate_mixture_rows.py`). Each case is an equal-weight
/// mixture of 30 members, as an MC-dropout predictive at T = 30.
@Suite struct MixtureRowsTests {
    let reference: [String: Any]
    init() throws { reference = try MetricsFixture.load(file: "crps/mixture_rows.json") }

    /// The predictive of one fixture row: 30 members of `family`, each of batch shape [rows]
    /// (the row repeated).
    static func predictive(_ family: String, _ parameters: [String: Any], rows: Int = 1) -> Predictive {
        let p = parameters
        func column(_ key: String, _ t: Int) -> Tensor { .full(Float(p.numbers(key)[t]), shape: [rows]) }
        let members: [any UnivariateDistribution] = (0..<p.numbers(p.keys.sorted()[0]).count).map { t in
            switch family {
            case "normal": return Normal(loc: column("loc", t), scale: column("scale", t))
            case "laplace": return Laplace(loc: column("loc", t), scale: column("scale", t))
            case "studentt": return StudentT(df: column("df", t), loc: column("loc", t), scale: column("scale", t))
            case "lognormal": return LogNormal(loc: column("loc", t), scale: column("scale", t))
            case "gamma": return Gamma(concentration: column("concentration", t), rate: column("rate", t))
            default: return Beta(alpha: column("alpha", t), beta: column("beta", t))
            }
        }
        let head = Family.allCases.first { $0.name == family }.map { Head($0) } ?? Head(.beta)
        return Predictive(head: head, members: members)
    }

    static let families = ["normal", "laplace", "studentt", "lognormal", "gamma", "beta"]

    /// Every level to one Float ulp, plus 10⁻⁷ of the row's 95% width near zero.
    @Test(arguments: families) func quantilesOfEveryLevelInOneSearch(family: String) {
        for c in reference.objects(family) {
            let predictive = Self.predictive(family, c.object("parameters"))
            let truth = c.numbers("quantiles")
            let ours = predictive.quantiles(c.numbers("levels")).map { Double($0[0]) }
            let width = truth[truth.count - 1] - truth[0]
            for (q, t) in zip(ours, truth) {
                #expect(Swift.abs(q - t) <= 1.2e-7 * Swift.abs(t) + 1e-7 * width, "\(family): \(q) against \(t)")
            }
        }
    }

    /// The CRPS at each row's median, its 0.99 quantile and two far outside, to 10⁻⁴ relative.
    @Test(arguments: families) func crpsMatchesQuadrature(family: String) {
        for c in reference.objects(family) {
            let predictive = Self.predictive(family, c.object("parameters"))
            for (y, truth) in zip(c.numbers("observations"), c.numbers("crps")) {
                let ours = predictive.continuousRankedProbabilityScore(observations: [y])
                #expect(isApproximatelyEqual(ours, truth, absolute: 0, relative: 1e-4), "\(family) at y = \(y): \(ours) against \(truth)")
            }
        }
    }

    /// `evaluate`'s coverage from the PIT values F(y) equals the coverage of the interval bounds
    /// from the quantile search, at every level, on inputs whose observations fall anywhere.
    @Test(arguments: families) func coverageFromThePITEqualsCoverageFromTheBounds(family: String) throws {
        for c in reference.objects(family) {
            let truth = c.numbers("quantiles")
            // Observations across the 95% interval and beyond, on a grid of 400 that misses the
            // fixture's bounds themselves, inside the support.
            let low = truth[0], high = truth[truth.count - 1]
            let span: Double = high - low
            var ys: [Double] = []
            for i in 0..<400 {
                let y: Double = low - 0.2013 * span + 1.4 * span * Double(i) / 399
                let inside = family == "beta" ? y > 0 && y < 1 : (family == "lognormal" || family == "gamma" ? y > 0 : true)
                if inside { ys.append(Double(Float(y))) }
            }
            let rows = Self.predictive(family, c.object("parameters"), rows: ys.count)
            let pit: [Double] = rows.cdf(Tensor(ys.map { Float($0) })).map { Double($0) }
            let standard = IntervalCoverage.standardLevels
            var wanted: [Double] = []
            for level in standard { wanted += [(1 - level) / 2, (1 + level) / 2] }
            let bounds = rows.quantiles(wanted)
            for (l, level) in standard.enumerated() {
                let lower: [Double] = bounds[2 * l].map { Double($0) }, upper: [Double] = bounds[2 * l + 1].map { Double($0) }
                let fromBounds = Metrics.coverage(lower: lower, upper: upper, observations: ys)
                let fromPIT = Metrics.coverage(probabilityIntegralTransforms: pit, level: level)
                let tolerance: Double = 1 / Double(ys.count)
                #expect(Swift.abs(fromBounds - fromPIT) <= tolerance, "\(family) at \(level): \(fromBounds) against \(fromPIT)")
            }
        }
    }
}

