import Foundation
import Likely
import Testing

/// The `diagonal` and `kfac` structures against the whole GGN computed by hand from the
/// Jacobian (`laplaceJacobian`) and the head's Fisher: diagonal equals full's diagonal, KFAC's
/// factors are partial traces of full's blocks and equal full where a Kronecker product is
/// exact; ensembles keep one posterior of each structure per member.
@Suite struct LaplaceStructureTests {
    /// Σᵢ Jᵢᵀ Λᵢ Jᵢ `[P, P]` of the whole network, by hand from J and Λ.
    static func handGGN(_ model: ProbabilisticModel, _ x: Tensor) throws -> (ggn: [Double], p: Int) {
        let (outputs, jacobian) = try model.laplaceJacobian(x, structure: .full)
        let n = x.shape[0], k = model.head.rawOutputCount, p = jacobian.count / (n * k)
        let fisher = model.head.fisher(Tensor(shape: [n, k], scalars: outputs))
        var ggn = [Double](repeating: 0, count: p * p)
        for i in 0..<n { for a in 0..<k { for b in 0..<k {
            let l = fisher[(i * k + a) * k + b]
            guard l != 0 else { continue }
            for c in 0..<p { for d in 0..<p { ggn[c * p + d] += jacobian[(i * k + a) * p + c] * l * jacobian[(i * k + b) * p + d] } }
        } } }
        return (ggn, p)
    }

    /// The precision H = L Lᵀ of a Cholesky posterior.
    static func precision(_ posterior: LaplacePosterior) throws -> [Double] {
        guard case .cholesky(let l) = posterior.factors else { Issue.record("not a Cholesky posterior"); return [] }
        let p = posterior.parameterCount
        var h = [Double](repeating: 0, count: p * p)
        for a in 0..<p { for b in 0..<p { for m in 0...min(a, b) { h[a * p + b] += l[a * p + m] * l[b * p + m] } } }
        return h
    }

    static func close(_ a: Double, _ b: Double, _ relative: Double) -> Bool { abs(a - b) <= relative * max(abs(a), abs(b), 1e-9) }

    static func classificationData(_ model: ProbabilisticModel, n: Int, inputs d: Int, seed: UInt64) -> Dataset {
        var random = RandomSource(seed: seed)
        let x = Tensor.randomNormal([n, d], using: &random)
        return Dataset(features: x, targets: LaplaceTests.targets(for: model.head, raw: model.members[0](x), seed: seed + 1))
    }

    /// diagonal's H is full's diagonal, both equal to the hand GGN's diagonal + δ; its evidence
    /// uses those entries as the eigenvalues; its output covariance is Σ_c Jₐ_c J_b_c / H_cc.
    @Test(arguments: [Family.normal, .categorical])
    func diagonalEqualsTheDiagonalOfFull(family: Family) throws {
        let model = try LaplaceTests.mlp(inputs: 2, head: Head(family, classCount: 3), hidden: [6, 5])
        let data = Self.classificationData(model, n: 40, inputs: 2, seed: 81)
        let delta = 2.0
        let full = try model.fitLaplace(on: data, structure: .full, prior: .fixed(delta)).members[0]
        let fullCovariance = try model.laplaceOutputCovariances(data.features)
        let diagonal = try model.fitLaplace(on: data, structure: .diagonal, prior: .fixed(delta)).members[0]
        let (ggn, p) = try Self.handGGN(model, data.features)
        let h = try Self.precision(full)
        guard case .diagonal(let d) = diagonal.factors else { Issue.record("not diagonal"); return }
        #expect(d.count == p)
        for c in 0..<p {
            #expect(Self.close(d[c], ggn[c * p + c] + delta, 1e-9), "H[\(c)] \(d[c]) vs hand \(ggn[c * p + c] + delta)")
            #expect(Self.close(d[c], h[c * p + c], 1e-9))
        }
        // ln p(D | θ*) from full's evidence, then diagonal's by hand.
        let theta = model.network.parameters.flatMap { $0.tensor.scalars.map(Double.init) }
        let norm = theta.reduce(0) { $0 + $1 * $1 }, prior = Double(p) / 2 * log(delta) - delta / 2 * norm
        guard case .cholesky(let l) = full.factors else { return }
        let logLikelihood = full.logMarginalLikelihood - prior + (0..<p).reduce(0.0) { $0 + log(l[$1 * p + $1]) }
        #expect(Self.close(diagonal.logMarginalLikelihood, logLikelihood + prior - d.reduce(0) { $0 + log($1) } / 2, 1e-9))
        let covariance = try model.laplaceOutputCovariances(data.features)
        let (_, jacobian) = try model.laplaceJacobian(data.features, structure: .full)
        let k = model.head.rawOutputCount
        for i in 0..<data.count { for a in 0..<k { for b in 0..<k {
            let expected = (0..<p).reduce(0.0) { $0 + jacobian[(i * k + a) * p + $1] * jacobian[(i * k + b) * p + $1] / d[$1] }
            #expect(abs(covariance[(i * k + a) * k + b] - expected) <= 1e-9 * max(abs(expected), 1e-6))
        } } }
        // Dropping the off-diagonal curvature changes the predictive: the test can tell them apart.
        #expect(zip(covariance, fullCovariance).contains { !Self.close($0, $1, 1e-3) })
    }

    /// Each KFAC block is A ⊗ G with G = Σᵢ Bᵢ, the GGN block's bias-bias sub-block, and
    /// A = Σᵢ tr(Bᵢ) ãᵢ ãᵢᵀ / Σᵢ tr(Bᵢ), its partial trace over the outputs divided by tr G; so
    /// tr(A ⊗ G) equals the block's trace. Checked per layer against the hand GGN.
    @Test func kfacFactorsArePartialTracesOfTheGGN() throws {
        let model = try LaplaceTests.mlp(inputs: 3, head: Head(.categorical, classCount: 3), hidden: [4])
        let data = Self.classificationData(model, n: 30, inputs: 3, seed: 91)
        let posterior = try model.fitLaplace(on: data, structure: .kfac, prior: .fixed(1)).members[0]
        let (ggn, p) = try Self.handGGN(model, data.features)
        guard case .kronecker(let blocks) = posterior.factors else { Issue.record("not kfac"); return }
        #expect(blocks.count == 2 && blocks.map(\.parameterCount) == [4 * 4, 5 * 3])
        var offset = 0
        for block in blocks {
            let a = block.inputEigenvalues.count, g = block.outputEigenvalues.count
            let left = Self.reconstruct(block.inputEigenvalues, block.inputEigenvectors)
            let right = Self.reconstruct(block.outputEigenvalues, block.outputEigenvectors)
            func entry(_ r: Int, _ c: Int, _ r2: Int, _ c2: Int) -> Double { ggn[(offset + r * g + c) * p + offset + r2 * g + c2] }
            for c in 0..<g { for c2 in 0..<g { #expect(Self.close(right[c * g + c2], entry(a - 1, c, a - 1, c2), 1e-5), "G[\(c),\(c2)]") } }
            let traceG = (0..<g).reduce(0.0) { $0 + entry(a - 1, $1, a - 1, $1) }
            for r in 0..<a { for r2 in 0..<a {
                let expected = (0..<g).reduce(0.0) { $0 + entry(r, $1, r2, $1) } / traceG
                #expect(abs(left[r * a + r2] - expected) <= 1e-5 * max(abs(expected), 1e-3), "A[\(r),\(r2)]")
            } }
            offset += a * g
        }
    }

    static func reconstruct(_ values: [Double], _ vectors: [Double]) -> [Double] {
        let n = values.count
        var out = [Double](repeating: 0, count: n * n)
        for e in 0..<n { for i in 0..<n { for j in 0..<n { out[i * n + j] += values[e] * vectors[e * n + i] * vectors[e * n + j] } } }
        return out
    }

    /// On one Dense layer with one output (a Bernoulli head: logistic regression) every Bᵢ is
    /// a number, so A ⊗ G is the GGN itself: KFAC's precision, evidence, chosen δ and output
    /// variances equal full's, and so do EKFAC's (the GGN is diagonal in the Kronecker basis, so
    /// its diagonal there is its spectrum). The same with two outputs whose Fisher is the same for
    /// every example (a Normal head whose scale weights are 10⁻³⁰: constant scales in float, but
    /// not the exact zeros of a GLM, which `full` holds and KFAC cannot). On two layers they differ.
    @Test(arguments: [LaplaceStructure.kfac, .ekfac], [Family.bernoulli, .normal])
    func kroneckerEqualsFullOnOneLayer(structure: LaplaceStructure, family: Family) throws {
        var random = RandomSource(seed: 101)
        let k = Head(family).rawOutputCount
        var weights = (0..<(4 * k + k)).map { _ in random.normal(mean: 0, standardDeviation: 0.5) }
        if family == .normal { for r in 0..<4 { weights[r * k + 1] = 1e-30 }; weights[4 * k + 1] = -0.3 }
        func model() -> ProbabilisticModel {
            ProbabilisticModel(network: LaplaceTests.linear(inputs: 4, outputs: k, weights: weights), head: Head(family), inputShape: [4])
        }
        let (full, kfac) = (model(), model())
        let data = Self.classificationData(full, n: 60, inputs: 4, seed: 102)
        for prior in [PriorPrecision.fixed(1.5), .auto] {
            let a = try full.fitLaplace(on: data, structure: .full, prior: prior).members[0]
            let b = try kfac.fitLaplace(on: data, structure: structure, prior: prior).members[0]
            #expect(Self.close(a.priorPrecision[0], b.priorPrecision[0], 1e-6), "\(prior): δ \(a.priorPrecision) vs \(b.priorPrecision)")
            #expect(Self.close(a.logMarginalLikelihood, b.logMarginalLikelihood, 1e-8))
            guard case .kronecker(let blocks) = b.factors else { Issue.record("not kfac"); return }
            let h = try Self.precision(a), kron = blocks[0].kroneckerProduct, p = a.parameterCount
            for c in 0..<p { for d in 0..<p {
                // The GGNs (full's δ taken out: the two evidence maxima agree to 1e-6, checked above).
                #expect(abs(h[c * p + d] - (c == d ? a.priorPrecision[0] : 0) - kron[c * p + d]) <= 1e-8 * max(abs(h[c * p + d]), 1))
            } }
            for (x, y) in zip(try full.laplaceOutputCovariances(data.features), try kfac.laplaceOutputCovariances(data.features)) {
                #expect(Self.close(x, y, 1e-7))
            }
        }
        let deep = try LaplaceTests.mlp(inputs: 2, head: Head(.normal), hidden: [5])
        let deepData = LaplaceTests.regressionData(n: 40, inputs: 2, seed: 103)
        let exact = try deep.fitLaplace(on: deepData, structure: .full, prior: .fixed(1)).members[0].logMarginalLikelihood
        let approximate = try deep.fitLaplace(on: deepData, structure: structure, prior: .fixed(1)).members[0].logMarginalLikelihood
        #expect(!Self.close(exact, approximate, 1e-4))
    }

    /// λ = diag((Q_A ⊗ Q_G) GGNₗ (Q_A ⊗ Q_G)ᵀ) `[a · g]` of the block of `ggn` `[p, p]` at `offset`,
    /// in `block`'s Kronecker eigenbasis: EKFAC's eigenvalues computed from a whole GGN.
    static func diagonalInBasis(_ ggn: [Double], p: Int, offset: Int, block: KroneckerBlock) -> [Double] {
        let a = block.inputEigenvalues.count, g = block.outputEigenvalues.count, n = a * g
        return (0..<n).map { e in
            // The basis vector Q_A[r] ⊗ Q_G[c] of e = (r c).
            let q = (0..<n).map { i in block.inputEigenvectors[(e / g) * a + i / g] * block.outputEigenvectors[(e % g) * g + i % g] }
            var s = 0.0
            for i in 0..<n { for j in 0..<n { s += q[i] * ggn[(offset + i) * p + offset + j] * q[j] } }
            return s
        }
    }

    /// EKFAC keeps KFAC's eigenbases and takes as eigenvalues the diagonal of the GGN in them:
    /// per layer, against the hand GGN of a two-layer classifier rotated into the basis. Its
    /// precision is then that diagonal + δ (the posterior's covariance), its evidence
    /// ln p(D | θ*) + Σₗ (Pₗ/2) ln δ − δ ‖θₗ‖²/2 − ½ Σ ln(λ + δ), and its λ differ from KFAC's αᵣ γ_c
    /// with the same trace (KFAC's weighted A keeps the trace, EKFAC the whole diagonal).
    @Test func ekfacEigenvaluesAreTheGGNDiagonalInTheKroneckerBasis() throws {
        let model = try LaplaceTests.mlp(inputs: 3, head: Head(.categorical, classCount: 3), hidden: [4])
        let data = Self.classificationData(model, n: 30, inputs: 3, seed: 92)
        let delta = 0.8
        let kfac = try model.fitLaplace(on: data, structure: .kfac, prior: .fixed(delta)).members[0]
        let ekfac = try model.fitLaplace(on: data, structure: .ekfac, prior: .fixed(delta)).members[0]
        let (ggn, p) = try Self.handGGN(model, data.features)
        guard case .kronecker(let kBlocks) = kfac.factors, case .kronecker(let eBlocks) = ekfac.factors else { Issue.record("not Kronecker"); return }
        var offset = 0, logDeterminant = 0.0
        for (kBlock, eBlock) in zip(kBlocks, eBlocks) {
            #expect(kBlock.correctedEigenvalues == nil && eBlock.inputEigenvectors == kBlock.inputEigenvectors && eBlock.outputEigenvectors == kBlock.outputEigenvectors)
            let expected = Self.diagonalInBasis(ggn, p: p, offset: offset, block: eBlock), n = eBlock.parameterCount
            let lambda = try #require(eBlock.correctedEigenvalues)
            for (ours, hand) in zip(lambda, expected) { #expect(abs(ours - hand) <= 1e-6 * max(abs(hand), 1e-3), "λ \(ours) vs the GGN's \(hand)") }
            #expect(zip(kBlock.eigenvalues, lambda).contains { !Self.close($0, $1, 1e-3) })
            #expect(Self.close(kBlock.eigenvalues.reduce(0, +), lambda.reduce(0, +), 1e-6))
            let covariance = eBlock.inBasis(lambda.map { 1 / ($0 + delta) })
            for i in 0..<n { for j in 0..<n { #expect(abs(ekfac.covariance[(offset + i) * p + offset + j] - covariance[i * n + j]) <= 1e-12) } }
            logDeterminant += expected.reduce(0) { $0 + log($1 + delta) }
            offset += n
        }
        // ln p(D | θ*) from KFAC's evidence (the same data and weights), then EKFAC's by hand.
        let theta = model.network.parameters.flatMap { $0.tensor.scalars.map(Double.init) }
        let prior = Double(p) / 2 * log(delta) - delta / 2 * theta.reduce(0) { $0 + $1 * $1 }
        let kfacLogDeterminant = kBlocks.flatMap(\.eigenvalues).reduce(0) { $0 + log($1 + delta) }
        let logLikelihood = kfac.logMarginalLikelihood - prior + kfacLogDeterminant / 2
        #expect(Self.close(ekfac.logMarginalLikelihood, logLikelihood + prior - logDeterminant / 2, 1e-9))
    }

    /// A 2×2 convolution (2 filters) over 4×4×1 images, tanh, and a Dense layer to `classes`
    /// logits with a categorical head; `images` seeded inputs and targets drawn from the
    /// network's own predictive (seed + 1).
    static func smallConvolution(classes: Int, images: Int, seed: UInt64)
        -> (Sequential, Head, ProbabilisticModel, Tensor, Dataset) {
        var random = RandomSource(seed: seed)
        let network = Sequential(inputShape: [4, 4, 1], layers: [
            Conv2D(inputChannels: 1, filters: 2, kernelSize: 2, using: &random), Tanh(), Flatten(),
            Dense(inputSize: 18, outputSize: classes, using: &random)])
        let head = Head(.categorical, classCount: classes)
        let model = ProbabilisticModel(network: network, head: head, inputShape: [4, 4, 1])
        let x = Tensor.randomNormal([images, 4, 4, 1], using: &random)
        return (network, head, model, x, Dataset(features: x, targets: LaplaceTests.targets(for: head, raw: network(x), seed: seed + 1)))
    }

    /// EKFAC of a convolution over several positions: its eigenvalues are the diagonal, in the
    /// Kronecker basis, of Σᵢ Jᵢᵀ Λᵢ Jᵢ with J from central finite differences (the positions'
    /// cross terms included, which KFAC drops), and its output covariance is J Σ Jᵀ.
    @Test func ekfacOfAConvolutionMatchesFiniteDifferences() throws {
        let (network, head, model, x, data) = Self.smallConvolution(classes: 3, images: 8, seed: 143)
        let posterior = try model.fitLaplace(on: data, structure: .ekfac, prior: .fixed(0.5)).members[0]
        guard case .kronecker(let blocks) = posterior.factors else { Issue.record("not Kronecker"); return }
        let n = 8, k = 3, p = posterior.parameterCount
        let jacobian = LaplaceTests.finiteDifferenceJacobian(network, x)
        #expect(jacobian.count == n * k * p)
        let fisher = head.fisher(network(x))
        var ggn = [Double](repeating: 0, count: p * p)
        for i in 0..<n { for a in 0..<k { for b in 0..<k {
            let l = fisher[(i * k + a) * k + b]
            for c in 0..<p { for d in 0..<p { ggn[c * p + d] += jacobian[(i * k + a) * p + c] * l * jacobian[(i * k + b) * p + d] } }
        } } }
        var offset = 0
        for block in blocks {
            let lambda = try #require(block.correctedEigenvalues)
            for (ours, hand) in zip(lambda, Self.diagonalInBasis(ggn, p: p, offset: offset, block: block)) {
                #expect(abs(ours - hand) <= 1e-2 * max(abs(hand), 1e-2), "λ \(ours) vs finite differences \(hand)")
            }
            offset += block.parameterCount
        }
        let sigma = posterior.covariance, covariance = try model.laplaceOutputCovariances(x)
        for i in 0..<n { for a in 0..<k { for b in 0..<k {
            var expected = 0.0
            for c in 0..<p { for d in 0..<p { expected += jacobian[(i * k + a) * p + c] * sigma[c * p + d] * jacobian[(i * k + b) * p + d] } }
            #expect(abs(covariance[(i * k + a) * k + b] - expected) <= 1e-2 * max(abs(expected), 1e-3))
        } } }
    }

    /// `auto-per-layer` for a block-diagonal precision maximises each block's own evidence, so
    /// the evidence is at least `auto`'s one δ.
    @Test(arguments: [LaplaceStructure.kfac, .ekfac, .diagonal])
    func perLayerPriorIsAtLeastAsGood(structure: LaplaceStructure) throws {
        let model = try LaplaceTests.mlp(inputs: 2, head: Head(.normal), hidden: [6, 5])
        let data = LaplaceTests.regressionData(n: 60, inputs: 2, seed: 111)
        let one = try model.fitLaplace(on: data, structure: structure, prior: .auto).members[0]
        let each = try model.fitLaplace(on: data, structure: structure, prior: .autoPerLayer).members[0]
        #expect(each.priorPrecision.count == 3)
        #expect(each.logMarginalLikelihood >= one.logMarginalLikelihood - 1e-9 * abs(one.logMarginalLikelihood))
        for delta in [0.1, 1, 10] {
            let fixed = try model.fitLaplace(on: data, structure: structure, prior: .fixed(delta)).members[0]
            #expect(one.logMarginalLikelihood >= fixed.logMarginalLikelihood - 1e-9 * abs(fixed.logMarginalLikelihood))
        }
    }

    /// An ensemble of two gets one posterior per member for every structure; they load back
    /// (the same output covariances up to float32 storage), the predictive mixes M·T draws,
    /// and a factor file missing a member's tensor is refused naming it.
    @Test(arguments: LaplaceStructure.allCases)
    func ensemblesKeepOnePosteriorPerMember(structure: LaplaceStructure) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("laplace-ens-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.categorical, classCount: 3),
                                           hidden: [5], dropout: 0, members: 2, seed: 7)
        let data = Self.classificationData(model, n: 30, inputs: 2, seed: 121)
        let laplace = try model.fitLaplace(on: data, structure: structure, prior: .autoPerLayer)
        #expect(laplace.members.count == 2 && laplace.members[0] != laplace.members[1])
        try ModelDirectory.save(model, to: directory)
        let loaded = try ModelDirectory.load(directory)
        #expect(loaded.laplace?.structure == structure && loaded.laplace?.members.count == 2)
        for j in 0..<2 {
            let before = try model.laplaceOutputCovariances(data.features, member: j)
            let after = try loaded.laplaceOutputCovariances(data.features, member: j)
            for (a, b) in zip(before, after) { #expect(abs(a - b) <= 1e-3 * max(abs(a), 1e-2)) }
        }
        let predictive = loaded.predictive(data.features, method: LaplaceMethod(draws: 4, head: loaded.head), seed: 1)
        #expect(predictive.draws == 4 && predictive.classification.meanProbabilities.scalars.allSatisfy(\.isFinite))
        let json = try String(contentsOfFile: directory + "/model.json", encoding: .utf8)
        #expect(json.contains("\"structure\" : \"\(structure.rawValue)\""))
    }

    /// A Conv2D whose kernel covers the whole image (one position) is a Dense layer on the
    /// flattened image with the kernel as `[kh·kw·C, F]`: its KFAC and diagonal posteriors (the
    /// tape's gradients, the patches in the kernel's order) equal the Dense network's (the
    /// walker checked against the hand GGN above).
    @Test(arguments: [LaplaceStructure.kfac, .ekfac, .diagonal])
    func aConvolutionOverTheWholeImageIsDense(structure: LaplaceStructure) throws {
        var random = RandomSource(seed: 131)
        let conv = Conv2D(inputChannels: 2, filters: 4, kernelSize: 3, using: &random)
        let top = Dense(inputSize: 4, outputSize: 3, using: &random)
        let dense = Dense(inputSize: 18, outputSize: 4, using: &random)
        dense.weight.scalars = conv.filter.scalars
        conv.bias?.scalars = [0.1, -0.2, 0.05, 0.3]
        dense.bias?.scalars = conv.bias?.scalars ?? []
        let copy = Dense(inputSize: 4, outputSize: 3, using: &random)
        copy.weight.scalars = top.weight.scalars
        copy.bias?.scalars = top.bias?.scalars ?? []
        let head = Head(.categorical, classCount: 3)
        let convolutional = ProbabilisticModel(network: Sequential(inputShape: [3, 3, 2], layers: [conv, Tanh(), Flatten(), top]), head: head, inputShape: [3, 3, 2])
        let flat = ProbabilisticModel(network: Sequential(inputShape: [18], layers: [dense, Tanh(), copy]), head: head, inputShape: [18])
        let images = Tensor.randomNormal([25, 3, 3, 2], using: &random)
        let targets = LaplaceTests.targets(for: head, raw: convolutional.network(images), seed: 132)
        let a = try convolutional.fitLaplace(on: Dataset(features: images, targets: targets), structure: structure, prior: .fixed(0.7)).members[0]
        let rows = Dataset(features: images.reshaped(to: [25, 18]), targets: targets)
        let b = try flat.fitLaplace(on: rows, structure: structure, prior: .fixed(0.7)).members[0]
        #expect(a.parameterCount == b.parameterCount && Self.close(a.logMarginalLikelihood, b.logMarginalLikelihood, 1e-6))
        // The tape's float32 gradients: 1e-5 relative, floored at 2e-8 for the entries near 0.
        for (x, y) in zip(a.covariance, b.covariance) { #expect(abs(x - y) <= 1e-5 * max(abs(y), 2e-3)) }
        for (x, y) in zip(try convolutional.laplaceOutputCovariances(images), try flat.laplaceOutputCovariances(rows.features)) {
            #expect(abs(x - y) <= 1e-4 * max(abs(y), 1e-3))
        }
    }

    /// A convolution over several positions: the diagonal posterior's precision is the diagonal
    /// of Σᵢ Jᵢᵀ Λᵢ Jᵢ with J from central finite differences of the network's outputs, and its
    /// output covariance Σ_c Jₐ_c J_b_c / H_cc.
    @Test func convolutionDiagonalMatchesFiniteDifferences() throws {
        let (network, head, model, x, data) = Self.smallConvolution(classes: 2, images: 6, seed: 141)
        let posterior = try model.fitLaplace(on: data, structure: .diagonal, prior: .fixed(0.5)).members[0]
        guard case .diagonal(let d) = posterior.factors else { Issue.record("not diagonal"); return }
        let n = 6, k = 2, p = d.count
        #expect(p == 2 * 2 * 1 * 2 + 2 + 18 * 2 + 2)
        let jacobian = LaplaceTests.finiteDifferenceJacobian(network, x)
        #expect(jacobian.count == n * k * p)
        let fisher = head.fisher(network(x))
        for c in 0..<p {
            var ggn = 0.0
            for i in 0..<n { for a in 0..<k { for b in 0..<k { ggn += jacobian[(i * k + a) * p + c] * fisher[(i * k + a) * k + b] * jacobian[(i * k + b) * p + c] } } }
            #expect(abs(d[c] - 0.5 - ggn) <= 1e-2 * max(ggn, 1e-2), "H[\(c)] \(d[c] - 0.5) vs finite differences \(ggn)")
        }
        let covariance = try model.laplaceOutputCovariances(x)
        for i in 0..<n { for a in 0..<k { for b in 0..<k {
            let expected = (0..<p).reduce(0.0) { $0 + jacobian[(i * k + a) * p + $1] * jacobian[(i * k + b) * p + $1] / d[$1] }
            #expect(abs(covariance[(i * k + a) * k + b] - expected) <= 1e-2 * max(abs(expected), 1e-3))
        } } }
    }

    /// The diagonal posterior of a tanh classifier against laplace-torch's `DiagLaplace` (its
    /// exact diagonal GGN) with the same weights, data and δ: the precision's diagonal and
    /// the evidence (`Fixtures/laplace/generate_laplace_diag_torch.py`).
    @Test func diagonalMatchesLaplaceTorch() throws {
        let fixture = try MetricsFixture.load(file: "laplace/laplace_diag_torch.json")
        let theta = fixture.numbers("theta").map(Float.init), labels = fixture.numbers("y"), n = labels.count
        var random = RandomSource(seed: 1)
        let first = Dense(inputSize: 3, outputSize: 5, using: &random), second = Dense(inputSize: 5, outputSize: 3, using: &random)
        first.weight.scalars = Array(theta[0..<15])
        first.bias?.scalars = Array(theta[15..<20])
        second.weight.scalars = Array(theta[20..<35])
        second.bias?.scalars = Array(theta[35..<38])
        let model = ProbabilisticModel(network: Sequential(inputShape: [3], layers: [first, Tanh(), second]),
                                       head: Head(.categorical, classCount: 3), inputShape: [3])
        let data = Dataset(features: Tensor(shape: [n, 3], scalars: fixture.numbers("x").map(Float.init)),
                           targets: Tensor(shape: [n], scalars: labels.map(Float.init)))
        let posterior = try model.fitLaplace(on: data, structure: .diagonal, prior: .fixed(fixture.number("delta"))).members[0]
        guard case .diagonal(let d) = posterior.factors else { Issue.record("not diagonal"); return }
        for (ours, theirs) in zip(d, fixture.numbers("precision_diagonal")) {
            #expect(abs(ours - theirs) <= 1e-4 * theirs, "\(ours) vs laplace-torch \(theirs)")
        }
        #expect(abs(posterior.logMarginalLikelihood - fixture.number("evidence")) <= 1e-4 * abs(fixture.number("evidence")))
    }
}
