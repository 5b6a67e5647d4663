import Foundation

/// Deep ensembles: M members of one architecture, each initialised and trained from its own
/// seed stream, sharing the head, the scalings and the data.
///
/// Member j's seed is `memberSeed(seed, member: j)`: the seed itself for member 0 (so a
/// one-member model is exactly the single network of that seed), and for j ≥ 1 64 bits drawn
/// from the stream (seed, `.ensembleMember`, 0, j). Every draw of member j — initial weights,
/// shuffles, training dropout and augmentation, MC-dropout masks of the predictive — is keyed
/// by its member seed, so members are independent and each is the same whether trained alone,
/// in an ensemble of any size, or on another process.
///
/// The predictive of an ensemble is the equal-weight mixture over members (× MC-dropout
/// passes): p(y | x) = (1/(M·T)) Σⱼ Σₜ p(y | x, θⱼ, maskⱼₜ). Its epistemic part (`epistemicSD`,
/// `mutualInformation`) then holds the members' disagreement besides the dropout's.
extension ProbabilisticModel {
    /// The most members a model may have (a model file asking for more is refused).
    public static let maximumMemberCount = 1000

    /// The seed of ensemble member `j`: `seed` for j = 0, else 64 bits of the stream
    /// (seed, `.ensembleMember`, 0, j), never `seed + j` (neighbouring seeds' members would
    /// coincide).
    public static func memberSeed(_ seed: UInt64, member j: Int) -> UInt64 {
        precondition(j >= 0, "a member index must be ≥ 0, got \(j)")
        guard j > 0 else { return seed }
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .ensembleMember, example: UInt64(j)))
        return UInt64(random.next32()) << 32 | UInt64(random.next32())
    }

    /// A deep ensemble of `count` members, member j's network built by `makeMember` from
    /// its member seed `memberSeed(seed, member: j)`.
    /// - Parameters:
    ///   - count: M ≥ 1 members.
    ///   - seed: the ensemble's seed; member j's is `memberSeed(seed, member: j)`.
    ///   - head: the head every member shares.
    ///   - inputShape: the per-example input shape.
    ///   - makeMember: builds one network of the ensemble's architecture from a seed (draw
    ///     its initial weights from that seed only).
    public convenience init(members count: Int, seed: UInt64, head: Head, inputShape: [Int],
                            makeMember: (UInt64) throws -> Sequential) rethrows {
        precondition((1...Self.maximumMemberCount).contains(count),
                     "an ensemble needs 1...\(Self.maximumMemberCount) members, got \(count)")
        let networks = try (0..<count).map { try makeMember(Self.memberSeed(seed, member: $0)) }
        self.init(members: networks, head: head, inputShape: inputShape)
    }

    /// A deep ensemble of `count` members of a built-in architecture sized for `head`, with an
    /// input dropout layer first when `inputDropout` > 0; member j's initial weights come from
    /// the stream (memberSeed(seed, j), `.initialization`), so member 0 of any ensemble is the
    /// one-member model of `seed`. `likely fit` builds its networks here.
    /// - Throws: `LayerSpecError` when the input shape does not suit the architecture,
    ///   `NetworkSizeError` when one member is too large, `EnsembleSizeError` when all
    ///   members together exceed `Sequential.maximumParameterCount` (checked at member 0,
    ///   before the others allocate).
    public convenience init(architecture: Architecture, inputShape: [Int], head: Head, hidden: [Int] = [50, 50],
                            dropout: Float = 0.25, inputDropout: Float = 0, members count: Int, seed: UInt64) throws {
        precondition(inputDropout >= 0 && inputDropout < 1, "input dropout must be in [0, 1), got \(inputDropout)")
        var specs = architecture.specs(inputShape: inputShape, hidden: hidden, dropout: dropout, outputs: head.rawOutputCount)
        if inputDropout > 0 { specs.insert(.dropout(rate: inputDropout), at: 0) }
        try self.init(members: count, seed: seed, head: head, inputShape: inputShape) { memberSeed in
            var random = RandomSource(key: StreamKey(seed: memberSeed, purpose: .initialization))
            let network = try Sequential(specs: specs, inputShape: inputShape, using: &random)
            if count > 1 {
                try EnsembleSizeError.check(members: count, weightsPerMember: network.parameters.reduce(0) { $0 + $1.tensor.count })
            }
            return network
        }
    }

    /// Member `j` alone: a one-member model sharing that member's network (its weights, not a
    /// copy), the head and everything fitted from data (the schema and the conformal scores). Training
    /// the view trains the member; its predictive is member j's alone.
    public func member(_ j: Int) -> ProbabilisticModel {
        precondition(members.indices.contains(j), "member \(j) is outside 0..<\(members.count)")
        let view = ProbabilisticModel(network: members[j], head: head, inputShape: inputShape)
        view.schema = schema
        view.conformal = conformal
        view.laplace = laplace.map { LaplaceApproximation(structure: $0.structure, prior: $0.prior, count: $0.count, members: [$0.members[j]]) }
        return view
    }
}
