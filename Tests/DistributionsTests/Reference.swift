import Distributions
import Foundation
import LikelyTensor

/// The frozen scipy reference values of `Fixtures/reference.json` (written by
/// `Fixtures/generate_reference.py`), and the families they describe, built through the
/// public API.
struct ReferenceCase: Sendable {
    var family: String
    /// Each parameter as a list (a scalar parameter has one element).
    var params: [String: [Double]]
    var logpdf: [(Double, Double)]
    var cdf: [(Double, Double)]
    var quantile: [(Double, Double)]
    var mean: Double
    var variance: Double
    var entropy: Double?

    var name: String { "\(family) \(params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: " "))" }
}

enum Reference {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reference.json")

    static var root: [String: Any] {
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// A JSON number or one of the strings "inf", "-inf", "nan".
    static func number(_ value: Any) -> Double {
        if let s = value as? String {
            switch s {
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return .nan
            }
        }
        return (value as! NSNumber).doubleValue
    }

    static func pairs(_ value: Any?) -> [(Double, Double)] {
        ((value as? [[Any]]) ?? []).map { (number($0[0]), number($0[1])) }
    }

    static let cases: [ReferenceCase] = (root["cases"] as! [[String: Any]]).map { c in
        ReferenceCase(family: c["family"] as! String,
                      params: (c["params"] as! [String: Any]).mapValues { ($0 as? [Any])?.map(number) ?? [number($0)] },
                      logpdf: pairs(c["logpdf"]), cdf: pairs(c["cdf"]), quantile: pairs(c["quantile"]),
                      mean: number(c["mean"]!), variance: number(c["variance"]!),
                      entropy: c["entropy"].map(number))
    }

    static var special: [String: [[Double]]] {
        (root["special"] as! [String: [[Any]]]).mapValues { rows in rows.map { $0.map(number) } }
    }

    static func scalar(_ params: [String: [Double]], _ key: String) -> Tensor {
        Tensor([Float(params[key]![0])])
    }

    static func vector(_ params: [String: [Double]], _ key: String) -> Tensor {
        Tensor(params[key]!.map { Float($0) })
    }

    /// The distribution a case describes, with batch shape [1] (a categorical: [], K classes).
    static func distribution(_ c: ReferenceCase) -> any Distribution {
        let p = c.params
        switch c.family {
        case "normal": return Normal(loc: scalar(p, "loc"), scale: scalar(p, "scale"))
        case "normal-logscale": return Normal(loc: scalar(p, "loc"), logScale: scalar(p, "logScale"))
        case "lognormal": return LogNormal(loc: scalar(p, "loc"), scale: scalar(p, "scale"))
        case "studentt": return StudentT(df: scalar(p, "df"), loc: scalar(p, "loc"), scale: scalar(p, "scale"))
        case "laplace": return Laplace(loc: scalar(p, "loc"), scale: scalar(p, "scale"))
        case "gamma": return Gamma(concentration: scalar(p, "concentration"), rate: scalar(p, "rate"))
        case "beta": return Beta(alpha: scalar(p, "alpha"), beta: scalar(p, "beta"))
        case "bernoulli": return Bernoulli(logits: scalar(p, "logits"))
        case "bernoulli-probs": return Bernoulli(probs: scalar(p, "probs"))
        case "categorical": return Categorical(logits: vector(p, "logits"))
        case "categorical-probs": return Categorical(probs: vector(p, "probs"))
        case "poisson": return Poisson(rate: scalar(p, "rate"))
        case "poisson-lograte": return Poisson(logRate: scalar(p, "logRate"))
        case "negbinomial": return NegativeBinomial(totalCount: scalar(p, "totalCount"), probs: scalar(p, "probs"))
        case "zip": return ZeroInflatedPoisson(rate: scalar(p, "rate"), gate: scalar(p, "gate"))
        case "mixture-normal":
            let locs = vector(p, "loc").scalars, scales = vector(p, "scale").scalars
            let members = zip(locs, scales).map { Normal(loc: Tensor([$0]), scale: Tensor([$1])) }
            return Mixture(components: members, weights: vector(p, "weights"))
        case "mixture-poisson":
            let members = vector(p, "rate").scalars.map { Poisson(rate: Tensor([$0])) }
            return Mixture(components: members, weights: vector(p, "weights"))
        default: fatalError("unknown family \(c.family) in reference.json")
        }
    }
}
