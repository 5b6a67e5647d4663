import Foundation
import LikelyTestSupport
import Testing

/// `likely dist` at extreme but legal points against scipy and mpmath
/// (`Tests/DistributionsTests/Fixtures/extreme.json`, from `generate_extreme.py`): log-densities
/// beyond Float's range (−5·10⁵⁹), points that Float cannot hold (10¹⁰⁰, 1 − 10⁻¹², a count of
/// 10⁹ + 20000) and probabilities within 10⁻¹² of 1 are evaluated in Double.
@Suite struct DistExtremeTests {
    struct Case {
        var family: String
        var options: [String]
        var values: [String: [(Double, Double)]]
        /// The entropy, where the case gives one.
        var entropy: Double?
    }

    /// The fixture's cases under `key`.
    static func cases(_ key: String = "dist") throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DistributionsTests/Fixtures/extreme.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let list = try #require(root[key] as? [[String: Any]])
        return list.map { c in
            var values: [String: [(Double, Double)]] = [:]
            for key in ["logpdf", "cdf", "quantile"] {
                values[key] = ((c[key] as? [[NSNumber]]) ?? []).map { ($0[0].doubleValue, $0[1].doubleValue) }
            }
            return Case(family: c["family"] as! String, options: c["options"] as! [String], values: values,
                        entropy: (c["entropy"] as? NSNumber)?.doubleValue)
        }
    }

    @Test func extremePointsMatchScipy() throws {
        let cases = try Self.cases()
        #expect(cases.count == 9)
        try Self.expectMatches(cases)
    }

    /// Student's t at tiny and huge df and huge |x| (the tail through the incomplete beta; the
    /// Cauchy quantile as −cot(πp); ln Γ differences as a ln Pochhammer; x² never formed once
    /// it would overflow) and the Gamma entropy at concentrations up to 10³⁰, against 60-digit
    /// mpmath (`dist_tails`). Each was wrong before: NaN, 0, or off by 2·10⁻⁴.
    @Test func tailsMatchMpmath() throws {
        let cases = try Self.cases("dist_tails")
        #expect(cases.count == 10)
        try Self.expectMatches(cases)
    }

    /// Runs `likely dist` for each case and compares every value to 10⁻⁶ relative.
    static func expectMatches(_ cases: [Case]) throws {
        for c in cases {
            var arguments = ["dist", c.family] + c.options + ["--json"]
            for key in ["logpdf", "cdf", "quantile"] where !(c.values[key] ?? []).isEmpty {
                arguments += ["--\(key)", c.values[key]!.map { "\($0.0)" }.joined(separator: ",")]
            }
            let r = try CLI.run(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
            for key in ["logpdf", "cdf", "quantile"] {
                let expected = c.values[key] ?? []
                let ours = (report[key] as? [Any]) ?? []
                #expect(ours.count == expected.count, "\(c.family) \(key): \(r.stdout)")
                for (value, (point, reference)) in zip(ours, expected) {
                    let number = (value as? NSNumber)?.doubleValue ?? .nan
                    #expect(number.isFinite && abs(number - reference) <= 1e-300 + 1e-6 * abs(reference),
                            "\(c.family) \(c.options) \(key)(\(point)) = \(value), reference \(reference)")
                }
            }
            if let entropy = c.entropy {
                let ours = (report["entropy"] as? NSNumber)?.doubleValue ?? .nan
                #expect(abs(ours - entropy) <= 1e-6 * abs(entropy), "\(c.family) \(c.options) entropy \(ours), reference \(entropy)")
            }
        }
    }

    /// Every family of `likely dist` at extreme but legal parameters against 60-digit mpmath
    /// (`extreme_families.json`, from `generate_extreme_families.py`): logpdf, cdf, quantile,
    /// mean, variance and entropy, each to 10⁻⁶ relative, or null with a note where the true
    /// value is beyond the range of a Double. Parameters such as a rate of 10⁻³⁰⁰, a count
    /// probability of 0.999999 or a Poisson rate of 10¹² are held in Double (Float made them
    /// 0, 1.3% off and a 65,536-count staircase).
    @Test func everyFamilyMatchesMpmath() throws {
        let cases = try ExtremeFamilyFixture.cases()
        #expect(Set(cases.map(\.family)) == Set(ExtremeFamilyFixture.families), "\(Set(cases.map(\.family)))")
        for c in cases {
            var arguments = ["dist", c.family] + c.options + ["--json"]
            for key in ExtremeFamilyFixture.pointKeys where !(c.points[key] ?? []).isEmpty {
                arguments += ["--\(key)", c.points[key]!.map { "\($0.point)" }.joined(separator: ",")]
            }
            let r = try CLI.run(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
            let notes = (report["notes"] as? [String: String]) ?? [:]
            func check(_ ours: Any?, _ expected: ExtremeFamilyFixture.Value, pointer: String, _ what: String) {
                let number = (ours as? NSNumber)?.doubleValue
                switch expected {
                case .number(let reference):
                    #expect(number.map { ExtremeFamilyFixture.agrees($0, reference) } == true,
                            "\(c.family) \(c.options) \(what) = \(String(describing: ours)), mpmath \(reference)")
                case .null(let reason):
                    #expect(ours is NSNull && notes[pointer] != nil,
                            "\(c.family) \(c.options) \(what) = \(String(describing: ours)) with note \(notes[pointer] ?? "none"); mpmath: \(reason)")
                }
            }
            for key in ExtremeFamilyFixture.pointKeys {
                let ours = (report[key] as? [Any]) ?? []
                for (index, (point, expected)) in (c.points[key] ?? []).enumerated() {
                    check(index < ours.count ? ours[index] : nil, expected, pointer: "/\(key)/\(index)", "\(key)(\(point))")
                }
            }
            for (key, expected) in c.statistics { check(report[key], expected, pointer: "/\(key)", key) }
        }
    }

    /// Parameters legal in Double but not in Float were refused (exit 2) while the
    /// distributions held Float; now they are evaluated.
    @Test func parametersBeyondFloatAreEvaluated() throws {
        let cases: [([String], Double)] = [
            (["gamma", "--concentration", "1e-300", "--rate", "1"], 1e-300),
            (["normal", "--loc", "1e300", "--scale", "1"], 1e300),
            (["negbinomial", "--total-count", "2", "--probs", "0.99999999999"], 199_999_983_449.92717),   // mpmath
            (["negbinomial", "--total-count", "0.5", "--probs", "0.999999"], 499_999.49998562217),
            (["bernoulli", "--logits", "1e300"], 1),
        ]
        for (arguments, mean) in cases {
            let r = try CLI.run(["dist"] + arguments + ["--json"])
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let ours = (report["mean"] as? NSNumber)?.doubleValue ?? .nan
            #expect(abs(ours - mean) <= 1e-12 * abs(mean), "\(arguments): mean \(ours), expected \(mean)")
        }
    }
}
