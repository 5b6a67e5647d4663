import Distributions
import Foundation
import LikelyTensor
import LikelyTestSupport
import Testing

/// Families at extreme but legal parameters against scipy (`Fixtures/extreme.json`, written by
/// `Fixtures/generate_extreme.py`): values GSL's algorithms cannot reach there.
@Suite struct ExtremeParameterTests {
    /// The fixture's list under `key`.
    static func objects(_ key: String) -> [[String: Any]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/extreme.json")
        guard let data = try? Data(contentsOf: url), let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return []
        }
        return (root[key] as? [[String: Any]]) ?? []
    }

    /// The fixture's list under `key`, each case's numbers by name.
    static func cases(_ key: String) -> [[String: Double]] {
        objects(key).map { $0.compactMapValues { ($0 as? NSNumber)?.doubleValue } }
    }

    /// The entropy at means of 10⁹ (the sum stopped at 10⁸ terms and gave 0 after 12 s of CPU)
    /// and down to rp = 1000 and r = 3, against a summation over ±40 sd.
    @Test func negativeBinomialEntropyAtLargeMeans() {
        Self.expectNegativeBinomialEntropies("negbinomial_entropy", count: 5)
    }

    /// The fixture's negative-binomial entropies under `key` (`count` of them), to 10⁻⁶ relative.
    static func expectNegativeBinomialEntropies(_ key: String, count: Int) {
        let cases = Self.cases(key)
        #expect(cases.count == count)
        for c in cases {
            let d = NegativeBinomial(totalCount: Tensor([Float(c["total_count"]!)]), probs: Tensor([Float(c["probs"]!)]))
            let ours = Double(d.entropy.scalars[0])
            #expect(isApproximatelyEqual(ours, c["entropy"]!, absolute: 0, relative: 1e-6), "\(c): entropy \(ours)")
        }
    }

    /// A small r with p → 1 (rp < 1000, means of 5·10⁵ to 3·10⁹; the sum stopped at 10⁸ terms
    /// and gave 0 at the last), against scipy's log-mass summed to the mean + 60 sd, or the
    /// Gamma entropy the scaled count approaches where that sum is too long.
    @Test func negativeBinomialEntropyForSmallCountsAndLargeMeans() {
        Self.expectNegativeBinomialEntropies("negbinomial_entropy_small_r", count: 5)
    }

    /// Normal mixtures at levels whose Float cdf rounds to 1 (the largest Float below 1,
    /// 1 − 3·10⁻⁷) and at 10⁻³⁰, against a 50-digit inversion of the mixture cdf: the search
    /// compares a Double cdf with p (a Float cdf was off by 0.06 at 1 − 2⁻²⁴).
    @Test func normalMixtureQuantilesAtExtremeLevels() {
        let cases = Self.objects("mixture_quantile")
        #expect(cases.count == 6)
        for c in cases {
            let numbers = { (key: String) in ((c[key] as? [NSNumber]) ?? []).map { Float($0.doubleValue) } }
            let components = zip(numbers("locs"), numbers("scales")).map { Normal(loc: Tensor([$0]), scale: Tensor([$1])) }
            let mixture = Mixture(components: components, weights: Tensor(numbers("weights")))
            let p = (c["p"] as? NSNumber)?.doubleValue ?? .nan, expected = (c["quantile"] as? NSNumber)?.doubleValue ?? .nan
            let ours = Double(mixture.quantile(Tensor([Float(p)])).scalars[0])
            #expect(isApproximatelyEqual(ours, expected, absolute: 0, relative: 2e-7), "\(c): quantile \(ours), reference \(expected)")
        }
    }

    /// r and k beyond 10⁹: GSL's incomplete beta does not converge near the mean (it gave NaN);
    /// the Edgeworth expansion agrees with boost's to 10⁻⁸ absolute.
    @Test func negativeBinomialCDFAtHugeCounts() {
        let cases = Self.cases("negbinomial_cdf")
        #expect(cases.count == 72)
        for c in cases {
            let d = NegativeBinomial(totalCount: Tensor([Float(c["total_count"]!)]), probs: Tensor([Float(c["probs"]!)]))
            let ours = Double(d.cdf(Tensor([Float(c["k"]!)])).scalars[0])
            #expect(isApproximatelyEqual(ours, c["cdf"]!, absolute: 1e-7, relative: 1e-5),
                    "NegativeBinomial(r: \(c["total_count"]!), p: \(c["probs"]!)).cdf(\(c["k"]!)) = \(ours), scipy \(c["cdf"]!)")
        }
        // The quantile inverts that cdf: every level gives a finite count.
        let big = NegativeBinomial(totalCount: Tensor([1e10]), probs: Tensor([0.5]))
        let q = big.quantile(Tensor([0.001, 0.5, 0.999])).scalars
        #expect(q.allSatisfy { $0.isFinite } && q[0] < q[1] && q[1] < q[2], "\(q)")
    }

    /// Every family's scalar kernel (`Family.scalarDistribution`) against 60-digit mpmath at
    /// extreme but legal parameters (`Fixtures/extreme_families.json`): logpdf, cdf, quantile,
    /// mean, variance and entropy to 10⁻⁶ relative, non-finite exactly where the true value is
    /// beyond the range of a Double or undefined. The fixture covers every family that has one.
    @Test func everyScalarKernelMatchesMpmath() throws {
        let cases = try ExtremeFamilyFixture.cases()
        let declared = Family.allCases.filter { $0.scalar != nil }.map(\.name)
        #expect(Set(cases.map(\.family)) == Set(declared) && Set(declared) == Set(ExtremeFamilyFixture.families))
        for c in cases {
            let family = try #require(Family(named: c.family))
            let d = try #require(family.scalarDistribution(Self.parameters(c.options, of: family)), "\(c.family)")
            func check(_ ours: Double, _ expected: ExtremeFamilyFixture.Value, _ what: String) {
                switch expected {
                case .number(let reference):
                    #expect(ExtremeFamilyFixture.agrees(ours, reference), "\(c.family) \(c.options) \(what) = \(ours), mpmath \(reference)")
                case .null(let reason):
                    #expect(!ours.isFinite, "\(c.family) \(c.options) \(what) = \(ours); mpmath: \(reason)")
                }
            }
            let functions: [String: (Double) -> Double] = ["logpdf": d.logProb, "cdf": d.cdf, "quantile": d.quantile]
            for key in ExtremeFamilyFixture.pointKeys {
                for (x, expected) in c.points[key] ?? [] { check(functions[key]!(x), expected, "\(key)(\(x))") }
            }
            let statistics = ["mean": d.mean, "variance": d.variance, "entropy": d.entropy]
            for (key, expected) in c.statistics { check(statistics[key]!, expected, key) }
        }
    }

    /// `--name value` pairs of `likely dist` as the family's parameters (a logit form by its
    /// option name, lists comma-separated).
    static func parameters(_ options: [String], of family: Family) -> ScalarParameters {
        var result = ScalarParameters()
        for i in stride(from: 0, to: options.count - 1, by: 2) {
            let name = String(options[i].dropFirst(2)), numbers = options[i + 1].split(separator: ",").compactMap { Double($0) }
            if let parameter = family.parameters.first(where: { $0.optionName == name }) {
                result.set(parameter.name, numbers)
            } else if let parameter = family.parameters.first(where: { $0.logitName == name }) {
                result.set(parameter.name, numbers, form: .logits)
            }
        }
        return result
    }
}
