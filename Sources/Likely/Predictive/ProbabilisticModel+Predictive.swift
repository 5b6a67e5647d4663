import Foundation

extension ProbabilisticModel {
    /// The predictive distribution for raw (unscaled) features.
    ///
    /// With `mcSamples` T = 0 the network runs once with dropout off (`inference`). With
    /// T > 0 it runs T stochastic passes (`monteCarlo`): the layers before the first dropout
    /// are deterministic, so they run once per input, and only the rest runs T times.
    ///
    /// The dropout masks of input i come from its own stream, keyed (seed,
    /// `.monteCarloDropout`, 0, firstIndex + i), drawn in pass order by every Dropout layer
    /// (residual blocks included); the predictive of an input is therefore the same, bit for
    /// bit, whatever the batch (`chunkSize`) or the process that computes it.
    ///
    /// An ensemble of M members contributes M·max(T, 1) mixture members: each member's one
    /// deterministic pass (T = 0) or T passes, member j's masks keyed by
    /// `memberSeed(seed, member: j)` in place of `seed` (member 0's by `seed` itself).
    /// - Parameters:
    ///   - features: `[N, …inputShape]` in the data's units.
    ///   - mcSamples: T, the number of stochastic passes (0: deterministic).
    ///   - seed: the seed of the MC-dropout streams.
    ///   - firstIndex: the global index of the first input (when inputs are sharded).
    ///   - chunkSize: inputs per forward pass, to bound memory.
    public func predictive(_ features: Tensor, mcSamples: Int = 0, seed: UInt64 = 0,
                           firstIndex: Int = 0, chunkSize: Int = 1000) -> Predictive {
        predictive(features, method: UncertaintyMethods.defaultMethod(for: self, mcSamples: mcSamples), seed: seed,
                   firstIndex: firstIndex, chunkSize: chunkSize)
    }

    /// The predictive distribution of raw (unscaled) features by an uncertainty `method`
    /// (`UncertaintyMethod`): the head applied to each of the method's raw-output draws, the
    /// mixture of them all. The predictive records the method's name and draws.
    /// - Parameters:
    ///   - features: `[N, …inputShape]` in the data's units.
    ///   - method: the network, MC dropout, a Laplace posterior, or any registered method.
    ///   - seed: the seed of the method's draws.
    ///   - firstIndex: the global index of the first input (when inputs are sharded).
    ///   - chunkSize: inputs per forward pass, to bound memory.
    public func predictive(_ features: Tensor, method: any UncertaintyMethod, seed: UInt64 = 0,
                           firstIndex: Int = 0, chunkSize: Int = 1000) -> Predictive {
        precondition(Array(features.shape.dropFirst()) == featureShape,
                     "features of shape \(features.shape) do not match the model's feature shape \(featureShape)")
        let raw = method.rawOutputDraws(of: self, features: features, seed: seed, firstIndex: firstIndex, chunkSize: chunkSize)
        var result = predictive(fromRawOutputs: raw, count: features.shape[0])
        (result.method, result.draws) = (method.name, method.draws)
        return result
    }

    /// The raw network outputs of each pass, `(M · passes) × [N · rawOutputCount]` row-major,
    /// member-major (member j's pass t at index j · passes + t, passes = max(T, 1)): what
    /// `predictive(_:mcSamples:seed:firstIndex:chunkSize:)` computes before the head. Each
    /// input's outputs depend only on the input, its index and the seed.
    ///
    /// An ensemble's members run at the same time (`Parallel.interleave`), one core each;
    /// every output is the same bytes as when they run one after another.
    ///
    /// The chunks lie on a grid of `rowAlignment` (48) global indices: a chunk runs from grid
    /// line g to at most g + ⌈chunkSize/48⌉·48, padded with zero rows before its first input
    /// and after its last to whole grid cells, so that input i always sits at row i mod 48
    /// of a batch of a multiple of 48 rows, where OpenBLAS computes its products with the same
    /// summation order (see `sgemm`). The padding rows' outputs are dropped.
    public func predictiveRawOutputs(_ features: Tensor, mcSamples: Int = 0, seed: UInt64 = 0,
                                     firstIndex: Int = 0, chunkSize: Int = 1000) -> [[Float]] {
        precondition(mcSamples >= 0, "mcSamples must be ≥ 0, got \(mcSamples)")
        precondition(Array(features.shape.dropFirst()) == featureShape,
                     "features of shape \(features.shape) do not match the model's feature shape \(featureShape)")
        let n = features.shape[0], passes = max(mcSamples, 1)
        let unit = rowAlignment, step = max(1, (chunkSize + unit - 1) / unit) * unit
        var chunks: [(start: Int, end: Int, origin: Int)] = []
        var start = 0
        while start < n {
            let global = firstIndex + start, origin = global - global % unit
            let end = min(n, origin + step - firstIndex)
            chunks.append((start, end, origin))
            start = end
        }
        let outputs = members.map { _ in MemberOutputs(passes: passes) }
        /// Member j's passes over chunk c, appended to its outputs.
        func run(_ j: Int, chunk c: Int) {
            let (start, end, origin) = chunks[c]
            let lead = firstIndex + start - origin, rows = lead..<(lead + end - start)
            let chunk = Self.padded(prepare(features.slice(alongAxis: 0, start..<end)), at: rows,
                                    count: (rows.upperBound + unit - 1) / unit * unit)
            let passed = mcSamples == 0
                ? [deterministicPass(chunk, through: members[j])]
                : stochasticPasses(chunk, through: members[j], passes: mcSamples,
                                   seed: Self.memberSeed(seed, member: j), firstIndex: origin)
            for t in 0..<passes { outputs[j].raw[t] += passed[t].slice(alongAxis: 0, rows).scalars }
            outputs[j].chunksDone += 1
        }
        withoutGradients {
            if memberCount > 1 {
                // Members at the same time, one core each, chunk by chunk.
                Parallel.interleave(jobs: memberCount) { j in
                    if outputs[j].chunksDone < chunks.count { run(j, chunk: outputs[j].chunksDone) }
                    return outputs[j].chunksDone < chunks.count
                }
            } else {
                for c in chunks.indices { run(0, chunk: c) }
            }
        }
        return outputs.flatMap(\.raw)
    }

    /// `x` placed at `rows` of a batch of `count` examples, zero elsewhere.
    private static func padded(_ x: Tensor, at rows: Range<Int>, count: Int) -> Tensor {
        guard rows.count != count else { return x }
        let width = x.scalars.count / max(rows.count, 1)
        var scalars = [Float](repeating: 0, count: count * width)
        scalars.replaceSubrange((rows.lowerBound * width)..<(rows.upperBound * width), with: x.scalars)
        return Tensor(shape: [count] + Array(x.shape.dropFirst()), scalars: scalars)
    }

    /// The predictive of `count` inputs from the raw outputs of each pass (of each member).
    public func predictive(fromRawOutputs raw: [[Float]], count n: Int) -> Predictive {
        let width = head.rawOutputCount
        precondition(raw.allSatisfy { $0.count == n * width }, "raw outputs do not hold \(n) rows of \(width)")
        let members = raw.map { head.distribution(Tensor(shape: [n, width], scalars: $0), scaling: targetScaling) }
        return Predictive(head: head, members: members)
    }

    private func deterministicPass(_ x: Tensor, through network: Sequential) -> Tensor {
        var none = ExampleStreams()
        return forward(x, through: network, layers: network.layers.indices, phase: .inference, using: &none)
    }

    /// T `monteCarlo` passes through one member's `network`: the deterministic prefix (the layers before
    /// the first stochastic one) once, then the stochastic suffix T times, both through
    /// `Sequential` (so Conv2D+ReLU stays fused and Dropout, also inside a `ResidualBlock`,
    /// is the one dropout op). Row i draws from the stream
    /// (seed, `.monteCarloDropout`, 0, firstIndex + i), continued from pass to pass.
    private func stochasticPasses(_ x: Tensor, through network: Sequential, passes: Int, seed: UInt64,
                                  firstIndex: Int) -> [Tensor] {
        let count = network.layers.count
        let split = network.firstStochasticLayerIndex ?? count
        let key = StreamKey(seed: seed, purpose: .monteCarloDropout)
        var streams = ExampleStreams(key: key, examples: firstIndex..<(firstIndex + x.shape[0]))
        let prefix = forward(x, through: network, layers: 0..<split, phase: .monteCarlo, using: &streams)
        return (0..<passes).map { _ in forward(prefix, through: network, layers: split..<count, phase: .monteCarlo, using: &streams) }
    }
}

/// One member's raw outputs as its chunks are computed: pass t's rows so far, and how many
/// chunks are done (written by one worker at a time).
private final class MemberOutputs {
    var raw: [[Float]]
    var chunksDone = 0
    init(passes: Int) { raw = Array(repeating: [], count: passes) }
}
