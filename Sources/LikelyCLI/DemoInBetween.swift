import Foundation
import Likely

/// The demo's second in-between case, in 2-D: two clusters of training inputs and nothing
/// between them. A method that knows where its data are has a larger epistemic sd halfway
/// along the segment joining the clusters than at either end.
///
/// x ~ N(c₁, 0.5² I) or N(c₂, 0.5² I) (half each), c₁ = (−2, −2), c₂ = (2, 2);
/// y = sin x₁ + cos x₂ / 2 + 0.1 ε. The network: MLP (50, 50, dropout 0.1), Normal head, the
/// regression demo's methods (deterministic, MC dropout, ensemble, Laplace full).
struct InBetweenDemo {
    var plan: DemoPlan
    var seed: UInt64

    static let centres: [[Double]] = [[-2, -2], [2, 2]]
    /// The points of the segment c₁ + t (c₂ − c₁) at which the sd is reported.
    static let positions = [0.0, 0.25, 0.5, 0.75, 1.0]

    static func generate(count n: Int, using random: inout RandomSource) -> Dataset {
        var x: [Float] = [], y: [Float] = []
        for i in 0..<n {
            let c = centres[i % 2]
            let (a, b) = (c[0] + 0.5 * random.normal(), c[1] + 0.5 * random.normal())
            x += [Float(a), Float(b)]
            y.append(Float(sin(a) + cos(b) / 2 + 0.1 * random.normal()))
        }
        return Dataset(features: Tensor(shape: [n, 2], scalars: x), targets: Tensor(y), featureNames: ["x1", "x2"])
    }

    struct Result: Encodable {
        var nTrain: Int
        var positions: [Double]
        var order: [String]
        var labels: [String]
        /// Per method, the epistemic and the total sd at each position.
        var epistemicSD: [String: [Double]]
        var totalSD: [String: [Double]]

        enum CodingKeys: String, CodingKey {
            case nTrain = "n_train", positions, order, labels, epistemicSD = "epistemic_sd", totalSD = "total_sd"
        }
    }

    func run() throws -> Result {
        let n = plan.regressionTrain / 2
        say("\n[2/3] two clusters in 2-D around (−2, −2) and (2, 2), \(n) training points: the sd along the segment between them")
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .demoInBetweenData))
        let train = Self.generate(count: n, using: &random), validation = Self.generate(count: 200, using: &random)
        let fits = try DemoFits.run(part: "in-between", train: train, validation: validation, epochs: plan.regressionEpochs,
                                    batchSize: 32, learningRate: 0.003, seed: seed, members: plan.regressionMembers, epochLines: false) { seed, members in
            try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.normal), hidden: [50, 50], dropout: 0.1,
                                   members: members, seed: seed)
        }
        let methods = DemoMethod.compared(fits, mc: plan.regressionMC, seed: seed) + [try DemoMethod.laplace(fits, train: train, seed: seed)]
        let (c1, c2) = (Self.centres[0], Self.centres[1])
        let points = Self.positions.flatMap { t in [Float(c1[0] + t * (c2[0] - c1[0])), Float(c1[1] + t * (c2[1] - c1[1]))] }
        let probe = Tensor(shape: [Self.positions.count, 2], scalars: points)
        var epistemic: [String: [Double]] = [:], total: [String: [Double]] = [:]
        for method in methods {
            let sd = method.predict(probe).standardDeviations
            (epistemic[method.key], total[method.key]) = (sd.epistemic, sd.total)
        }
        return Result(nTrain: n, positions: Self.positions, order: methods.map(\.key), labels: methods.map(\.label),
                      epistemicSD: epistemic, totalSD: total)
    }
}
