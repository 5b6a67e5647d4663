import Distributions
import LikelyTensor
import LikelyTestSupport
import Testing

/// The one generic verifier: every family against scipy.stats, on log-density/mass, cdf,
/// quantile, mean, variance and entropy, to 1e-4 relative (or 1e-4 absolute near zero).
@Suite struct ReferenceTests {
    static let tolerance = 1e-4

    static func agrees(_ ours: Float, _ reference: Double) -> Bool {
        if reference.isNaN { return ours.isNaN }
        return isApproximatelyEqual(Double(ours), reference, absolute: tolerance, relative: tolerance)
    }

    /// Evaluates `f` on all points at once (a batch of one distribution broadcast against
    /// the points) and reports every disagreement.
    static func check(_ what: String, _ c: ReferenceCase, _ points: [(Double, Double)], _ f: (Tensor) -> Tensor) {
        guard !points.isEmpty else { return }
        let values = f(Tensor(points.map { Float($0.0) })).scalars
        #expect(values.count == points.count, "\(what) of \(c.name): \(values.count) results for \(points.count) points")
        for ((x, expected), ours) in zip(points, values) {
            #expect(agrees(ours, expected), "\(what)(\(x)) of \(c.name): \(ours), scipy \(expected)")
            if !expected.isNaN { #expect(!ours.isNaN, "\(what)(\(x)) of \(c.name) is NaN") }
        }
    }

    @Test(arguments: Reference.cases.indices)
    func agreesWithScipy(_ index: Int) {
        let c = Reference.cases[index]
        let d = Reference.distribution(c)
        ReferenceTests.check("logpdf", c, c.logpdf) { d.logProb($0) }
        #expect(ReferenceTests.agrees(d.mean.scalars[0], c.mean), "mean of \(c.name): \(d.mean.scalars[0]), scipy \(c.mean)")
        #expect(ReferenceTests.agrees(d.variance.scalars[0], c.variance),
                "variance of \(c.name): \(d.variance.scalars[0]), scipy \(c.variance)")
        if let u = d as? any UnivariateDistribution {
            ReferenceTests.check("cdf", c, c.cdf) { u.cdf($0) }
            ReferenceTests.check("quantile", c, c.quantile) { u.quantile($0) }
        }
        if let expected = c.entropy {
            let e = d as? any EntropyDistribution
            #expect(e != nil, "\(c.name) has a reference entropy but no entropy")
            if let e {
                #expect(ReferenceTests.agrees(e.entropy.scalars[0], expected), "entropy of \(c.name): \(e.entropy.scalars[0]), scipy \(expected)")
            }
        }
    }

    @Test func fixtureCoversEveryFamily() {
        let families = Set(Reference.cases.map(\.family))
        for name in ["normal", "normal-logscale", "lognormal", "studentt", "laplace", "gamma", "beta", "bernoulli",
                     "bernoulli-probs", "categorical", "categorical-probs", "poisson", "poisson-lograte",
                     "negbinomial", "zip", "mixture-normal", "mixture-poisson"] {
            #expect(families.contains(name), "reference.json has no \(name) case")
        }
    }

    @Test func specialFunctionsAgreeWithScipy() {
        let table = Reference.special
        let unary: [(String, (Tensor) -> Tensor)] = [("logGamma", logGamma), ("digamma", digamma), ("trigamma", trigamma),
                                                     ("erf", erf), ("erfc", erfc), ("logNormalCDF", logNormalCDF)]
        for (name, f) in unary {
            let rows = table[name]!
            let ours = f(Tensor(rows.map { Float($0[0]) })).scalars
            for (row, value) in zip(rows, ours) {
                #expect(ReferenceTests.agrees(value, row[1]), "\(name)(\(row[0])): \(value), scipy \(row[1])")
            }
        }
        let rows = table["logBeta"]!
        let ours = logBeta(Tensor(rows.map { Float($0[0]) }), Tensor(rows.map { Float($0[1]) })).scalars
        for (row, value) in zip(rows, ours) {
            #expect(ReferenceTests.agrees(value, row[2]), "logBeta(\(row[0]), \(row[1])): \(value), scipy \(row[2])")
        }
    }
}
