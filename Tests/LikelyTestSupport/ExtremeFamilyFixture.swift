import Foundation

/// The fixture `Tests/DistributionsTests/Fixtures/extreme_families.json` (written by
/// `generate_extreme_families.py` beside it): every family of `likely dist` at extreme but legal
/// parameters in 60-digit mpmath, read by the library and CLI tests alike.
public enum ExtremeFamilyFixture {
    /// A reference value: a number, or null with why (beyond the Double range, undefined, …).
    public enum Value {
        case number(Double)
        case null(String)
    }

    public struct Case {
        public var family: String
        public var options: [String]
        /// logpdf, cdf and quantile: each point with its reference.
        public var points: [String: [(point: Double, value: Value)]]
        /// mean, variance and entropy, where the case gives them.
        public var statistics: [(String, Value)]
    }

    public static let pointKeys = ["logpdf", "cdf", "quantile"]
    /// Every family `likely dist` evaluates.
    public static let families = ["normal", "studentt", "laplace", "lognormal", "gamma", "beta", "poisson", "negbinomial", "zip",
                           "bernoulli", "categorical"]

    /// Within 10⁻⁶ relative (or 10⁻³⁰⁰ absolute, for values that round to 0).
    public static func agrees(_ ours: Double, _ reference: Double) -> Bool {
        if reference.isInfinite { return ours == reference }
        return ours.isFinite && abs(ours - reference) <= 1e-300 + 1e-6 * abs(reference)
    }

    static func value(_ object: Any?) -> Value? {
        guard let entry = object as? [String: Any] else { return nil }
        if let number = entry["value"] as? NSNumber { return .number(number.doubleValue) }
        return .null((entry["reason"] as? String) ?? "null")
    }

    public static func cases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DistributionsTests/Fixtures/extreme_families.json")
        guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              let list = root["cases"] as? [[String: Any]] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return list.map { c in
            var points: [String: [(point: Double, value: Value)]] = [:]
            for key in pointKeys {
                points[key] = ((c[key] as? [[Any]]) ?? []).compactMap { pair in
                    guard pair.count == 2, let x = (pair[0] as? NSNumber)?.doubleValue, let v = value(pair[1]) else { return nil }
                    return (x, v)
                }
            }
            let statistics = ["mean", "variance", "entropy"].compactMap { key in value(c[key]).map { (key, $0) } }
            return Case(family: (c["family"] as? String) ?? "", options: (c["options"] as? [String]) ?? [], points: points,
                        statistics: statistics)
        }
    }
}
