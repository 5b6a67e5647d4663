import Foundation

/// The scores of one benchmark split (`Benchmark`).
public struct BenchmarkMetrics: Equatable, Sendable {
    /// Mean negative log-likelihood per test observation, natural log, original units.
    public var nll: Double
    /// Regression and counts: the RMSE of the predictive mean.
    public var rmse: Double?
    /// Regression and counts: the fraction of test targets inside the central 90% interval.
    public var coverage90: Double?
    /// Classes: the fraction of test examples whose most probable class is right.
    public var accuracy: Double?
    /// Classes: the expected calibration error.
    public var ece: Double?
    /// Wall-clock seconds of the split's fit and scoring.
    public var seconds: Double = 0
    /// Rows trained on and scored.
    public var trainRows: Int
    public var testRows: Int
    /// Test cells of categories its training rows lacked (encoded as unseen).
    public var unseenCategoryCells: Int

    /// "nll 1.2345, rmse 0.98, coverage_90 0.91 (3.2 s)".
    var summary: String {
        var parts = [String(format: "nll %.4f", nll)]
        for (key, value) in [("rmse", rmse), ("coverage_90", coverage90), ("accuracy", accuracy), ("ece", ece)] {
            if let value { parts.append(key + String(format: " %.4g", value)) }
        }
        return parts.joined(separator: ", ") + String(format: " (%.1f s)", seconds)
    }

    // MARK: - Packing for a sum over ranks

    static let packedWidth = 10

    /// The numbers in a fixed order; an absent optional is NaN with a flag 0 beside it.
    var packed: [Double] {
        [nll, rmse ?? .nan, coverage90 ?? .nan, accuracy ?? .nan, ece ?? .nan, seconds, Double(trainRows), Double(testRows),
         Double(unseenCategoryCells), (rmse != nil ? 1 : 0) + (accuracy != nil ? 2 : 0)]
    }

    init(packed p: ArraySlice<Double>) {
        let v = Array(p), kinds = Int(v[9])
        self.init(nll: v[0], trainRows: Int(v[6]), testRows: Int(v[7]), unseenCategoryCells: Int(v[8]))
        if kinds & 1 != 0 { (rmse, coverage90) = (v[1], v[2]) }
        if kinds & 2 != 0 { (accuracy, ece) = (v[3], v[4]) }
        seconds = v[5]
    }

    init(nll: Double, trainRows: Int, testRows: Int, unseenCategoryCells: Int) {
        (self.nll, self.trainRows, self.testRows, self.unseenCategoryCells) = (nll, trainRows, testRows, unseenCategoryCells)
    }
}

/// Every split's scores and their mean and standard error (`likely benchmark --json`).
public struct BenchmarkReport: Sendable {
    /// One entry per split, in split order.
    public var splits: [BenchmarkMetrics]

    /// The metrics reported, by their JSON name.
    public static var metrics: [(name: String, value: KeyPath<BenchmarkMetrics, Double?>)] { [
        ("nll", \.nllValue), ("rmse", \.rmse), ("coverage_90", \.coverage90), ("accuracy", \.accuracy), ("ece", \.ece),
    ] }

    /// The mean over the splits, (1/K) Σₖ mₖ; nil when the metric does not apply.
    public func mean(_ metric: KeyPath<BenchmarkMetrics, Double?>) -> Double? {
        let values = splits.compactMap { $0[keyPath: metric] }
        guard !values.isEmpty, values.count == splits.count else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The standard error of the mean, s/√K with s the sample standard deviation
    /// √(Σₖ (mₖ − m̄)² / (K − 1)); NaN for one split, nil when the metric does not apply.
    public func standardError(_ metric: KeyPath<BenchmarkMetrics, Double?>) -> Double? {
        guard let m = mean(metric) else { return nil }
        let k = Double(splits.count)
        guard splits.count > 1 else { return .nan }
        let squares = splits.reduce(0.0) { $0 + ($1[keyPath: metric]! - m) * ($1[keyPath: metric]! - m) }
        return (squares / (k - 1)).squareRoot() / k.squareRoot()
    }

    /// The summed seconds of every split.
    public var seconds: Double { splits.reduce(0) { $0 + $1.seconds } }

    /// One line of JSON: `{"data", "splits", "seconds", "per_split": [{...}], METRIC_mean,
    /// METRIC_se, …}` (keys sorted; a number that is not finite is `null` with its reason in
    /// `"notes"`, as every `likely` JSON output).
    /// - Parameter data: how DATA is named.
    public func json(data: String) -> String {
        var object: [String: JSONValue] = ["data": .string(data), "splits": .number(Double(splits.count)), "seconds": .number(seconds)]
        var reasons: [String: String] = [:]
        for (name, metric) in Self.metrics {
            guard let m = mean(metric), let se = standardError(metric) else { continue }
            object[name + "_mean"] = .number(m)
            object[name + "_se"] = .number(se)
            if splits.count == 1 { reasons["/\(name)_se"] = "one split has no standard error" }
        }
        object["per_split"] = .array(splits.enumerated().map { k, split in
            var entry: [String: JSONValue] = ["split": .number(Double(k)), "seconds": .number(split.seconds),
                                              "n_train": .number(Double(split.trainRows)), "n_test": .number(Double(split.testRows))]
            if split.unseenCategoryCells > 0 { entry["unseen_category_cells"] = .number(Double(split.unseenCategoryCells)) }
            for (name, metric) in Self.metrics { if let v = split[keyPath: metric] { entry[name] = .number(v) } }
            return .object(entry)
        })
        return (try? JSONNumbers.encode(JSONValue.object(object), reasons: reasons)) ?? "{\"error\": \"the report could not be encoded\"}"
    }

    /// A short table: each metric's mean ± standard error.
    public var table: String {
        var lines = ["splits  \(splits.count)"]
        for (name, metric) in Self.metrics {
            guard let m = mean(metric), let se = standardError(metric) else { continue }
            let spread = se.isFinite ? String(format: " ± %.4f", se) : " (one split: no standard error)"
            lines.append(name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%.4f", m) + spread)
        }
        lines.append(String(format: "seconds     %.1f", seconds))
        return lines.joined(separator: "\n")
    }
}

extension BenchmarkMetrics {
    /// `nll` as an optional, so that every metric is read through one key-path type.
    public var nllValue: Double? { nll }
}

/// A JSON value for `JSONNumbers.encode`.
enum JSONValue: Encodable {
    case number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let x): if x == x.rounded(), Swift.abs(x) < 1e15 { try c.encode(Int(x)) } else { try c.encode(x) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
