import Distributions
import Foundation
import LikelyTensor

/// The families `likely dist` knows, with their parameters (the table of `shared/CLI.md`).
enum DistFamily: String, CaseIterable {
    case normal, lognormal, studentt, laplace, gamma, beta, bernoulli, categorical, poisson, negbinomial, zip

    /// Every parameter the family accepts; for bernoulli and categorical exactly one of them.
    var parameters: [String] {
        switch self {
        case .normal, .lognormal, .laplace: return ["loc", "scale"]
        case .studentt: return ["df", "loc", "scale"]
        case .gamma: return ["concentration", "rate"]
        case .beta: return ["alpha", "beta"]
        case .bernoulli, .categorical: return ["probs", "logits"]
        case .poisson: return ["rate"]
        case .negbinomial: return ["total-count", "probs"]
        case .zip: return ["rate", "gate"]
        }
    }

    var parameterList: String {
        let names = parameters.map { "--\($0)" }
        return self == .bernoulli || self == .categorical ? names.joined(separator: " or ") : names.joined(separator: ", ")
    }
}

/// A validated family and its parameters, with the distribution built from them.
struct DistSpec {
    var family: DistFamily
    /// The parameters as echoed in the JSON `params` object (in the family's order).
    var params: [(name: String, value: [Double], isList: Bool)]
    var distribution: any UnivariateDistribution
    /// The member with unit location and scale that `logpdf`, `cdf` and `quantile` evaluate,
    /// and the map to it, applied in Double (see `Standardization`).
    var standard: (distribution: any UnivariateDistribution, map: Standardization)?

    init(command: DistCommand) throws {
        guard let family = DistFamily(rawValue: command.family.lowercased()) else {
            throw DistInputError("FAMILY: unknown family '\(command.family)'; expected one of "
                                 + DistFamily.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.family = family
        let given = Dictionary(command.givenParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        for name in given.keys where !family.parameters.contains(name) {
            throw DistInputError("--\(name) is not a parameter of \(family.rawValue); it takes \(family.parameterList)")
        }
        func number(_ name: String, _ expected: String, _ valid: (Double) -> Bool) throws -> Double {
            guard let text = given[name] else {
                throw DistInputError("\(family.rawValue) needs --\(name) (\(expected))")
            }
            let value = try parseNumber(text, option: "--\(name)")
            guard valid(value) else { throw DistInputError("--\(name) must be \(expected), got \(value)") }
            return value
        }
        let positive = { (x: Double) in x > 0 }
        let any = { (_: Double) in true }
        let t = { (x: Double) in Tensor([Float(x)]) }
        switch family {
        case .normal, .lognormal, .laplace:
            let loc = try number("loc", "a finite number", any), scale = try number("scale", "> 0", positive)
            params = [("loc", [loc], false), ("scale", [scale], false)]
            switch family {
            case .normal:
                distribution = Normal(loc: t(loc), scale: t(scale))
                standard = (Normal(loc: t(0), scale: t(1)), .affine(shift: loc, factor: scale))
            case .lognormal:
                distribution = LogNormal(loc: t(loc), scale: t(scale))
                standard = (LogNormal(loc: t(0), scale: t(scale)), .logShift(loc))
            default:
                distribution = Laplace(loc: t(loc), scale: t(scale))
                standard = (Laplace(loc: t(0), scale: t(1)), .affine(shift: loc, factor: scale))
            }
        case .studentt:
            let df = try number("df", "> 0", positive), loc = try number("loc", "a finite number", any)
            let scale = try number("scale", "> 0", positive)
            params = [("df", [df], false), ("loc", [loc], false), ("scale", [scale], false)]
            distribution = StudentT(df: t(df), loc: t(loc), scale: t(scale))
            standard = (StudentT(df: t(df), loc: t(0), scale: t(1)), .affine(shift: loc, factor: scale))
        case .gamma:
            let c = try number("concentration", "> 0", positive), r = try number("rate", "> 0", positive)
            params = [("concentration", [c], false), ("rate", [r], false)]
            distribution = Gamma(concentration: t(c), rate: t(r))
            standard = (Gamma(concentration: t(c), rate: t(1)), .affine(shift: 0, factor: 1 / r))
        case .beta:
            let a = try number("alpha", "> 0", positive), b = try number("beta", "> 0", positive)
            params = [("alpha", [a], false), ("beta", [b], false)]
            distribution = Beta(alpha: t(a), beta: t(b))
        case .bernoulli:
            switch (given["probs"], given["logits"]) {
            case (.some, .some), (nil, nil):
                throw DistInputError("bernoulli needs exactly one of --probs (in [0, 1]) or --logits")
            case (.some, nil):
                let p = try number("probs", "in [0, 1]") { (0...1).contains($0) }
                params = [("probs", [p], false)]
                distribution = Bernoulli(probs: t(p))
            case (nil, .some):
                let l = try number("logits", "a finite number", any)
                params = [("logits", [l], false)]
                distribution = Bernoulli(logits: t(l))
            }
        case .categorical:
            switch (given["probs"], given["logits"]) {
            case (.some, .some), (nil, nil):
                throw DistInputError("categorical needs exactly one of --probs P1,P2,... or --logits L1,L2,...")
            case (.some(let text), nil):
                let p = try parseProbabilityList(text, option: "--probs")
                let total = p.reduce(0, +)
                guard Swift.abs(total - 1) <= 1e-4 else {
                    throw DistInputError("--probs: the class probabilities must sum to 1, got \(total)")
                }
                params = [("probs", p, true)]
                distribution = Categorical(probs: Tensor(p.map(Float.init)))
            case (nil, .some(let text)):
                let l = try parseList(text, option: "--logits")
                params = [("logits", l, true)]
                distribution = Categorical(logits: Tensor(l.map(Float.init)))
            }
        case .poisson:
            let r = try number("rate", "≥ 0", { $0 >= 0 })
            params = [("rate", [r], false)]
            distribution = Poisson(rate: t(r))
        case .negbinomial:
            let r = try number("total-count", "> 0", positive), p = try number("probs", "in [0, 1)") { $0 >= 0 && $0 < 1 }
            params = [("total_count", [r], false), ("probs", [p], false)]
            distribution = NegativeBinomial(totalCount: t(r), probs: t(p))
        case .zip:
            let r = try number("rate", "≥ 0", { $0 >= 0 }), g = try number("gate", "in [0, 1]") { (0...1).contains($0) }
            params = [("rate", [r], false), ("gate", [g], false)]
            distribution = ZeroInflatedPoisson(rate: t(r), gate: t(g))
        }
    }

    /// Everything that was asked for, computed through the Distributions API.
    func evaluate(logpdf: [Double]?, cdf: [Double]?, quantile: [Double]?, sample: Int?, seed: UInt64) -> DistReport {
        withoutGradients {
            let d = distribution
            let points = { (xs: [Double]) in Tensor(xs.map(Float.init)) }
            var random = RandomSource(seed: seed)
            var report = DistReport(
                family: family.rawValue, params: params,
                mean: d.mean.scalars[0], variance: d.variance.scalars[0],
                entropy: (d as? any EntropyDistribution)?.entropy.scalars[0],
                logpdf: logpdf.map { d.logProb(points($0)).scalars },
                cdf: cdf.map { d.cdf(points($0)).scalars },
                quantile: quantile.map { d.quantile(points($0)).scalars },
                sample: sample.map { d.sample(count: $0, using: &random).scalars })
            if let (unit, map) = standard {
                // The same family at unit location/scale, on points mapped in Double: Float32
                // parameters would otherwise lose (x − loc) to cancellation when |loc| ≫ scale.
                let mapped = { (xs: [Double]) in Tensor(xs.map { Float(map.toStandard($0)) }) }
                report.logpdf = logpdf.map { xs in
                    zip(xs, unit.logProb(mapped(xs)).scalars).map { Float(Double($1) - map.logJacobian($0)) }
                }
                report.cdf = cdf.map { unit.cdf(mapped($0)).scalars }
                report.quantile = quantile.map { ps in unit.quantile(points(ps)).scalars.map { Float(map.fromStandard(Double($0))) } }
            }
            return report
        }
    }
}

/// The results of `likely dist`, as text or one JSON object.
struct DistReport {
    var family: String
    var params: [(name: String, value: [Double], isList: Bool)]
    var mean: Float
    var variance: Float
    var entropy: Float?
    var logpdf: [Float]?
    var cdf: [Float]?
    var quantile: [Float]?
    var sample: [Float]?

    /// A number as JSON; non-finite values as Python's json module writes them
    /// (`Infinity`, `-Infinity`, `NaN`).
    static func format(_ x: Float) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        return "\(x)"
    }

    static func format(_ x: Double) -> String { "\(x)" }

    var json: String {
        let paramFields = params.map { p in
            "\"\(p.name)\": " + (p.isList ? "[" + p.value.map(DistReport.format).joined(separator: ", ") + "]" : DistReport.format(p.value[0]))
        }
        var fields = ["\"family\": \"\(family)\"", "\"params\": {" + paramFields.joined(separator: ", ") + "}",
                      "\"mean\": \(DistReport.format(mean))", "\"variance\": \(DistReport.format(variance))"]
        if let entropy { fields.append("\"entropy\": \(DistReport.format(entropy))") }
        for (key, values) in [("logpdf", logpdf), ("cdf", cdf), ("quantile", quantile), ("sample", sample)] {
            if let values { fields.append("\"\(key)\": [" + values.map(DistReport.format).joined(separator: ", ") + "]") }
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    var text: String {
        var lines = ["family: \(family)",
                     "params: " + params.map { "\($0.name)=" + $0.value.map(DistReport.format).joined(separator: ",") }.joined(separator: " "),
                     "mean: \(DistReport.format(mean))", "variance: \(DistReport.format(variance))"]
        if let entropy { lines.append("entropy: \(DistReport.format(entropy))") }
        for (key, values) in [("logpdf", logpdf), ("cdf", cdf), ("quantile", quantile), ("sample", sample)] {
            if let values { lines.append("\(key): " + values.map(DistReport.format).joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n")
    }
}

/// A change of variable u = g(x), evaluated in Double, from a distribution to its member with
/// unit location and scale: p(x) = p_unit(g(x)) · g′(x), F(x) = F_unit(g(x)), Q(p) = g⁻¹(Q_unit(p)).
enum Standardization {
    /// u = (x − shift) / factor.
    case affine(shift: Double, factor: Double)
    /// u = x · e^−shift (a log-normal's location).
    case logShift(Double)

    func toStandard(_ x: Double) -> Double {
        switch self {
        case .affine(let shift, let factor): return (x - shift) / factor
        case .logShift(let shift): return x * Foundation.exp(-shift)
        }
    }

    func fromStandard(_ u: Double) -> Double {
        switch self {
        case .affine(let shift, let factor): return shift + factor * u
        case .logShift(let shift): return u * Foundation.exp(shift)
        }
    }

    /// −ln g′(x): what a log-density loses under the change of variable.
    func logJacobian(_ x: Double) -> Double {
        switch self {
        case .affine(_, let factor): return Foundation.log(factor)
        case .logShift(let shift): return shift
        }
    }
}
