import LikelyTensor

/// How `conv2d` computes its sums (every choice gives the same result up to float rounding).
public enum ConvolutionAlgorithm: Sendable, Hashable {
    /// `direct` when it applies, the kernel is larger than 1×1 and the patch is short
    /// (kh·kw·C ≤ 72), else `patchMatrix`.
    case automatic
    /// im2col and `cblas_sgemm` (any geometry).
    case patchMatrix
    /// A loop over output pixels vectorized over output channels, with no patch matrix
    /// (stride 1 and dilation 1 only; other geometries fall back to `patchMatrix`), run by
    /// the given kernels (`Kernels.best` for `direct(.best)`).
    case direct(Kernels)

    /// The direct loops with the fastest kernels this CPU runs.
    public static var direct: ConvolutionAlgorithm { .direct(.best) }
}

/// The longest patch (kh·kw·C) for which `.automatic` picks the direct kernels.
let directPatchLimit = 72

/// 2-D convolution (cross-correlation, as in Keras and the course) of NHWC images; a
/// primitive op. Stride-1, dilation-1 convolutions with short patches (kh·kw·C ≤ 72, as in
/// small CNNs) run direct kernels over the output pixels; the others im2col and
/// `cblas_sgemm` over chunks of images whose patch matrix fits in cache.
///
/// y[b, i, j, f] = bias[f] + Σ_{ky, kx, c} x[b, i·s − p + ky·d, j·s − p + kx·d, c] · w[ky, kx, c, f]
/// (zero outside the image).
/// Pullback, with P the patch matrix and G = ∂L/∂y as `[b·oh·ow, F]`:
/// ∂L/∂w = Pᵀ·G, ∂L/∂x = col2im(G·wᵀ), ∂L/∂bias = Σ_rows G.
/// - Parameters:
///   - x: images `[batch, H, W, C]`.
///   - filter: kernel `[kh, kw, C, F]`.
///   - bias: `[F]` or `nil`.
///   - strides: (vertical, horizontal) steps.
///   - padding: see `Padding`.
///   - dilations: (vertical, horizontal) spacing of kernel taps.
/// - Returns: `[batch, outH, outW, F]`.
public func conv2d(_ x: Tensor, filter: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
                   padding: Padding = .valid, dilations: (Int, Int) = (1, 1)) -> Tensor {
    conv2d(x, filter: filter, bias: bias, strides: strides, padding: padding, dilations: dilations, algorithm: .automatic)
}

/// `conv2d` computed by a chosen algorithm, optionally followed by a ReLU; the formula, shapes
/// and pullback are those of `conv2d(_:filter:bias:strides:padding:dilations:)`.
/// - Parameters:
///   - x: images `[batch, H, W, C]`.
///   - filter: kernel `[kh, kw, C, F]`.
///   - bias: `[F]` or `nil`.
///   - strides: (vertical, horizontal) step between output pixels.
///   - padding: see `Padding`.
///   - dilations: (vertical, horizontal) spacing of kernel taps.
///   - algorithm: see `ConvolutionAlgorithm`.
///   - applyReLU: return `relu(conv2d(…))` as one op: the direct kernels apply max(·, 0) to each
///     sum before storing it, and the pullback zeroes G where the output is not positive
///     (g·0, as `relu`'s does) before the convolution's own pullback. `Sequential` fuses a
///     `Conv2D` followed by a ReLU this way.
/// - Returns: `[batch, outH, outW, F]`.
public func conv2d(_ x: Tensor, filter: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
                   padding: Padding = .valid, dilations: (Int, Int) = (1, 1), algorithm: ConvolutionAlgorithm,
                   relu applyReLU: Bool = false) -> Tensor {
    precondition(x.rank == 4, "conv2d expects NHWC images of rank 4, got shape \(x.shape)")
    precondition(filter.rank == 4, "conv2d expects a [kh, kw, in, out] kernel, got shape \(filter.shape)")
    precondition(filter.shape[2] == x.shape[3], "kernel \(filter.shape) expects \(filter.shape[2]) input channels, images \(x.shape) have \(x.shape[3])")
    let features = filter.shape[3]
    if let bias { precondition(bias.shape == [features], "conv2d bias must have shape [\(features)], got \(bias.shape)") }
    let window = convolutionWindow(x, filter: filter, strides: strides, padding: padding, dilations: dilations)
    if algorithm != .patchMatrix, let geometry = DirectGeometry(window, outChannels: features) {
        switch algorithm {
        case .direct(let kernels):
            return directConv2d(x, filter: filter, bias: bias, geometry, kernels: kernels, relu: applyReLU)
        case .automatic where window.suitsDirectKernels:
            return directConv2d(x, filter: filter, bias: bias, geometry, kernels: .best, relu: applyReLU)
        default: break
        }
    }
    let y = patchMatrixConv2d(x, filter: filter, bias: bias, window)
    return applyReLU ? relu(y) : y
}

/// The window of `conv2d(x, filter: filter, …)`.
private func convolutionWindow(_ x: Tensor, filter: Tensor, strides: (Int, Int), padding: Padding,
                               dilations: (Int, Int)) -> ImageWindow {
    ImageWindow(
        batch: x.shape[0], channels: x.shape[3],
        rows: WindowGeometry(input: x.shape[1], kernel: filter.shape[0], stride: strides.0, dilation: dilations.0, padding: padding),
        columns: WindowGeometry(input: x.shape[2], kernel: filter.shape[1], stride: strides.1, dilation: dilations.1, padding: padding))
}

extension ImageWindow {
    /// Whether `.automatic` runs the direct kernels (when the geometry allows them): a kernel
    /// larger than 1×1 and a short patch (kh·kw·C ≤ `directPatchLimit`).
    var suitsDirectKernels: Bool { patchLength <= directPatchLimit && patchLength > channels }
}

/// The direct-kernel convolution of a stride-1, dilation-1 window and its pullback
/// (`directGradients`). With `relu` the output is max(y, 0).
private func directConv2d(_ x: Tensor, filter: Tensor, bias: Tensor?, _ geometry: DirectGeometry,
                          kernels: Kernels, relu: Bool) -> Tensor {
    kernels.checkAvailable()
    let batch = x.shape[0], features = geometry.outChannels
    let out = [Float](count: batch * geometry.outputSize) { o in
        x.scalars.withUnsafeBufferPointer { px in
            filter.scalars.withUnsafeBufferPointer { w in
                withOptionalBuffer(bias?.scalars) { pb in
                    directConvolutionParallel(px.baseAddress!, geometry, batch: batch, weights: w.baseAddress!,
                                              bias: pb, relu: relu, kernels: kernels, into: o.baseAddress!)
                }
            }
        }
    }
    let value = Tensor(shape: [batch, geometry.outHeight, geometry.outWidth, features], scalars: out)
    let parents = bias.map { [x, filter, $0] } ?? [x, filter]
    return Tensor.record(value, parents: parents) { upstream in
        Array(directGradients(relu ? .relu(upstream, activations: out) : .plain(upstream), x: x, filter: filter, bias: bias,
                              geometry, kernels: kernels).prefix(parents.count))
    }
}

/// `maxPool2d(relu(conv2d(x, …)), size: poolSize, strides: poolStrides, padding: poolPadding)`:
/// one op when the convolution runs the direct vector kernels and the pooling windows are 2×2
/// at stride 2 tiling its output (as in seed-cnn), else the two ops. The fused op computes one
/// image's convolution into cache and pools it there, so the convolution's output is never
/// stored; its pullback rebuilds each image's ∂L/∂y from the pooled gradient, the pooled
/// output and the winning cells, in cache, and runs ∂L/∂x and ∂L/∂w from it. Values and
/// gradients are those of the separate ops, bit for bit.
/// - Parameters: see `conv2d(_:filter:bias:strides:padding:dilations:)` and `maxPool2d`.
/// - Returns: `[batch, pooledH, pooledW, F]`.
public func conv2dReLUMaxPool(_ x: Tensor, filter: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
                              padding: Padding = .valid, dilations: (Int, Int) = (1, 1), poolSize: (Int, Int),
                              poolStrides: (Int, Int), poolPadding: Padding = .valid) -> Tensor {
    let separate = {
        maxPool2d(conv2d(x, filter: filter, bias: bias, strides: strides, padding: padding, dilations: dilations,
                         algorithm: .automatic, relu: true),
                  size: poolSize, strides: poolStrides, padding: poolPadding)
    }
    guard Kernels.best == .vector, x.rank == 4, filter.rank == 4, filter.shape[2] == x.shape[3] else { return separate() }
    let window = convolutionWindow(x, filter: filter, strides: strides, padding: padding, dilations: dilations)
    guard window.suitsDirectKernels, let geometry = DirectGeometry(window, outChannels: filter.shape[3]),
          geometry.outHeight % 2 == 0, geometry.outWidth % 2 == 0 else { return separate() }
    let pool = ImageWindow(
        batch: x.shape[0], channels: geometry.outChannels,
        rows: WindowGeometry(input: geometry.outHeight, kernel: poolSize.0, stride: poolStrides.0, padding: poolPadding),
        columns: WindowGeometry(input: geometry.outWidth, kernel: poolSize.1, stride: poolStrides.1, padding: poolPadding))
    guard isTiled2x2(pool) else { return separate() }
    return directConv2dReLUPool(x, filter: filter, bias: bias, geometry)
}

/// The fused convolution + ReLU + 2×2 max pooling of `conv2dReLUMaxPool` with the vector kernels.
private func directConv2dReLUPool(_ x: Tensor, filter: Tensor, bias: Tensor?, _ geometry: DirectGeometry) -> Tensor {
    let batch = x.shape[0]
    let pooledSize = geometry.outputSize / 4
    let keepWinners = GradientRecording.isEnabled && (x.requiresGradient || filter.requiresGradient || bias?.requiresGradient == true)
    // The kernel writes every element.
    let winnerCount = keepWinners ? batch * pooledSize : 0
    var winners = [Int32](unsafeUninitializedCapacity: winnerCount) { _, initialized in initialized = winnerCount }
    let work = Swift.max(geometry.outputSize * geometry.kernelHeight * geometry.kernelWidth * geometry.inChannels, 1)
    let out = [Float](count: batch * pooledSize) { o in
        x.scalars.withUnsafeBufferPointer { px in
            filter.scalars.withUnsafeBufferPointer { w in
                withOptionalBuffer(bias?.scalars) { pb in
                    winners.withUnsafeMutableBufferPointer { pw in
                        Parallel.forEachPiece(of: batch, minimumPerThread: Swift.max(1, (1 << 16) / work)) { images in
                            vectorConvolutionReLUPool(px.baseAddress! + images.lowerBound * geometry.inputSize, geometry,
                                                      images: images.count, weights: w.baseAddress!, bias: pb,
                                                      into: o.baseAddress! + images.lowerBound * pooledSize,
                                                      winners: keepWinners ? pw.baseAddress! + images.lowerBound * pooledSize : nil)
                        }
                    }
                }
            }
        }
    }
    let value = Tensor(shape: [batch, geometry.outHeight / 2, geometry.outWidth / 2, geometry.outChannels], scalars: out)
    let parents = bias.map { [x, filter, $0] } ?? [x, filter]
    return Tensor.record(value, parents: parents) { upstream in
        Array(directGradients(.reluMaxPool(upstream, pooled: out, winners: winners), x: x, filter: filter, bias: bias,
                              geometry, kernels: .vector).prefix(parents.count))
    }
}

/// What the pullback of a direct convolution receives from above.
private enum DirectUpstream {
    /// G = ∂L/∂y.
    case plain(Tensor)
    /// The gradient of a fused ReLU's output: G = g where the activation is positive, g·0 elsewhere.
    case relu(Tensor, activations: [Float])
    /// The gradient of a fused ReLU and 2×2 max pooling's output: G = g at each window's
    /// winning cell where the pooled value is positive (g·0 where it is not), 0 elsewhere.
    case reluMaxPool(Tensor, pooled: [Float], winners: [Int32])
}

/// [∂L/∂x, ∂L/∂w, ∂L/∂bias] of a direct convolution (nil where not needed):
/// ∂L/∂x is the forward kernel run on G with the flipped, channel-swapped kernel;
/// ∂L/∂w accumulates x · G over the output pixels; ∂L/∂bias = Σ_rows G. The vector kernels
/// build each image's G once, in cache, and compute all three from it; the portable loops
/// take G whole (`.reluMaxPool` runs on the vector kernels only).
private func directGradients(_ upstream: DirectUpstream, x: Tensor, filter: Tensor, bias: Tensor?,
                             _ geometry: DirectGeometry, kernels: Kernels) -> [Tensor?] {
    let batch = x.shape[0]
    let wantsParameters = filter.requiresGradient || bias?.requiresGradient == true
    var flipped = [Float](repeating: 0, count: x.requiresGradient ? geometry.kernelSize : 0)
    if x.requiresGradient {
        filter.scalars.withUnsafeBufferPointer { w in
            flipped.withUnsafeMutableBufferPointer { flippedTransposedKernel(w.baseAddress!, geometry, into: $0.baseAddress!) }
        }
    }
    var dx: [Float] = []
    var parameters: (kernel: [Float], bias: [Float])?
    switch (kernels, upstream) {
    case (.vector, _):
        let (g, mask, winners, gradientSize): (Tensor, [Float], [Int32], Int)
        switch upstream {
        case .plain(let u): (g, mask, winners, gradientSize) = (u, [], [], geometry.outputSize)
        case .relu(let u, let activations): (g, mask, winners, gradientSize) = (u, activations, [], geometry.outputSize)
        case .reluMaxPool(let u, let pooled, let won): (g, mask, winners, gradientSize) = (u, pooled, won, geometry.outputSize / 4)
        }
        // Every group writes its images' ∂L/∂x whole.
        dx = [Float](count: x.requiresGradient ? x.count : 0) { pd in
            g.scalars.withUnsafeBufferPointer { pg in mask.withUnsafeBufferPointer { pm in winners.withUnsafeBufferPointer { pw in
            x.scalars.withUnsafeBufferPointer { px in flipped.withUnsafeBufferPointer { pf in
                let groups = groupedParameterGradients(geometry, batch: batch) { images, dw, db in
                    let first = images.lowerBound * gradientSize
                    // (An empty array's buffer may still have an address.)
                    let source = OutputGradientPointers(gradient: pg.baseAddress! + first,
                                                        mask: mask.isEmpty ? nil : pm.baseAddress! + first,
                                                        winners: winners.isEmpty ? nil : pw.baseAddress! + first)
                    vectorDirectBackward(px.baseAddress! + images.lowerBound * geometry.inputSize, source, geometry,
                                         images: images.count, flipped: x.requiresGradient ? pf.baseAddress : nil,
                                         dx: x.requiresGradient ? pd.baseAddress! + images.lowerBound * geometry.inputSize : nil,
                                         dw: wantsParameters ? dw : nil, db: wantsParameters ? db : nil)
                }
                if wantsParameters { parameters = groups }
            } } } } }
        }
    case (.portable, .reluMaxPool):
        preconditionFailure("the fused convolution, ReLU and max pooling runs on the vector kernels only")
    case (.portable, .plain(let u)), (.portable, .relu(let u, _)):
        let g: Tensor
        if case .relu(_, let activations) = upstream { g = reluPullback(u, activations: activations) } else { g = u }
        g.scalars.withUnsafeBufferPointer { pg in
            if x.requiresGradient {
                dx = [Float](count: x.count) { d in
                    flipped.withUnsafeBufferPointer { pw in
                        directConvolutionParallel(pg.baseAddress!, geometry.inputGradient, batch: batch, weights: pw.baseAddress!,
                                                  bias: nil, kernels: .portable, into: d.baseAddress!)
                    }
                }
            }
            if wantsParameters {
                parameters = x.scalars.withUnsafeBufferPointer { px in
                    groupedParameterGradients(geometry, batch: batch) { images, dw, db in
                        let (first, count) = (images.lowerBound, images.count)
                        let dy = pg.baseAddress! + first * geometry.outputSize
                        directKernelGradient(px.baseAddress! + first * geometry.inputSize, dy, geometry, images: count, into: dw)
                        addColumnSums(UnsafeBufferPointer(start: dy, count: count * geometry.outputSize),
                                      rows: count * geometry.outHeight * geometry.outWidth, columns: geometry.outChannels,
                                      into: UnsafeMutableBufferPointer(start: db, count: geometry.outChannels))
                    }
                }
            }
        }
    }
    var grads: [Tensor?] = [nil, nil, nil]
    if x.requiresGradient { grads[0] = Tensor(shape: x.shape, scalars: dx) }
    if let parameters, filter.requiresGradient { grads[1] = Tensor(shape: filter.shape, scalars: parameters.kernel) }
    if let parameters, let bias, bias.requiresGradient { grads[2] = Tensor(shape: bias.shape, scalars: parameters.bias) }
    return grads
}

/// Calls `body` with the base address of `scalars`, or nil when there are none.
private func withOptionalBuffer<R>(_ scalars: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let scalars else { return body(nil) }
    return scalars.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// How the im2col convolution of one window cuts its batch. The patch matrix is built a few
/// images at a time into one scratch buffer of about 4 MB that stays in cache (and is rebuilt
/// in the pullback rather than kept): the whole batch's matrix would be tens of megabytes,
/// written once and read once. The threads build disjoint images' rows of one chunk, then one
/// threaded sgemm takes it. The chunk size does not depend on the thread count, so neither do
/// the β = 1 sums of ∂L/∂w. It is a multiple or a divisor of `rowAlignment`, so that in a
/// batch padded to multiples of it (the predictive's) an image's chunk, and so its bytes, do
/// not depend on where the batch starts.
private struct PatchPlan {
    let window: ImageWindow
    /// F, the output channels.
    let features: Int
    /// M = batch · outH · outW patches of K = kh · kw · C elements each.
    let patchCount: Int, patchLength: Int
    /// A 1×1 kernel with stride 1 and no padding reads the image itself as its patch matrix.
    let identityPatches: Bool
    let rowsPerImage: Int, imagesPerChunk: Int, imageSize: Int

    init(_ x: Tensor, filter: Tensor, _ window: ImageWindow) {
        self.window = window
        features = filter.shape[3]
        (patchCount, patchLength) = (window.patchCount, window.patchLength)
        identityPatches = window.rows.kernel == 1 && window.columns.kernel == 1
            && window.rows.stride == 1 && window.columns.stride == 1
            && window.rows.padBefore == 0 && window.columns.padBefore == 0
        rowsPerImage = window.rows.output * window.columns.output
        let fitting = Swift.max(1, Swift.min(window.batch, (1 << 20) / Swift.max(rowsPerImage * patchLength, 1)))
        imagesPerChunk = identityPatches ? window.batch
            : fitting >= rowAlignment ? fitting / rowAlignment * rowAlignment
            : (1...fitting).last { rowAlignment % $0 == 0 } ?? 1
        imageSize = x.shape[1] * x.shape[2] * x.shape[3]
    }

    /// The chunks of images, in order.
    var chunks: [Range<Int>] {
        stride(from: 0, to: window.batch, by: imagesPerChunk).map { $0..<Swift.min($0 + imagesPerChunk, window.batch) }
    }

    /// A zeroed patch-matrix buffer for one chunk (im2col then writes every element of a
    /// chunk's rows; a shorter last chunk leaves the rest unread); empty for identity patches.
    func scratch() -> [Float] {
        [Float](repeating: 0, count: identityPatches ? 0 : imagesPerChunk * rowsPerImage * patchLength)
    }
}

/// The im2col + `cblas_sgemm` convolution of any window and its pullback: Y = P·w (+ bias)
/// with P the `[M, K]` patch matrix, built chunk by chunk (`PatchPlan`).
private func patchMatrixConv2d(_ x: Tensor, filter: Tensor, bias: Tensor?, _ window: ImageWindow) -> Tensor {
    let plan = PatchPlan(x, filter: filter, window)
    let value = Tensor(shape: [window.batch, window.rows.output, window.columns.output, plan.features],
                       scalars: patchMatrixForward(x, filter: filter, bias: bias, plan))
    let parents = bias.map { [x, filter, $0] } ?? [x, filter]
    return Tensor.record(value, parents: parents) { g in
        var grads: [Tensor?] = [nil, nil, nil]
        let (dx, dw) = patchMatrixPullback(g, x: x, filter: filter, plan)
        if x.requiresGradient { grads[0] = Tensor(shape: x.shape, scalars: dx) }
        if filter.requiresGradient { grads[1] = Tensor(shape: filter.shape, scalars: dw) }
        if let bias, bias.requiresGradient {
            var db = [Float](repeating: 0, count: plan.features)
            g.scalars.withUnsafeBufferPointer { pg in
                db.withUnsafeMutableBufferPointer { addColumnSums(pg, rows: plan.patchCount, columns: plan.features, into: $0) }
            }
            grads[2] = Tensor(shape: bias.shape, scalars: db)
        }
        return Array(grads.prefix(parents.count))
    }
}

/// Y = P·w + bias, `[M · F]`: sgemm with β = 0 writes every output element, and the bias is
/// added to each chunk while it is still in cache, so the output needs no zero fill.
private func patchMatrixForward(_ x: Tensor, filter: Tensor, bias: Tensor?, _ plan: PatchPlan) -> [Float] {
    let (m, k, features) = (plan.patchCount, plan.patchLength, plan.features)
    var scratch = plan.scratch()
    return [Float](count: m * features) { o in
        x.scalars.withUnsafeBufferPointer { px in
            filter.scalars.withUnsafeBufferPointer { w in
                if plan.identityPatches {
                    sgemm(m: m, n: features, k: k, px.baseAddress, lda: k, w.baseAddress, ldb: features, o.baseAddress, ldc: features)
                    if let bias { bias.scalars.withUnsafeBufferPointer { addBiasRows($0, rows: m, columns: features, into: o) } }
                    return
                }
                scratch.withUnsafeMutableBufferPointer { p in
                    for images in plan.chunks {
                        im2colParallel(px, plan.window, images: images, into: p)
                        let rows = images.count * plan.rowsPerImage
                        let chunkOut = UnsafeMutableBufferPointer(
                            rebasing: o[(images.lowerBound * plan.rowsPerImage * features)..<(images.upperBound * plan.rowsPerImage * features)])
                        sgemm(m: rows, n: features, k: k, p.baseAddress, lda: k, w.baseAddress, ldb: features,
                              chunkOut.baseAddress, ldc: features)
                        if let bias {
                            bias.scalars.withUnsafeBufferPointer { addBiasRows($0, rows: rows, columns: features, into: chunkOut) }
                        }
                    }
                }
            }
        }
    }
}

/// ∂L/∂x and ∂L/∂w of Y = P·w for upstream G, chunk by chunk: ∂L/∂w += Pᵀ·G and
/// ∂L/∂P = G·wᵀ scattered back onto the images (col2im). Each is empty when not needed.
private func patchMatrixPullback(_ g: Tensor, x: Tensor, filter: Tensor, _ plan: PatchPlan) -> (dx: [Float], dw: [Float]) {
    var dx = [Float](repeating: 0, count: x.requiresGradient ? x.count : 0)
    var dw = [Float](repeating: 0, count: filter.requiresGradient ? filter.count : 0)
    var scratch = plan.scratch()
    let (k, features) = (plan.patchLength, plan.features)
    g.scalars.withUnsafeBufferPointer { pg in
    x.scalars.withUnsafeBufferPointer { px in
    filter.scalars.withUnsafeBufferPointer { w in
    dx.withUnsafeMutableBufferPointer { d in
    dw.withUnsafeMutableBufferPointer { dwp in
    scratch.withUnsafeMutableBufferPointer { p in
        for images in plan.chunks {
            let rows = images.count * plan.rowsPerImage
            let gChunk = pg.baseAddress! + images.lowerBound * plan.rowsPerImage * features
            if filter.requiresGradient {
                // ∂L/∂w += Pᵀ·G for this chunk's patches P.
                let patches: UnsafePointer<Float>
                if plan.identityPatches {
                    patches = px.baseAddress! + images.lowerBound * plan.imageSize
                } else {
                    im2colParallel(px, plan.window, images: images, into: p)
                    patches = UnsafePointer(p.baseAddress!)
                }
                sgemm(transposeA: true, m: k, n: features, k: rows, patches, lda: k,
                      gChunk, ldb: features, beta: 1, dwp.baseAddress, ldc: features)
            }
            if x.requiresGradient {
                if plan.identityPatches {
                    sgemm(transposeB: true, m: rows, n: k, k: features, gChunk, lda: features,
                          w.baseAddress, ldb: features, d.baseAddress! + images.lowerBound * plan.imageSize, ldc: k)
                } else {
                    // ∂L/∂P = G·wᵀ, then scattered back onto the images.
                    sgemm(transposeB: true, m: rows, n: k, k: features, gChunk, lda: features,
                          w.baseAddress, ldb: features, p.baseAddress, ldc: k)
                    col2imParallel(UnsafeBufferPointer(p), plan.window, images: images, into: d)
                }
            }
        }
    } } } } } }
    return (dx, dw)
}

/// Transposed 2-D convolution (Keras `Conv2DTranspose`): the adjoint of `conv2d` in its
/// input, so each input pixel paints a kernel-sized patch of the (larger) output.
///
/// With A the conv2d that maps the output geometry back to the input geometry,
/// y = Aᵀ(x) + bias: patches = X·wᵀ (`[b·H·W, kh·kw·F]`), then col2im onto the output.
/// Output extent per axis: valid (n − 1)s + d(f − 1) + 1; same n·s; explicit p
/// (n − 1)s − 2p + d(f − 1) + 1.
/// Pullback with Q = im2col(G): ∂L/∂x = Q·w, ∂L/∂w = Qᵀ·X, ∂L/∂bias = Σ G.
/// - Parameters:
///   - x: images `[batch, H, W, C]`.
///   - filter: kernel `[kh, kw, F, C]` (output channels before input channels, as in Keras).
///   - bias: `[F]` or `nil`.
///   - strides: (vertical, horizontal) step of the patches in the output.
///   - padding: see `Padding` (the output extents above).
///   - dilations: (vertical, horizontal) spacing of kernel taps.
/// - Returns: `[batch, outH, outW, F]`.
public func conv2dTranspose(_ x: Tensor, filter: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
                            padding: Padding = .valid, dilations: (Int, Int) = (1, 1)) -> Tensor {
    precondition(x.rank == 4, "conv2dTranspose expects NHWC images of rank 4, got shape \(x.shape)")
    precondition(filter.rank == 4, "conv2dTranspose expects a [kh, kw, out, in] kernel, got shape \(filter.shape)")
    precondition(filter.shape[3] == x.shape[3], "kernel \(filter.shape) expects \(filter.shape[3]) input channels, images \(x.shape) have \(x.shape[3])")
    let features = filter.shape[2], inChannels = x.shape[3]
    if let bias { precondition(bias.shape == [features], "conv2dTranspose bias must have shape [\(features)], got \(bias.shape)") }
    let window = ImageWindow(
        batch: x.shape[0], channels: features,
        rows: WindowGeometry(transposedInput: x.shape[1], kernel: filter.shape[0], stride: strides.0, dilation: dilations.0, padding: padding),
        columns: WindowGeometry(transposedInput: x.shape[2], kernel: filter.shape[1], stride: strides.1, dilation: dilations.1, padding: padding))
    let (m, k) = (window.patchCount, window.patchLength)
    let outShape = [window.batch, window.rows.input, window.columns.input, features]
    var patches = [Float](repeating: 0, count: m * k)
    var out = [Float](repeating: 0, count: elementCount(outShape))
    x.scalars.withUnsafeBufferPointer { px in
        filter.scalars.withUnsafeBufferPointer { w in
            patches.withUnsafeMutableBufferPointer { p in
                sgemm(transposeB: true, m: m, n: k, k: inChannels, px.baseAddress, lda: inChannels,
                      w.baseAddress, ldb: inChannels, p.baseAddress, ldc: k)
            }
        }
    }
    patches.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { col2im(p, window, into: $0) } }
    if let bias {
        out.withUnsafeMutableBufferPointer { o in
            bias.scalars.withUnsafeBufferPointer { addBiasRows($0, rows: o.count / features, columns: features, into: o) }
        }
    }
    let value = Tensor(shape: outShape, scalars: out)
    let parents = bias.map { [x, filter, $0] } ?? [x, filter]
    return Tensor.record(value, parents: parents) { g in
        var grads: [Tensor?] = [nil, nil, nil]
        let q = [Float](unsafeUninitializedCapacity: m * k) { buffer, initialized in
            g.scalars.withUnsafeBufferPointer { im2col($0, window, into: buffer) }
            initialized = m * k
        }
        q.withUnsafeBufferPointer { pq in
            filter.scalars.withUnsafeBufferPointer { w in
                if x.requiresGradient {
                    grads[0] = Tensor(zeros: x.shape) { d in
                        sgemm(m: m, n: inChannels, k: k, pq.baseAddress, lda: k, w.baseAddress, ldb: inChannels, d.baseAddress, ldc: inChannels)
                    }
                }
                if filter.requiresGradient {
                    grads[1] = Tensor(zeros: filter.shape) { d in
                        x.scalars.withUnsafeBufferPointer { px in
                            sgemm(transposeA: true, m: k, n: inChannels, k: m, pq.baseAddress, lda: k,
                                  px.baseAddress, ldb: inChannels, d.baseAddress, ldc: inChannels)
                        }
                    }
                }
            }
        }
        if let bias, bias.requiresGradient {
            grads[2] = Tensor(zeros: bias.shape) { db in
                g.scalars.withUnsafeBufferPointer { addColumnSums($0, rows: g.count / features, columns: features, into: db) }
            }
        }
        return Array(grads.prefix(parents.count))
    }
}
