import CGSL
import Foundation

/// The Jacobian J = ∂f/∂θ of a network's raw outputs f (K per example) in the weights θ a
/// Laplace posterior covers: the layers from `firstLayer` on, which must be Dense layers,
/// element-wise activations and dropout (the identity outside training); for `kfac`, `ekfac` and
/// `diagonal` also Conv2D layers and any layer without weights or state (pooling, flatten),
/// whose gradients the tape computes (`usesTape`).
///
/// For one example, with aₗ the input of layer l and G the gradient of a seed vector s·f
/// reaching the output of layer l (G = s at the top; s = eₖ gives row k of J): a Dense layer
/// y = a·W + b has ∂(s·f)/∂W_ab = a_a G_b and ∂(s·f)/∂b_b = G_b and passes G Wᵀ down; an
/// activation multiplies G by its derivative, read from the tape (so any element-wise
/// activation is covered). Every structure works from these per-layer pieces (ã, G), ã = (a, 1)
/// the input augmented by the bias's constant: J's block of layer l for seed s is ã ⊗ G. A
/// Conv2D layer is a Dense layer applied at each of its T output positions to the patch under
/// the kernel (im2col, `[kh·kw·C (+1)]`), so its block is Σₜ ãₜ ⊗ Gₜ (Grosse & Martens 2016).
///
/// θ is ordered as the network names its parameters: layer by layer, each Dense layer's
/// kernel (row-major, `[inputSize, outputSize]`; a Conv2D's `[kh, kw, C, F]`) then its bias,
/// which is vec(W̃) row-major for W̃ the kernel as `[inputs, outputs]` with the bias as an extra
/// last row.
struct NetworkJacobian {
    let network: Sequential
    /// The first layer whose weights are covered; the layers before it run as they are.
    let firstLayer: Int
    /// P, the weights covered.
    let parameterCount: Int
    /// The covered Dense (and Conv2D) layers: layer index, offset of its kernel in θ, its size,
    /// and T, its output positions (1 for Dense).
    let denseLayers: [(index: Int, offset: Int, count: Int, positions: Int)]
    /// Whether the backward passes run on the tape (a Conv2D or a pooling layer is covered).
    let usesTape: Bool

    /// What one forward pass keeps for the backward ones: the raw outputs `[n · K]`, each
    /// covered Dense layer's input and each activation's derivative.
    struct Trace {
        var count: Int
        var outputCount: Int
        var outputs: [Float]
        var inputs: [Int: [Float]]
        var derivatives: [Int: [Float]]
        /// The prepared inputs and each covered layer's input, for the tape's passes.
        var input: Tensor? = nil
        var layerInputs: [Int: Tensor] = [:]
    }

    /// - Throws: `LaplaceError` when the covered layers are not all Dense, activation or
    ///   dropout (or, for kfac, ekfac and diagonal, Conv2D or layers without weights and state), or a
    ///   `full` posterior would cover more than the limit.
    init(network: Sequential, structure: LaplaceStructure) throws {
        self.network = network
        let layers = network.layers
        guard let last = layers.lastIndex(where: { $0 is Dense }) else {
            throw LaplaceError("a Laplace posterior needs a Dense last layer; this network has none")
        }
        firstLayer = structure == .lastLayer ? last : 0
        let blocks = structure == .kfac || structure == .ekfac || structure == .diagonal
        var offset = 0, dense: [(Int, Int, Int, Int)] = [], tape = false, shape = network.inputShape
        for (index, layer) in layers.enumerated() {
            defer { shape = shape.map { layer.outputShape(for: $0) } }
            guard index >= firstLayer else { continue }
            let simple = layer is Dense || layer is any ActivationLayer || layer is Dropout
            let convolution = blocks && layer is Conv2D
            let passive = blocks && layer.parameters.isEmpty && layer.state.isEmpty
            guard simple || convolution || passive else {
                let covers = blocks ? "Dense and Conv2D layers and layers without weights" : "Dense layers, activations and dropout"
                throw LaplaceError("a \(structure.rawValue) Laplace posterior covers \(covers); layer \(index) is \(layer.kindName); use --structure last-layer (any network whose last weighted layer is Dense)")
            }
            if let d = layer as? Dense {
                let count = d.weight.count + (d.bias?.count ?? 0)
                try Self.checkFactors(structure, layer: index, inputs: d.weight.shape[0] + (d.bias == nil ? 0 : 1), outputs: d.weight.shape[1])
                dense.append((index, offset, count, 1))
                offset += count
            } else if let c = layer as? Conv2D {
                guard let shape else { throw LaplaceError("a \(structure.rawValue) Laplace posterior of a convolution needs the network's input shape") }
                let count = c.filter.count + (c.bias?.count ?? 0), out = layer.outputShape(for: shape), filters = c.filter.shape[3]
                try Self.checkFactors(structure, layer: index, inputs: c.filter.count / filters + (c.bias == nil ? 0 : 1), outputs: filters)
                dense.append((index, offset, count, out[0] * out[1]))
                offset += count
                tape = true
            } else if !simple {
                tape = true
            }
        }
        parameterCount = offset
        denseLayers = dense
        usesTape = tape
        if structure == .full && offset > LaplaceStructure.maximumFullParameterCount {
            throw LaplaceError("--structure full covers \(offset) weights; at most \(LaplaceStructure.maximumFullParameterCount): use --structure kfac, diagonal or last-layer")
        }
        if structure == .lastLayer && offset > LaplaceStructure.maximumFullParameterCount {
            throw LaplaceError("--structure last-layer covers the last Dense layer's \(offset) weights; at most \(LaplaceStructure.maximumFullParameterCount) (its P × P precision is kept whole): use --structure kfac or diagonal")
        }
    }

    /// Refuses a `kfac` or `ekfac` block whose Kronecker factor A `[inputs, inputs]` or
    /// G `[outputs, outputs]` would have more than `maximumFullParameterCount` rows (each is
    /// kept whole in Double, as a `full` precision is).
    static func checkFactors(_ structure: LaplaceStructure, layer: Int, inputs: Int, outputs: Int) throws {
        let limit = LaplaceStructure.maximumFullParameterCount
        guard structure == .kfac || structure == .ekfac, max(inputs, outputs) > limit else { return }
        throw LaplaceError("--structure \(structure.rawValue): layer \(layer)'s Kronecker factors are \(inputs) × \(inputs) and \(outputs) × \(outputs); at most \(limit) rows each: use --structure diagonal or last-layer")
    }

    /// θ, the covered weights in Jacobian order.
    var weights: [Double] {
        denseLayers.flatMap { layer in network.layers[layer.index].parameters.flatMap { $0.tensor.scalars.map(Double.init) } }
    }

    /// The raw outputs `[n, K]` of the network with its covered weights set to `theta` (in
    /// Jacobian order, `[P]`, as float32), for prepared inputs `x` `[n, …inputShape]`: the layers before
    /// `firstLayer` as they are, each covered Dense layer as x·W + b with W and b read from θ,
    /// activations and dropout (the identity) as they are. Networks whose covered layers are
    /// all Dense, activations and dropout only (`full`, `last-layer`).
    func outputs(_ x: Tensor, weights theta: [Float]) -> Tensor {
        precondition(theta.count == parameterCount && !usesTape, "outputs(_:weights:) needs \(parameterCount) weights of Dense layers, got \(theta.count)")
        var none = ExampleStreams()
        var h = network(x, layers: 0..<firstLayer, phase: .inference, using: &none)
        var covered = 0
        for index in firstLayer..<network.layers.count {
            let layer = network.layers[index]
            guard let dense = layer as? Dense else {
                h = layer(h, phase: .inference, using: &none)
                continue
            }
            let offset = denseLayers[covered].offset, kernelCount = dense.weight.count
            func read(_ shape: [Int], from start: Int) -> Tensor {
                Tensor(shape: shape, scalars: Array(theta[start..<(start + shape.reduce(1, *))]))
            }
            h = linear(h, weight: read(dense.weight.shape, from: offset), bias: dense.bias.map { read($0.shape, from: offset + kernelCount) })
            covered += 1
        }
        return h
    }

    /// The covered layer `j` (in `denseLayers` order) as W̃'s parts: its kernel as
    /// `[inputs, outputs]`, whether it has a bias, and for a Conv2D the layer itself.
    func kernel(_ j: Int) -> (weight: Tensor, hasBias: Bool, convolution: Conv2D?) {
        let layer = network.layers[denseLayers[j].index]
        if let d = layer as? Dense { return (d.weight, d.bias != nil, nil) }
        guard let c = layer as? Conv2D else { preconditionFailure("layer \(denseLayers[j].index) is neither Dense nor Conv2D") }
        let f = c.filter.shape
        return (c.filter.reshaped(to: [f[0] * f[1] * f[2], f[3]]), c.bias != nil, c)
    }

    /// The width of layer j's augmented input ã (its inputs or patch, plus 1 with a bias) and of its output.
    func shape(ofLayer j: Int) -> (inputs: Int, outputs: Int) {
        let (w, bias, _) = kernel(j)
        return (w.shape[0] + (bias ? 1 : 0), w.shape[1])
    }

    /// The raw outputs and what the backward passes need, for prepared inputs `x` `[n, …inputShape]`.
    func forward(_ x: Tensor) -> Trace {
        if usesTape { return tapeForward(x) }
        let layers = network.layers, n = x.shape[0]
        var inputs: [Int: [Float]] = [:], derivatives: [Int: [Float]] = [:]
        var none = ExampleStreams()
        var h = withoutGradients { network(x, layers: 0..<firstLayer, phase: .inference, using: &none) }
        for index in firstLayer..<layers.count {
            let layer = layers[index]
            if layer is Dense { inputs[index] = h.scalars }
            if layer is any ActivationLayer {
                // Recorded even inside `withoutGradients` (prediction): y and its sum both on the tape.
                let z = Tensor(shape: h.shape, scalars: h.scalars, requiresGradient: true)
                let (y, derivative) = GradientRecording.$isEnabled.withValue(true) { () -> (Tensor, [Float]?) in
                    let y = layer(z)
                    return (y, y.sum().gradients()[z]?.scalars)
                }
                derivatives[index] = derivative ?? [Float](repeating: 0, count: z.count)
                h = Tensor(shape: y.shape, scalars: y.scalars)
            } else {
                h = withoutGradients { layer(h) }
            }
        }
        return Trace(count: n, outputCount: h.shape[1], outputs: h.scalars, inputs: inputs, derivatives: derivatives)
    }

    /// Layer j's augmented inputs ã `[n · T, inputs (+1)]` of a trace: for a Conv2D the patch
    /// under the kernel at each of the T output positions (row i·T + t).
    func augmentedInputs(_ trace: Trace, layer j: Int) -> [Double] {
        let (width, _) = shape(ofLayer: j), (w, _, convolution) = kernel(j), inSize = w.shape[0]
        let a: [Float]
        if let convolution, let input = trace.layerInputs[denseLayers[j].index] {
            a = withoutGradients { Self.patches(input, of: convolution) }.scalars
        } else {
            a = trace.inputs[denseLayers[j].index] ?? trace.layerInputs[denseLayers[j].index]?.scalars ?? []
        }
        let rows = a.count / max(inSize, 1)
        var out = [Double](repeating: 1, count: rows * width)
        for i in 0..<rows { for r in 0..<inSize { out[i * width + r] = Double(a[i * inSize + r]) } }
        return out
    }

    /// The im2col patches of `x` `[n, H, W, C]` under `layer`'s kernel, `[n, H′, W′, kh·kw·C]` in
    /// the kernel's order: a convolution with the one-hot filter that copies tap (i, j, c) to
    /// channel (i·kw + j)·C + c, with the layer's strides, padding and dilation.
    static func patches(_ x: Tensor, of layer: Conv2D) -> Tensor {
        let f = layer.filter.shape, taps = f[0] * f[1] * f[2]
        var eye = [Float](repeating: 0, count: taps * taps)
        for t in 0..<taps { eye[t * taps + t] = 1 }
        return conv2d(x, filter: Tensor(shape: [f[0], f[1], f[2], taps], scalars: eye), strides: (layer.strides.rows, layer.strides.columns),
                      padding: layer.padding, dilations: (layer.dilation.rows, layer.dilation.columns))
    }

    /// For each covered Dense layer (in `denseLayers` order), the gradient G `[n · s, outputs]`
    /// reaching its output from each of the s seed vectors of each example: `seeds`
    /// `[n · s, K]`, row i·s + t the t-th seed of example i.
    func backward(_ trace: Trace, seeds: [Double], perExample s: Int) -> [[Double]] {
        if usesTape { return tapeBackward(trace, seeds: seeds, perExample: s) }
        let layers = network.layers, rows = trace.count * s
        precondition(seeds.count == rows * trace.outputCount, "\(rows) seeds of \(trace.outputCount) need \(rows * trace.outputCount) values, got \(seeds.count)")
        var g = seeds, width = trace.outputCount
        var out = [[Double]](repeating: [], count: denseLayers.count)
        var j = denseLayers.count - 1
        for index in stride(from: layers.count - 1, through: firstLayer, by: -1) {
            if let d = layers[index] as? Dense {
                out[j] = g
                j -= 1
                guard j >= 0 else { break }
                let inSize = d.weight.shape[0], outSize = d.weight.shape[1], w = d.weight.scalars.map(Double.init)
                var down = [Double](repeating: 0, count: rows * inSize)
                // down = G Wᵀ, [rows, out] · [out, in].
                w.withUnsafeBufferPointer { wp in
                    g.withUnsafeBufferPointer { gp in
                        down.withUnsafeMutableBufferPointer { dp in
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(inSize), Int32(outSize), 1,
                                        gp.baseAddress, Int32(outSize), wp.baseAddress, Int32(outSize), 0, dp.baseAddress, Int32(inSize))
                        }
                    }
                }
                (g, width) = (down, inSize)
            } else if let derivative = trace.derivatives[index] {
                for row in 0..<rows {
                    let i = row / s
                    for c in 0..<width { g[row * width + c] *= Double(derivative[i * width + c]) }
                }
            }
        }
        return out
    }

    /// The rows s·J `[n · s, P]` of the seeds' gradients (`backward`), J's rows for unit seeds.
    func jacobianRows(_ trace: Trace, gradients: [[Double]], perExample s: Int) -> [Double] {
        let rows = trace.count * s, p = parameterCount
        var jacobian = [Double](repeating: 0, count: rows * p)
        for j in denseLayers.indices {
            let (width, outSize) = shape(ofLayer: j), offset = denseLayers[j].offset
            let a = augmentedInputs(trace, layer: j), g = gradients[j]
            jacobian.withUnsafeMutableBufferPointer { jp in
                for row in 0..<rows {
                    let i = row / s, base = row * p + offset
                    for r in 0..<width {
                        let ar = a[i * width + r]
                        guard ar != 0 else { continue }
                        for c in 0..<outSize { jp[base + r * outSize + c] = ar * g[row * outSize + c] }
                    }
                }
            }
        }
        return jacobian
    }

    /// The forward pass of a network with covered convolutions: each layer alone, in inference,
    /// keeping each covered layer's input.
    private func tapeForward(_ x: Tensor) -> Trace {
        var h = x, inputs: [Int: Tensor] = [:]
        let covered = Set(denseLayers.map(\.index))
        withoutGradients {
            for (index, layer) in network.layers.enumerated() {
                if covered.contains(index) { inputs[index] = h }
                h = layer(h)
            }
        }
        return Trace(count: x.shape[0], outputCount: h.shape[1], outputs: h.scalars, inputs: [:], derivatives: [:], input: x, layerInputs: inputs)
    }

    /// `backward` on the tape: for each seed t, one recorded pass whose covered layers' outputs
    /// carry a zero leaf (a probe), then the gradient of Σᵢ sᵢₜ·fᵢ, which reaches each probe as
    /// that layer's output gradient, `[n · s · T, outputs]` (row (i·s + t)·T + position).
    private func tapeBackward(_ trace: Trace, seeds: [Double], perExample s: Int) -> [[Double]] {
        guard let x = trace.input else { preconditionFailure("a tape backward pass needs the trace of tapeForward") }
        let n = trace.count, k = trace.outputCount
        var out = denseLayers.indices.map { j in [Double](repeating: 0, count: n * s * denseLayers[j].positions * shape(ofLayer: j).outputs) }
        let position = Dictionary(uniqueKeysWithValues: denseLayers.enumerated().map { ($1.index, $0) })
        for t in 0..<s {
            var seed = [Float](repeating: 0, count: n * k)
            for i in 0..<n { for c in 0..<k { seed[i * k + c] = Float(seeds[(i * s + t) * k + c]) } }
            let gradients = GradientRecording.$isEnabled.withValue(true) { () -> [Int: [Float]] in
                var h = x, probes: [Int: Tensor] = [:]
                for (index, layer) in network.layers.enumerated() {
                    h = layer(h)
                    if position[index] != nil {
                        let probe = Tensor.zeros(h.shape, requiresGradient: true)
                        probes[index] = probe
                        h = h + probe
                    }
                }
                let all = (h * Tensor(shape: [n, k], scalars: seed)).sum().gradients()
                return probes.mapValues { all[$0]?.scalars ?? [Float](repeating: 0, count: $0.count) }
            }
            for (index, g) in gradients {
                guard let j = position[index] else { continue }
                let block = denseLayers[j].positions * shape(ofLayer: j).outputs
                // Through buffer pointers: a subscript of out[j] per value would check uniqueness each time.
                out[j].withUnsafeMutableBufferPointer { op in
                    g.withUnsafeBufferPointer { gp in
                        for i in 0..<n { for e in 0..<block { op[(i * s + t) * block + e] = Double(gp[i * block + e]) } }
                    }
                }
            }
        }
        return out
    }

    /// Layer j's block of J for example i and seed t of s, Σₚ ãₚ ⊗ Gₚ over its T positions,
    /// `[inputs (+1), outputs]` row-major (`cblas_dgemm` of the example's patches and gradients).
    func block(inputs x: [Double], gradients g: [Double], layer j: Int, example i: Int, seed t: Int, perExample s: Int) -> [Double] {
        let (a, width) = shape(ofLayer: j), positions = denseLayers[j].positions
        var out = [Double](repeating: 0, count: a * width)
        x.withUnsafeBufferPointer { xp in
            g.withUnsafeBufferPointer { gp in
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(a), Int32(width), Int32(positions), 1,
                            xp.baseAddress.map { $0 + i * positions * a }, Int32(a),
                            gp.baseAddress.map { $0 + (i * s + t) * positions * width }, Int32(width), 0, &out, Int32(width))
            }
        }
        return out
    }

    /// K × K identity seeds for every example, `[n · K, K]`.
    static func unitSeeds(count n: Int, outputs k: Int) -> [Double] {
        var seeds = [Double](repeating: 0, count: n * k * k)
        for i in 0..<n { for a in 0..<k { seeds[(i * k + a) * k + a] = 1 } }
        return seeds
    }

    /// The raw outputs f `[n · K]` and J `[n · K, P]` (row i·K + k is ∂fᵢₖ/∂θ), row-major, of
    /// prepared inputs `x` `[n, …inputShape]`.
    func evaluate(_ x: Tensor) -> (outputs: [Float], jacobian: [Double]) {
        let trace = forward(x), k = trace.outputCount
        let gradients = backward(trace, seeds: Self.unitSeeds(count: trace.count, outputs: k), perExample: k)
        return (trace.outputs, jacobianRows(trace, gradients: gradients, perExample: k))
    }
}
