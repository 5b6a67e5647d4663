import CGSL
import Foundation

extension ProbabilisticModel {
    /// The predictive distribution for raw (unscaled) features.
    ///
    /// With `mcSamples` T = 0 the network runs once with dropout off (`inference`). With
    /// T > 0 it runs T stochastic passes (`monteCarlo`): the layers before the first dropout
    /// are deterministic, so they run once per input, and only the rest runs T times.
    ///
    /// The dropout masks of input i come from its own stream, `RandomSource(seed: seed,
    /// stream: firstIndex + i)`, drawn in pass order; the predictive of an input is therefore
    /// the same whatever the batch (`chunkSize`) or the process that computes it.
    /// - Parameters:
    ///   - features: `[N, …inputShape]` in the data's units.
    ///   - mcSamples: T, the number of stochastic passes (0: deterministic).
    ///   - seed: the seed of the MC-dropout streams.
    ///   - firstIndex: the global index of the first input (when inputs are sharded).
    ///   - chunkSize: inputs per forward pass, to bound memory.
    public func predictive(_ features: Tensor, mcSamples: Int = 0, seed: UInt64 = 0,
                           firstIndex: Int = 0, chunkSize: Int = 1000) -> Predictive {
        let raw = predictiveRawOutputs(features, mcSamples: mcSamples, seed: seed, firstIndex: firstIndex, chunkSize: chunkSize)
        return predictive(fromRawOutputs: raw, count: features.shape[0])
    }

    /// The raw network outputs of each pass, `passes × [N · rawOutputCount]` row-major: what
    /// `predictive(_:mcSamples:seed:firstIndex:chunkSize:)` computes before the head. Each
    /// input's outputs depend only on the input, its index and the seed.
    public func predictiveRawOutputs(_ features: Tensor, mcSamples: Int = 0, seed: UInt64 = 0,
                                     firstIndex: Int = 0, chunkSize: Int = 1000) -> [[Float]] {
        precondition(mcSamples >= 0, "mcSamples must be ≥ 0, got \(mcSamples)")
        precondition(Array(features.shape.dropFirst()) == inputShape,
                     "features of shape \(features.shape) do not match the model's input shape \(inputShape)")
        let n = features.shape[0], passes = max(mcSamples, 1)
        var raw = [[Float]](repeating: [], count: passes)
        withoutGradients {
            var start = 0
            while start < n {
                let end = min(start + chunkSize, n)
                let chunk = prepare(features.slice(alongAxis: 0, start..<end))
                let outputs = mcSamples == 0
                    ? [deterministicPass(chunk)]
                    : stochasticPasses(chunk, passes: mcSamples, seed: seed, firstIndex: firstIndex + start)
                for t in 0..<passes { raw[t] += outputs[t].scalars }
                start = end
            }
        }
        return raw
    }

    /// The predictive of `count` inputs from the raw outputs of each pass.
    public func predictive(fromRawOutputs raw: [[Float]], count n: Int) -> Predictive {
        let width = head.rawOutputCount
        precondition(raw.allSatisfy { $0.count == n * width }, "raw outputs do not hold \(n) rows of \(width)")
        let members = raw.map { head.distribution(Tensor(shape: [n, width], scalars: $0), scaling: targetScaling) }
        return Predictive(head: head, members: members)
    }

    private func deterministicPass(_ x: Tensor) -> Tensor {
        var unused = RandomSource(seed: 0)
        return network(x, phase: .inference, using: &unused)
    }

    /// T passes of the stochastic suffix over the once-computed deterministic prefix.
    private func stochasticPasses(_ x: Tensor, passes: Int, seed: UInt64, firstIndex: Int) -> [Tensor] {
        let layers = network.layers
        let split = network.firstStochasticLayerIndex ?? layers.count
        // Layers other than top-level Dropout that draw (none in the built-in architectures)
        // use a stream keyed by the chunk's first input.
        var other = RandomSource(seed: seed, stream: UInt64(firstIndex) | 1 << 63)
        let prefix = network(x, layers: 0..<split, phase: .monteCarlo, using: &other)
        let rows = x.shape[0]
        var streams = (0..<rows).map { RandomSource(seed: seed, stream: UInt64(firstIndex + $0)) }
        return (0..<passes).map { _ in
            var y = prefix
            for layer in layers[split...] {
                if let dropout = layer as? Dropout {
                    y = rowwiseDropout(y, rate: dropout.rate, streams: &streams)
                } else {
                    y = layer(y, phase: .monteCarlo, using: &other)
                }
            }
            return y
        }
    }

    /// Inverted dropout whose mask for row i is drawn from `streams[i]`.
    private func rowwiseDropout(_ x: Tensor, rate: Float, streams: inout [RandomSource]) -> Tensor {
        guard rate > 0 else { return x }
        let rows = x.shape[0], width = x.count / max(rows, 1)
        let keep = 1 / (1 - rate), threshold = Double(rate)
        var out = x.scalars
        for r in 0..<rows {
            streams[r].withGenerator { g in
                for j in 0..<width where gsl_rng_uniform(g) < threshold { out[r * width + j] = 0 }
            }
            for j in 0..<width { out[r * width + j] *= keep }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
