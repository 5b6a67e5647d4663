import Foundation
import Testing

/// `likely dist` at extreme but legal parameters: bounded time, right numbers (scipy values
/// from `Tests/DistributionsTests/Fixtures/reference.json`, the issue's cases), and JSON that
/// parses, with `null` and a note where a number is not finite.
@Suite struct NumericOutputTests {
    static func dist(_ arguments: [String]) throws -> [String: Any] {
        let r = try CLI.run(["dist"] + arguments + ["--json"])
        #expect(r.status == 0 && !r.crashed, "dist \(arguments) failed with \(r.status): \(r.stderr)")
        return try EndToEndTests.json(r.stdout)
    }

    static func first(_ object: [String: Any], _ key: String) -> Double {
        ((object[key] as? [Any])?.first as? NSNumber)?.doubleValue ?? .nan
    }

    static func close(_ a: Double, _ b: Double, _ relative: Double = 1e-5) -> Bool { abs(a - b) <= relative * abs(b) }

    @Test func undefinedMomentsAreNullWithAReason() throws {
        let t = try Self.dist(["studentt", "--df", "1", "--loc", "0", "--scale", "1", "--logpdf", "0"])
        #expect(t["mean"] is NSNull && t["variance"] is NSNull)
        let notes = try #require(t["notes"] as? [String: String])
        #expect(notes["/mean"]?.contains("does not exist") == true, "\(notes)")
        let t2 = try Self.dist(["studentt", "--df", "1.5", "--loc", "0", "--scale", "1"])
        #expect((t2["notes"] as? [String: String])?["/variance"]?.contains("diverges") == true, "\(t2)")
    }

    @Test func hugePoissonRateEndsWithRightNumbers() throws {
        // Median of Poisson(λ) is ⌊λ + 1/3 − 0.02/λ⌋ = λ; the rate is held in Double, exactly 10¹².
        let p = try Self.dist(["poisson", "--rate", "1e12", "--quantile", "0.5", "--sample", "5", "--cdf", "1e12"])
        #expect(Self.first(p, "quantile") == 1e12, "\(p)")
        #expect(Self.close(Self.first(p, "cdf"), 0.5000002659615203, 1e-8))   // scipy
        let draws = ((p["sample"] as? [NSNumber]) ?? []).map(\.doubleValue)
        #expect(draws.count == 5 && draws.allSatisfy { abs($0 - 1e12) < 1e7 }, "\(draws)")   // 10 sd
        // Entropy: the issue's 11.781 at 1e9 and 10.63 at 1e8 (summed in the fixture generator).
        #expect(Self.close(try Self.dist(["poisson", "--rate", "1e9"])["entropy"] as? Double ?? .nan, 11.780571, 1e-6))
        #expect(Self.close(try Self.dist(["poisson", "--rate", "1e8"])["entropy"] as? Double ?? .nan, 10.629279, 1e-6))
    }

    @Test func gammaAndBetaQuantilesAtExtremeShapes() throws {
        let g = try Self.dist(["gamma", "--concentration", "0.1", "--rate", "1", "--quantile", "0.05"])
        #expect(Self.close(Self.first(g, "quantile"), 5.930714829248478e-14, 1e-4), "\(g)")
        let b1 = try Self.dist(["beta", "--alpha", "5", "--beta", "0.05", "--quantile", "0.25"])
        #expect(Self.close(Self.first(b1, "quantile"), 0.999591, 1e-5), "\(b1)")
        let b2 = try Self.dist(["beta", "--alpha", "0.05", "--beta", "5", "--quantile", "0.75"])
        #expect(Self.close(Self.first(b2, "quantile"), 4.09e-4, 1e-2), "\(b2)")
    }

    @Test func modelWithAZeroFeatureStandardDeviationIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV())
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "1"]), "fit")
        let file = model + "/model.json"
        var description = try EndToEndTests.json(try String(contentsOfFile: file, encoding: .utf8))
        var scaling = try #require(description["feature_scaling"] as? [String: Any])
        var sd = try #require(scaling["standard_deviation"] as? [Double])
        sd[0] = 0
        scaling["standard_deviation"] = sd
        description["feature_scaling"] = scaling
        try JSONSerialization.data(withJSONObject: description).write(to: URL(fileURLWithPath: file))
        let r = try CLI.run(["predict", model, data])
        #expect(r.status == 2 && !r.crashed, "predict with a zero feature sd: \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("feature_scaling") && r.stderr.contains("feature 1") && r.stderr.contains("standard deviation"), "\(r.stderr)")
    }

    @Test func targetsBeyondFloatParametersAreRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rows = (0..<30).map { "\(Double($0) / 30),\($0 % 2 == 0 ? "3e38" : "-3e38")" }
        let data = try scratch.write("huge.csv", "x,y\n" + rows.joined(separator: "\n") + "\n")
        let r = try CLI.run(["fit", data, "--out", scratch.path("model"), "--epochs", "1"])
        #expect(r.status == 2 && !r.crashed, "fit on ±3e38 targets: \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("1e30"), "\(r.stderr)")
    }
}
