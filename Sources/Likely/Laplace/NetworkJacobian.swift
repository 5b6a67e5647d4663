import Foundation

/// The Jacobian J = ∂f/∂θ of a network's raw outputs f (K per example) in the weights θ a
/// Laplace posterior covers: the layers from `firstLayer` on, which must be Dense layers,
/// element-wise activations and dropout (the identity outside training).
///
/// For one example, with aₗ the input of layer l and G the gradient of output k reaching the
/// output of layer l (Gₗ = eₖ at the top): a Dense layer y = a·W + b has ∂f_k/∂W_ab = a_a G_b and
/// ∂f_k/∂b_b = G_b and passes G Wᵀ down; an activation multiplies G by its derivative,
/// read from the tape (so any element-wise activation is covered).
///
/// θ is ordered as the network names its parameters: layer by layer, each Dense layer's
/// kernel (row-major, `[inputSize, outputSize]`) then its bias.
struct NetworkJacobian {
    let network: Sequential
    /// The first layer whose weights are covered; the layers before it run as they are.
    let firstLayer: Int
    /// P, the weights covered.
    let parameterCount: Int
    /// The covered Dense layers: layer index, offset of its kernel in θ, and its size.
    let denseLayers: [(index: Int, offset: Int, count: Int)]

    /// - Throws: `LaplaceError` when the covered layers are not all Dense, activation or
    ///   dropout, or a `full` posterior would cover more than the limit.
    init(network: Sequential, structure: LaplaceStructure) throws {
        self.network = network
        let layers = network.layers
        guard let last = layers.lastIndex(where: { $0 is Dense }) else {
            throw LaplaceError("a Laplace posterior needs a Dense last layer; this network has none")
        }
        firstLayer = structure == .full ? 0 : last
        var offset = 0, dense: [(Int, Int, Int)] = []
        for (index, layer) in layers.enumerated() where index >= firstLayer {
            guard layer is Dense || layer is any ActivationLayer || layer is Dropout else {
                let fix = structure == .full ? "; use --structure last-layer (any network whose last weighted layer is Dense)" : ""
                throw LaplaceError("a \(structure.rawValue) Laplace posterior covers Dense layers, activations and dropout; layer \(index) is \(layer.kindName)\(fix)")
            }
            if let d = layer as? Dense {
                let count = d.weight.count + (d.bias?.count ?? 0)
                dense.append((index, offset, count))
                offset += count
            }
        }
        parameterCount = offset
        denseLayers = dense
        if structure == .full && offset > LaplaceStructure.maximumFullParameterCount {
            throw LaplaceError("--structure full covers \(offset) weights; at most \(LaplaceStructure.maximumFullParameterCount): use --structure last-layer (kfac is not built in this release)")
        }
    }

    /// θ, the covered weights in Jacobian order.
    var weights: [Double] {
        denseLayers.compactMap { network.layers[$0.index] as? Dense }
            .flatMap { ($0.weight.scalars + ($0.bias?.scalars ?? [])).map(Double.init) }
    }

    /// The raw outputs f `[n · K]` and J `[n · K, P]` (row i·K + k is ∂fᵢₖ/∂θ), row-major, of
    /// prepared inputs `x` `[n, …inputShape]`.
    func evaluate(_ x: Tensor) -> (outputs: [Float], jacobian: [Double]) {
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
        let k = h.shape[1], p = parameterCount
        var jacobian = [Double](repeating: 0, count: n * k * p)
        let offsets = Dictionary(uniqueKeysWithValues: denseLayers.map { ($0.index, $0.offset) })
        for output in 0..<k {
            var width = k
            var g = [Double](repeating: 0, count: n * k)
            for i in 0..<n { g[i * k + output] = 1 }
            for index in stride(from: layers.count - 1, through: firstLayer, by: -1) {
                if let d = layers[index] as? Dense, let offset = offsets[index], let a = inputs[index] {
                    let inSize = d.weight.shape[0], outSize = d.weight.shape[1], w = d.weight.scalars
                    jacobian.withUnsafeMutableBufferPointer { jp in
                        for i in 0..<n {
                            let row = (i * k + output) * p + offset
                            for r in 0..<inSize {
                                let ar = Double(a[i * inSize + r])
                                guard ar != 0 else { continue }
                                for c in 0..<outSize { jp[row + r * outSize + c] = ar * g[i * outSize + c] }
                            }
                            if d.bias != nil { for c in 0..<outSize { jp[row + inSize * outSize + c] = g[i * outSize + c] } }
                        }
                    }
                    guard index > firstLayer else { break }
                    var down = [Double](repeating: 0, count: n * inSize)
                    for i in 0..<n {
                        for r in 0..<inSize {
                            var s = 0.0
                            for c in 0..<outSize { s += g[i * outSize + c] * Double(w[r * outSize + c]) }
                            down[i * inSize + r] = s
                        }
                    }
                    (g, width) = (down, inSize)
                } else if let derivative = derivatives[index] {
                    for j in 0..<(n * width) { g[j] *= Double(derivative[j]) }
                }
            }
        }
        return (h.scalars, jacobian)
    }
}
