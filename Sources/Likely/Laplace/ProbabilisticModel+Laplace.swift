import CGSL
import Foundation

extension ProbabilisticModel {
    /// Fits a Laplace posterior of every member around its trained weights on `data` (the
    /// data the model was trained on) and keeps it in `laplace`, replacing any before.
    ///
    /// Member j: GGN = Σᵢ Jᵢᵀ Λᵢ Jᵢ, summed over `chunkSize` rows at a time as (Lᵢᵀ Jᵢ)ᵀ(Lᵢᵀ Jᵢ)
    /// with Λᵢ = Lᵢ Lᵢᵀ (`cblas_dsyrk`); then δ (`PriorPrecision`), H = GGN + δ I and its
    /// Cholesky factor, and the evidence ln p(D | θ*) + Σₗ (Pₗ/2) ln δₗ − Σₗ δₗ ‖θₗ*‖²/2 − ½ ln det H
    /// (the likelihood in the target's original units). Member j's Monte-Carlo Fisher draws
    /// are keyed by `memberSeed(seed, member: j)`.
    /// - Parameters:
    ///   - data: features in the data's units and targets in original units.
    ///   - structure: `full` (MLPs, at most 10,000 weights) or `lastLayer`.
    ///   - prior: `auto` (default), `autoPerLayer` or a fixed δ.
    ///   - seed: keys the Monte-Carlo Fisher of families without a closed form.
    ///   - chunkSize: rows per Jacobian.
    ///   - progress: told a line per member (and per chunk every 2 s).
    /// - Returns: the approximation, also stored in `laplace`.
    /// - Throws: `LaplaceError` for a structure not built or not suited to the network, a
    ///   network beyond the size limit, a non-finite likelihood or a failed factorisation;
    ///   `DataShapeError` for data of another shape.
    @discardableResult
    public func fitLaplace(on data: Dataset, structure: LaplaceStructure = .full, prior: PriorPrecision = .auto,
                           seed: UInt64 = 0, chunkSize: Int = 256,
                           progress: ((String) -> Void)? = nil) throws -> LaplaceApproximation {
        precondition(chunkSize > 0, "chunkSize must be positive, got \(chunkSize)")
        try checkLaplace(structure)
        guard Array(data.features.shape.dropFirst()) == featureShape else {
            throw DataShapeError(role: "the Laplace data", exampleShape: Array(data.features.shape.dropFirst()), inputShape: featureShape)
        }
        guard data.count > 0 else { throw LaplaceError("a Laplace posterior needs at least one example, the data has none") }
        let walkers = try members.map { try NetworkJacobian(network: $0, structure: structure) }
        var posteriors: [LaplacePosterior] = []
        for (j, walker) in walkers.enumerated() {
            posteriors.append(try fitMember(walker, data: data, prior: prior, seed: Self.memberSeed(seed, member: j),
                                            chunkSize: chunkSize, progress: progress.map { say in { say("member \(j + 1)/\(walkers.count): \($0)") } }))
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

    /// Throws the `LaplaceError` that `fitLaplace(on:structure:)` would for this network and
    /// structure (not built, not suited, too large), before any training.
    public func checkLaplace(_ structure: LaplaceStructure) throws {
        guard structure.isBuilt else {
            throw LaplaceError("--structure \(structure.rawValue) is not built in this release; use full (MLPs up to \(LaplaceStructure.maximumFullParameterCount) weights) or last-layer")
        }
        for member in members { _ = try NetworkJacobian(network: member, structure: structure) }
    }

    private func fitMember(_ walker: NetworkJacobian, data: Dataset, prior: PriorPrecision, seed: UInt64, chunkSize: Int,
                           progress: ((String) -> Void)?) throws -> LaplacePosterior {
        let p = walker.parameterCount, k = head.rawOutputCount, n = data.count
        var ggn = SymmetricMatrix(zeros: p)
        var logLikelihood = 0.0, said = Date()
        for start in stride(from: 0, to: n, by: chunkSize) {
            let end = min(n, start + chunkSize), m = end - start
            let x = prepare(data.features.slice(alongAxis: 0, start..<end))
            let (outputs, jacobian) = walker.evaluate(x)
            let raw = Tensor(shape: [m, k], scalars: outputs)
            let fisher = head.fisher(raw, seed: seed, firstIndex: start)
            var weighted = [Double](repeating: 0, count: m * k * p)
            for i in 0..<m {
                let factor = SymmetricMatrix.semidefiniteFactor(Array(fisher[(i * k * k)..<((i + 1) * k * k)]), size: k)
                for a in 0..<k {  // row a of Lᵢᵀ Jᵢ = Σ_b L[b, a] Jᵢ[b]
                    let out = (i * k + a) * p
                    for b in a..<k where factor[b * k + a] != 0 {
                        let l = factor[b * k + a], row = (i * k + b) * p
                        for c in 0..<p { weighted[out + c] += l * jacobian[row + c] }
                    }
                }
            }
            ggn.addGram(of: weighted, rows: m * k)
            let targets = data.targets.slice(alongAxis: 0, start..<end)
            logLikelihood += withoutGradients { head.distribution(raw, scaling: targetScaling).logProb(targets).scalars }
                .reduce(0.0) { $0 + Double($1) }
            if Date().timeIntervalSince(said) >= 2 { said = Date(); progress?("curvature of \(end)/\(n) examples") }
        }
        guard logLikelihood.isFinite else {
            throw LaplaceError("the log-likelihood of the Laplace data under the trained network is \(logLikelihood); every target must be in the \(head.family.name) head's support")
        }
        ggn.symmetrize()
        let theta = walker.weights
        let groups = walker.denseLayers.map { ($0.offset, $0.count) }
        func squaredNorm(_ range: Range<Int>) -> Double { theta[range].reduce(0.0) { $0 + $1 * $1 } }
        var delta: [Double]
        switch prior {
        case .fixed(let x): delta = [x]
        case .auto, .autoPerLayer:
            let evidence = LaplaceEvidence(logLikelihood: logLikelihood, squaredNorm: squaredNorm(0..<p), eigenvalues: try ggn.eigenvalues(singlePrecision: p > 500))
            delta = [evidence.argmax()]
        }
        if prior == .autoPerLayer {
            delta = try perLayerPrecision(ggn, groups: groups, start: delta[0], squaredNorms: groups.map { squaredNorm($0.0..<($0.0 + $0.1)) })
        }
        let perWeight = Self.perWeight(delta, groups: groups, count: p)
        var precision = ggn
        for i in 0..<p { precision[i, i] += perWeight[i] }
        let factor = try precision.cholesky()
        var evidence = logLikelihood - SymmetricMatrix.logDeterminant(cholesky: factor, size: p) / 2
        for (g, (offset, count)) in groups.enumerated() {
            let d = delta.count == 1 ? delta[0] : delta[g]
            evidence += Double(count) / 2 * Foundation.log(d) - d / 2 * squaredNorm(offset..<(offset + count))
        }
        return LaplacePosterior(priorPrecision: delta, logMarginalLikelihood: evidence, parameterCount: p, precisionCholesky: factor)
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
    /// relative (at most 100 rounds).
    private func perLayerPrecision(_ ggn: SymmetricMatrix, groups: [(Int, Int)], start: Double,
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
                let gamma = max(Double(count) - delta[g] * trace, 1e-8)
                next[g] = min(max(gamma / max(squaredNorms[g], 1e-300), 1e-8), 1e12)
            }
            let settled = zip(next, delta).allSatisfy { abs($0 - $1) <= 1e-6 * $1 }
            delta = next
            if settled { break }
        }
        return delta
    }
}
