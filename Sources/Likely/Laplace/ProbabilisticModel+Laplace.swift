import CGSL
import Foundation

extension ProbabilisticModel {
    /// Fits a Laplace posterior of every member around its trained weights on `data` (the
    /// data the model was trained on) and keeps it in `laplace`, replacing any before.
    ///
    /// Member j: one forward pass per chunk of `chunkSize` rows gives the raw outputs and each
    /// covered layer's input; the head's Fisher Λᵢ = Lᵢ Lᵢᵀ in the raw outputs; one backward pass
    /// of the seeds Lᵢ[:, t] gives each layer's output gradients, from which `LaplaceCurvature`
    /// sums what the structure keeps (the GGN Σᵢ Jᵢᵀ Λᵢ Jᵢ, its diagonal or its Kronecker
    /// factors). Then δ (`PriorPrecision`), the precision H = GGN + δ I in the structure's
    /// factors, and the evidence ln p(D | θ*) + Σₗ (Pₗ/2) ln δₗ − Σₗ δₗ ‖θₗ*‖²/2 − ½ ln det H
    /// (the likelihood in the target's original units). Member j's Monte-Carlo Fisher draws
    /// are keyed by `memberSeed(seed, member: j)` and each row's global index.
    ///
    /// Under several processes each sums its contiguous shard of the rows and one allreduce
    /// adds the sums: every rank gets the posterior of one process up to rounding.
    /// - Parameters:
    ///   - data: features in the data's units and targets in original units (every row, on every rank).
    ///   - structure: `full` (MLPs, at most 10,000 weights), `lastLayer`, `kfac`, `ekfac` (two passes
    ///     over the data: KFAC's factors, then the eigenvalues in their eigenbases) or `diagonal`.
    ///   - prior: `auto` (default), `autoPerLayer`, `weightNorm`, `gridsearch` or a fixed δ.
    ///   - validation: held-out rows (data's units, original targets) for `gridsearch`.
    ///   - seed: keys the Monte-Carlo Fisher of families without a closed form.
    ///   - chunkSize: rows per pass.
    ///   - communicator: the processes sharing the rows.
    ///   - progress: told a line per member (and per chunk every 2 s).
    /// - Returns: the approximation, also stored in `laplace`.
    /// - Throws: `LaplaceError` for a structure not suited to the network, a network beyond
    ///   the size limit, a non-finite likelihood, a failed factorisation, or `gridsearch`
    ///   without validation rows or with a `kfac` or `diagonal` structure; `DataShapeError`
    ///   for data of another shape.
    @discardableResult
    public func fitLaplace(on data: Dataset, structure: LaplaceStructure = .full, prior: PriorPrecision = .auto,
                           validation: Dataset? = nil, seed: UInt64 = 0, chunkSize: Int = 256, over communicator: any Communicator = SingleProcessCommunicator(),
                           progress: ((String) -> Void)? = nil) throws -> LaplaceApproximation {
        precondition(chunkSize > 0, "chunkSize must be positive, got \(chunkSize)")
        try checkLaplace(structure)
        guard Array(data.features.shape.dropFirst()) == featureShape else {
            throw DataShapeError(role: "the Laplace data", exampleShape: Array(data.features.shape.dropFirst()), inputShape: featureShape)
        }
        guard data.count > 0 else { throw LaplaceError("a Laplace posterior needs at least one example, the data has none") }
        if prior == .gridsearch {
            guard structure == .full || structure == .lastLayer else {
                throw LaplaceError("--prior-precision gridsearch searches δ for full and last-layer posteriors; for \(structure.rawValue) use auto, auto-per-layer, weight-norm or a number")
            }
            guard let validation, validation.count > 0 else {
                throw LaplaceError("--prior-precision gridsearch chooses δ by the validation NLL and needs validation rows: use fit --laplace with a validation split (the default without --epochs, or --validation-split F)")
            }
            guard Array(validation.features.shape.dropFirst()) == featureShape else {
                throw DataShapeError(role: "the Laplace validation data", exampleShape: Array(validation.features.shape.dropFirst()), inputShape: featureShape)
            }
        }
        let walkers = try members.map { try NetworkJacobian(network: $0, structure: structure) }
        var posteriors: [LaplacePosterior] = []
        for (j, walker) in walkers.enumerated() {
            let rows = communicator.shard(of: 0..<data.count), memberSeed = Self.memberSeed(seed, member: j)
            let say = progress.map { say in { (line: String) in say("member \(j + 1)/\(walkers.count): \(line)") } }
            var curvature = LaplaceCurvature(structure: structure == .ekfac ? .kfac : structure, walker: walker)
            addCurvature(&curvature, data: data, rows: rows, seed: memberSeed, chunkSize: chunkSize, progress: say)
            curvature.sum(over: communicator)
            if structure == .ekfac {
                // KFAC's eigenbases first (the same on every rank: the same sums), then their eigenvalues.
                curvature = LaplaceCurvature(structure: .ekfac, walker: walker, bases: try curvature.kroneckerBlocks())
                addCurvature(&curvature, data: data, rows: rows, seed: memberSeed, chunkSize: chunkSize, progress: say.map { say in { say("eigenvalues: " + $0) } })
                curvature.sum(over: communicator)
            }
            posteriors.append(try posterior(&curvature, prior: prior, validation: validation, memberSeed: memberSeed, chunkSize: chunkSize))
        }
        let approximation = LaplaceApproximation(structure: structure, prior: prior, count: data.count, members: posteriors)
        laplace = approximation
        return approximation
    }

    /// The raw outputs f `[n · K]` and their Jacobian J `[n · K, P]` (row i·K + k is ∂fᵢₖ/∂θ,
    /// row-major) in the weights θ a `structure` posterior of member `member` covers, for raw
    /// (unscaled) features `[n, …inputShape]`; θ in the order of the network's parameters.
    /// - Throws: `LaplaceError` when the structure does not suit the network.
    public func laplaceJacobian(_ features: Tensor, structure: LaplaceStructure, member: Int = 0) throws -> (outputs: [Float], jacobian: [Double]) {
        try NetworkJacobian(network: members[member], structure: structure).evaluate(prepare(features))
    }

    /// J Σ Jᵀ, the covariance of member `member`'s linearised raw outputs under its posterior
    /// (what the Laplace predictive draws from), for raw features `[n, …inputShape]`:
    /// `[n · K · K]`, row-major K × K blocks.
    /// - Throws: `LaplaceError` when the model holds no posterior.
    public func laplaceOutputCovariances(_ features: Tensor, member: Int = 0) throws -> [Double] {
        guard let laplace else { throw LaplaceError("the model holds no Laplace posterior; fit one first (fitLaplace, likely laplace)") }
        let walker = try NetworkJacobian(network: members[member], structure: laplace.structure)
        return laplace.members[member].outputCovariances(withoutGradients { walker.forward(prepare(features)) }, walker: walker)
    }

    /// Throws the `LaplaceError` that `fitLaplace(on:structure:)` would for this network and
    /// structure (not suited, too large), before any training.
    public func checkLaplace(_ structure: LaplaceStructure) throws {
        for member in members { _ = try NetworkJacobian(network: member, structure: structure) }
    }

    /// Adds the curvature of `rows` of `data` (a chunk at a time: one forward and one backward
    /// pass) to `curvature`.
    private func addCurvature(_ curvature: inout LaplaceCurvature, data: Dataset, rows: Range<Int>, seed: UInt64, chunkSize: Int,
                              progress: ((String) -> Void)?) {
        let k = head.rawOutputCount, walker = curvature.walker
        var said = Date()
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: chunkSize) {
            let end = min(rows.upperBound, start + chunkSize), m = end - start
            let trace = walker.forward(prepare(data.features.slice(alongAxis: 0, start..<end)))
            let raw = Tensor(shape: [m, k], scalars: trace.outputs)
            let fisher = head.fisher(raw, seed: seed, firstIndex: start)
            // Seed t of example i is column t of Lᵢ: the rows Lᵢᵀ Jᵢ, whose Gram is Jᵢᵀ Λᵢ Jᵢ.
            var seeds = [Double](repeating: 0, count: m * k * k)
            for i in 0..<m {
                let factor = SymmetricMatrix.semidefiniteFactor(Array(fisher[(i * k * k)..<((i + 1) * k * k)]), size: k)
                for t in 0..<k { for b in t..<k { seeds[(i * k + t) * k + b] = factor[b * k + t] } }
            }
            let targets = data.targets.slice(alongAxis: 0, start..<end)
            let logLikelihood = withoutGradients { head.distribution(raw, scaling: targetScaling).logProb(targets).scalars }
                .reduce(0.0) { $0 + Double($1) }
            curvature.add(trace, gradients: walker.backward(trace, seeds: seeds, perExample: k), logLikelihood: logLikelihood)
            if Date().timeIntervalSince(said) >= 2 { said = Date(); progress?("curvature of \(end - rows.lowerBound)/\(rows.count) examples") }
        }
    }

    /// The posterior of summed curvature: δ as `prior` says (`gridsearch` on `validation`, its
    /// draws keyed by `memberSeed`), H in the structure's factors, the evidence (for `ekfac` from
    /// its re-estimated eigenvalues). `full` and `last-layer` take the GGN out of `curvature` (no
    /// copy of its P² sums).
    private func posterior(_ curvature: inout LaplaceCurvature, prior: PriorPrecision, validation: Dataset?, memberSeed: UInt64,
                           chunkSize: Int) throws -> LaplacePosterior {
        let logLikelihood = curvature.logLikelihood, walker = curvature.walker, p = walker.parameterCount
        guard logLikelihood.isFinite else {
            throw LaplaceError("the log-likelihood of the Laplace data under the trained network is \(logLikelihood); every target must be in the \(head.family.name) head's support")
        }
        let theta = walker.weights
        let groups = walker.denseLayers.map { ($0.offset, $0.count) }
        func squaredNorm(_ range: Range<Int>) -> Double { theta[range].reduce(0.0) { $0 + $1 * $1 } }
        let norms = groups.map { squaredNorm($0.0..<($0.0 + $0.1)) }
        // Weights the model holds at 0 (a same-family GLM's constant columns) are not fitted: the
        // posterior conditions on them (their prior precision is `heldPrecision`), and δ and the
        // evidence count only the free weights, `freeGroups` (layer offset, free weights).
        let held = curvature.structure == .kfac || curvature.structure == .ekfac ? [] : Self.glmHeldWeights(walker.network, head: head)
        let freeGroups = groups.map { group in (group.0, group.1 - held.count { (group.0..<(group.0 + group.1)).contains($0) }) }
        switch curvature.structure {
        case .full, .lastLayer:
            var ggn = curvature.takeGeneralisedGaussNewton()
            for i in held { ggn[i, i] += LaplacePosterior.heldPrecision }
            var delta: [Double]
            switch prior {
            case .fixed(let x): delta = [x]
            case .weightNorm: delta = Self.weightNormPrecision(groups: freeGroups, squaredNorms: norms)
            case .gridsearch:
                guard let validation else { preconditionFailure("gridsearch without validation rows (fitLaplace checks them)") }
                delta = [try gridSearch(ggn, walker: walker, validation: validation, memberSeed: memberSeed, chunkSize: chunkSize).best]
            case .auto, .autoPerLayer:
                let eigenvalues = try held.isEmpty ? ggn.eigenvalues(singlePrecision: p > 500) : ggn.removing(held).eigenvalues(singlePrecision: p > 500)
                delta = [LaplaceEvidence(logLikelihood: logLikelihood, squaredNorm: squaredNorm(0..<p), eigenvalues: eigenvalues).argmax()]
            }
            if prior == .autoPerLayer {
                delta = try perLayerPrecision(ggn, groups: groups, freeCounts: freeGroups.map(\.1), start: delta[0], squaredNorms: norms)
            }
            let perWeight = Self.perWeight(delta, groups: groups, count: p)
            var precision = consume ggn
            for i in 0..<p { precision[i, i] += perWeight[i] }
            let factor = try precision.cholesky()
            // Each held weight's ½ ln(heldPrecision + …) in ½ ln det H is its prior's normaliser, not evidence.
            var evidence = logLikelihood - SymmetricMatrix.logDeterminant(cholesky: factor, size: p) / 2
                + Double(held.count) / 2 * Foundation.log(LaplacePosterior.heldPrecision)
            for (g, (_, count)) in freeGroups.enumerated() {
                let d = delta.count == 1 ? delta[0] : delta[g]
                evidence += Double(count) / 2 * Foundation.log(d) - d / 2 * norms[g]
            }
            return LaplacePosterior(priorPrecision: delta, logMarginalLikelihood: evidence, parameterCount: p, factors: .cholesky(factor))
        case .diagonal, .kfac, .ekfac:
            let factors: LaplaceFactors, eigenvalues: [[Double]]
            if curvature.structure == .diagonal {
                var diagonal = curvature.diagonal()
                let isHeld = Set(held)
                eigenvalues = groups.map { group in (group.0..<(group.0 + group.1)).filter { !isHeld.contains($0) }.map { max(diagonal[$0], 0) } }
                for i in held { diagonal[i] += LaplacePosterior.heldPrecision }
                factors = .diagonal(diagonal)
            } else {
                let blocks = try curvature.kroneckerBlocks()
                eigenvalues = blocks.map(\.eigenvalues)
                factors = .kronecker(blocks)
            }
            let delta = Self.blockPrecision(prior, logLikelihood: logLikelihood, eigenvalues: eigenvalues, squaredNorms: norms)
            // The precision is block-diagonal over layers: the evidence is a sum of the blocks' terms.
            var evidence = logLikelihood
            for (g, values) in eigenvalues.enumerated() {
                let d = delta.count == 1 ? delta[0] : delta[g]
                evidence += LaplaceEvidence(logLikelihood: 0, squaredNorm: norms[g], eigenvalues: values)(d)
            }
            if case .diagonal(let diagonal) = factors {
                let perWeight = Self.perWeight(delta, groups: groups, count: p)
                return LaplacePosterior(priorPrecision: delta, logMarginalLikelihood: evidence, parameterCount: p,
                                        factors: .diagonal(zip(diagonal, perWeight).map { max($0, 0) + $1 }))
            }
            return LaplacePosterior(priorPrecision: delta, logMarginalLikelihood: evidence, parameterCount: p, factors: factors)
        }
    }

    /// δ of a block-diagonal precision (diagonal, KFAC) from each block's curvature eigenvalues:
    /// `auto` maximises the whole evidence in one δ; `autoPerLayer` each block's own terms
    /// (Pₗ/2) ln δₗ − δₗ ‖θₗ‖²/2 − ½ Σ ln(λ + δₗ) in its δₗ, which maximises the whole evidence
    /// since the blocks' terms are separate; `weightNorm` Pₗ / ‖θₗ‖², as for every structure.
    static func blockPrecision(_ prior: PriorPrecision, logLikelihood: Double, eigenvalues: [[Double]], squaredNorms: [Double]) -> [Double] {
        switch prior {
        case .fixed(let x): return [x]
        case .gridsearch: preconditionFailure("gridsearch is for full and last-layer posteriors (fitLaplace checks the structure)")
        case .weightNorm: return weightNormPrecision(groups: eigenvalues.map { (0, $0.count) }, squaredNorms: squaredNorms)
        case .auto:
            return [LaplaceEvidence(logLikelihood: logLikelihood, squaredNorm: squaredNorms.reduce(0, +), eigenvalues: eigenvalues.flatMap { $0 }).argmax()]
        case .autoPerLayer:
            return zip(eigenvalues, squaredNorms).map { LaplaceEvidence(logLikelihood: 0, squaredNorm: $1, eigenvalues: $0).argmax() }
        }
    }

    /// `weightNorm`'s δₗ = Pₗ / ‖θₗ*‖² of each layer's group `(offset, Pₗ)`, kept in 10⁻⁸ … 10¹²
    /// (a layer of zeros gets the largest).
    static func weightNormPrecision(groups: [(Int, Int)], squaredNorms: [Double]) -> [Double] {
        zip(groups, squaredNorms).map { min(max(Double($0.1) / max($1, 1e-300), 1e-8), 1e12) }
    }

    /// δ spread over the P weights: one value everywhere, or layer l's over its group.
    static func perWeight(_ delta: [Double], groups: [(Int, Int)], count p: Int) -> [Double] {
        guard delta.count > 1 else { return [Double](repeating: delta.first ?? 1, count: p) }
        var out = [Double](repeating: 0, count: p)
        for (g, (offset, count)) in groups.enumerated() { for i in offset..<(offset + count) { out[i] = delta[g] } }
        return out
    }

    /// One δ per layer by MacKay's fixed point, from the scalar optimum: δₗ ← γₗ / ‖θₗ‖² with
    /// γₗ = Pₗ − δₗ Σ_{i ∈ l} Σᵢᵢ (Σ = (GGN + D)⁻¹), until every δₗ moves less than 1e-6
    /// relative (at most 100 rounds); Pₗ counts layer l's free weights (`freeCounts`).
    private func perLayerPrecision(_ ggn: SymmetricMatrix, groups: [(Int, Int)], freeCounts: [Int], start: Double,
                                   squaredNorms: [Double]) throws -> [Double] {
        let p = ggn.size
        var delta = [Double](repeating: start, count: groups.count)
        for _ in 0..<100 {
            var precision = ggn
            let perWeight = Self.perWeight(delta, groups: groups, count: p)
            for i in 0..<p { precision[i, i] += perWeight[i] }
            let inverse = LaplacePosterior.lowerInverse(try precision.cholesky(), size: p)
            var next = delta
            for (g, (offset, count)) in groups.enumerated() {
                var trace = 0.0  // Σᵢᵢ = Σ_m L⁻¹[m, i]²
                for m in offset..<p { for i in offset..<min(offset + count, m + 1) { trace += inverse[m * p + i] * inverse[m * p + i] } }
                let gamma = max(Double(freeCounts[g]) - delta[g] * trace, 1e-8)
                next[g] = min(max(gamma / max(squaredNorms[g], 1e-300), 1e-8), 1e12)
            }
            let settled = zip(next, delta).allSatisfy { abs($0 - $1) <= 1e-6 * $1 }
            delta = next
            if settled { break }
        }
        return delta
    }
}
