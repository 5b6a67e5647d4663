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
    }

    static func cases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DistributionsTests/Fixtures/extreme.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let list = try #require(root["dist"] as? [[String: Any]])
        return list.map { c in
            var values: [String: [(Double, Double)]] = [:]
            for key in ["logpdf", "cdf", "quantile"] {
                values[key] = ((c[key] as? [[NSNumber]]) ?? []).map { ($0[0].doubleValue, $0[1].doubleValue) }
            }
            return Case(family: c["family"] as! String, options: c["options"] as! [String], values: values)
        }
    }

    @Test func extremePointsMatchScipy() throws {
        let cases = try Self.cases()
        #expect(cases.count == 9)
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
        }
    }
}
