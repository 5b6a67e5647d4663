import Foundation
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
}
