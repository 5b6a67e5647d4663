import Foundation
import Likely

/// The demo's deep ensemble: M networks of one architecture trained independently, each
/// from its own initial weights and its own shuffling and dropout streams; the predictive is
/// the equal-weight mixture of their deterministic predictives,
/// p(y | x) = (1/M) Σₘ pₘ(y | x), so its epistemic part is the members' disagreement.
struct DemoEnsemble {
    var members: [ProbabilisticModel]
    /// Seconds to train all members.
    var seconds: Double

    var count: Int { members.count }
    /// The model that scores the mixture (every member has the same head and target scaling
    /// family; the mixture's members are already in original units).
    var scorer: ProbabilisticModel { members[0] }

    /// The seed of member m of an ensemble seeded by `seed`.
    static func memberSeed(_ seed: UInt64, member m: Int) -> UInt64 { seed &+ 0x9E37_79B9 &* UInt64(m + 1) }

    /// Builds member m with `make(seed of m)` and trains it on `data` with `options` (its
    /// seed replaced by the member's), M times.
    static func fit(members: Int, seed: UInt64, data: Dataset, options: TrainingOptions, part: String,
                    make: (UInt64) throws -> ProbabilisticModel) throws -> DemoEnsemble {
        precondition(members >= 1, "an ensemble needs at least one member, got \(members)")
        let started = Date()
        var trained: [ProbabilisticModel] = []
        for m in 0..<members {
            let memberSeed = memberSeed(seed, member: m)
            let model = try make(memberSeed)
            var memberOptions = options
            memberOptions.seed = memberSeed
            _ = try DemoFits.fit(model, data, options: memberOptions, part: "\(part) ensemble member \(m + 1)/\(members)")
            trained.append(model)
        }
        return DemoEnsemble(members: trained, seconds: Date().timeIntervalSince(started))
    }

    /// The mixture predictive of `features`: every member's deterministic pass, equally weighted.
    func predictive(_ features: Tensor, seed: UInt64) -> Predictive {
        Predictive(head: scorer.head, members: members.flatMap { $0.predictive(features, mcSamples: 0, seed: seed).members })
    }
}
