import LikelyTensor

/// The geometry of a stride-1, dilation-1 convolution of one image, as the direct kernels
/// see it: input `[height, width, inChannels]`, output `[outHeight, outWidth, outChannels]`,
/// kernel `[kernelHeight, kernelWidth, inChannels, outChannels]`; output (i, j) reads input
/// (i − padTop + ky, j − padLeft + kx), zero outside the image.
struct DirectGeometry {
    var height: Int
    var width: Int
    var inChannels: Int
    var outHeight: Int
    var outWidth: Int
    var outChannels: Int
    var kernelHeight: Int
    var kernelWidth: Int
    var padTop: Int
    var padLeft: Int

    /// Input scalars per image: height · width · inChannels.
    var inputSize: Int { height * width * inChannels }
    /// Output scalars per image: outHeight · outWidth · outChannels.
    var outputSize: Int { outHeight * outWidth * outChannels }
    /// Kernel scalars: kh · kw · inChannels · outChannels.
    var kernelSize: Int { kernelHeight * kernelWidth * inChannels * outChannels }

    /// The geometry of a forward `conv2d` window, or `nil` unless both axes have stride 1 and
    /// dilation 1 and padding no wider than the kernel on every side (wider padding, legal in
    /// a model file, would give output rows whose kernel-row range is inverted; it goes
    /// through the patch matrix).
    init?(_ w: ImageWindow, outChannels: Int) {
        guard w.rows.stride == 1, w.columns.stride == 1, w.rows.dilation == 1, w.columns.dilation == 1 else { return nil }
        for axis in [w.rows, w.columns] {
            let padAfter = axis.output - 1 + axis.kernel - axis.input - axis.padBefore
            guard axis.padBefore <= axis.kernel, padAfter <= axis.kernel else { return nil }
        }
        self.init(height: w.rows.input, width: w.columns.input, inChannels: w.channels,
                  outHeight: w.rows.output, outWidth: w.columns.output, outChannels: outChannels,
                  kernelHeight: w.rows.kernel, kernelWidth: w.columns.kernel,
                  padTop: w.rows.padBefore, padLeft: w.columns.padBefore)
    }

    init(height: Int, width: Int, inChannels: Int, outHeight: Int, outWidth: Int, outChannels: Int,
         kernelHeight: Int, kernelWidth: Int, padTop: Int, padLeft: Int) {
        self.height = height; self.width = width; self.inChannels = inChannels
        self.outHeight = outHeight; self.outWidth = outWidth; self.outChannels = outChannels
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.padTop = padTop; self.padLeft = padLeft
    }

    /// The geometry of the input gradient seen as a forward convolution of the output
    /// gradient: ∂L/∂x[i, j, c] = Σ_{ky', kx', f} g[i − (kh − 1 − padTop) + ky', j − (kw − 1 − padLeft) + kx', f] ·
    /// w[kh − 1 − ky', kw − 1 − kx', c, f], the full correlation with the flipped kernel.
    var inputGradient: DirectGeometry {
        DirectGeometry(height: outHeight, width: outWidth, inChannels: outChannels,
                       outHeight: height, outWidth: width, outChannels: inChannels,
                       kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                       padTop: kernelHeight - 1 - padTop, padLeft: kernelWidth - 1 - padLeft)
    }
}

/// Where the kernel taps of one output pixel, or of four adjacent interior ones, read.
struct PixelTaps {
    /// The image within the batch.
    var image: Int
    /// The output pixel's index oy·outWidth + ox (the first of four).
    var pixel: Int
    /// The kernel rows whose input row lies inside the image.
    var rows: Range<Int>
    /// The kernel columns whose input column lies inside the image (all of them for four pixels).
    var columns: Range<Int>
    /// The input offset, within the image, of the pixel under tap (0, 0), possibly outside the
    /// image (never read there).
    var corner: Int
}

extension DirectGeometry {
    /// Visits every output pixel of `images` images in row order. Interior pixels, whose whole
    /// kernel row lies inside the image, go to `four` four at a time and then each to `one` with
    /// `afterFour` true (for the channels `four` leaves); the other pixels go to `one` alone.
    @inline(__always)
    func forEachPixel(images: Int, four: (PixelTaps) -> Void, one: (_ taps: PixelTaps, _ afterFour: Bool) -> Void) {
        let rowStride = width * inChannels
        // Output columns first..<end have their whole kernel row inside the image.
        let first = Swift.max(0, padLeft)
        let end = Swift.max(first, Swift.min(outWidth, width + padLeft - kernelWidth + 1))
        for b in 0..<images {
            for oy in 0..<outHeight {
                let rows = Swift.max(0, padTop - oy)..<Swift.min(kernelHeight, height + padTop - oy)
                var ox = 0
                while ox < outWidth {
                    let quad = ox >= first && ox &+ 4 <= end
                    if quad {
                        four(PixelTaps(image: b, pixel: oy &* outWidth &+ ox, rows: rows, columns: 0..<kernelWidth,
                                       corner: (oy &- padTop) &* rowStride &+ (ox &- padLeft) &* inChannels))
                    }
                    let count = quad ? 4 : 1
                    for px in ox..<(ox &+ count) {
                        one(PixelTaps(image: b, pixel: oy &* outWidth &+ px, rows: rows,
                                      columns: Swift.max(0, padLeft - px)..<Swift.min(kernelWidth, width + padLeft - px),
                                      corner: (oy &- padTop) &* rowStride &+ (px &- padLeft) &* inChannels), quad)
                    }
                    ox &+= count
                }
            }
        }
    }

    /// Calls `body(input, tap)` for each kernel tap (ky, kx) of `taps`: the input offset of the
    /// tap's pixel within the image, and the tap's offset (ky·kw + kx)·C·F into the kernel.
    @inline(__always)
    func forEachTap(_ taps: PixelTaps, _ body: (_ input: Int, _ tap: Int) -> Void) {
        let rowStride = width * inChannels, tapStride = inChannels * outChannels
        for ky in taps.rows {
            for kx in taps.columns { body(taps.corner &+ ky &* rowStride &+ kx &* inChannels, (ky &* kernelWidth &+ kx) &* tapStride) }
        }
    }
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Direct convolution of `images` consecutive images (no patch matrix):
/// out[i, j, f] = bias[f] + Σ_{ky, kx, c} in[i − padTop + ky, j − padLeft + kx, c] · w[ky, kx, c, f],
/// then max(·, 0) when `relu`. Vectorized over output channels (8 at a time, each block's
/// sum kept in registers); writes every output scalar.
func directConvolution(_ input: UnsafePointer<Float>, _ g: DirectGeometry, images: Int, weights: UnsafePointer<Float>,
                       bias: UnsafePointer<Float>?, relu: Bool = false, into output: UnsafeMutablePointer<Float>) {
    let (c, f) = (g.inChannels, g.outChannels)
    let blocks = f / 8
    let zero = SIMD8<Float>()
    g.forEachPixel(images: images, four: { taps in
        // Four interior pixels at once: each weight vector loaded once for all four, four
        // independent sums in registers.
        let image = input + taps.image &* g.inputSize
        let o = output + taps.image &* g.outputSize + taps.pixel &* f
        for block in 0..<blocks {
            let start: SIMD8<Float> = bias.map { load8($0 + block &* 8) } ?? zero
            var (s0, s1, s2, s3) = (start, start, start, start)
            g.forEachTap(taps) { at, tap in
                let (px, pw) = (image + at, weights + (tap &+ block &* 8))
                for ci in 0..<c {
                    let wv = load8(pw + ci &* f)
                    s0 += SIMD8(repeating: px[ci]) * wv
                    s1 += SIMD8(repeating: px[c &+ ci]) * wv
                    s2 += SIMD8(repeating: px[2 &* c &+ ci]) * wv
                    s3 += SIMD8(repeating: px[3 &* c &+ ci]) * wv
                }
            }
            if relu {
                s0.replace(with: zero, where: s0 .< zero); s1.replace(with: zero, where: s1 .< zero)
                s2.replace(with: zero, where: s2 .< zero); s3.replace(with: zero, where: s3 .< zero)
            }
            store8(s0, o + block &* 8); store8(s1, o + (f &+ block &* 8))
            store8(s2, o + (2 &* f &+ block &* 8)); store8(s3, o + (3 &* f &+ block &* 8))
        }
    }, one: { taps, afterFour in
        // One pixel: a border pixel, or the channels past the last full block of an interior one.
        let image = input + taps.image &* g.inputSize
        let o = output + taps.image &* g.outputSize + taps.pixel &* f
        for block in (afterFour ? blocks : 0)..<blocks {
            var sum: SIMD8<Float> = bias.map { load8($0 + block &* 8) } ?? zero
            g.forEachTap(taps) { at, tap in
                let (px, pw) = (image + at, weights + (tap &+ block &* 8))
                for ci in 0..<c { sum += SIMD8(repeating: px[ci]) * load8(pw + ci &* f) }
            }
            if relu { sum.replace(with: zero, where: sum .< zero) }
            store8(sum, o + block &* 8)
        }
        for fi in (blocks &* 8)..<f {
            var sum: Float = bias?[fi] ?? 0
            g.forEachTap(taps) { at, tap in
                let (px, pw) = (image + at, weights + (tap &+ fi))
                for ci in 0..<c { sum += px[ci] * pw[ci &* f] }
            }
            o[fi] = relu && sum < 0 ? 0 : sum
        }
    })
}

/// The kernel of the input gradient: w'[ky', kx', f, c] = w[kh − 1 − ky', kw − 1 − kx', c, f]
/// (flipped in both spatial axes, channels swapped), `[kh, kw, F, C]`.
func flippedTransposedKernel(_ w: UnsafePointer<Float>, _ g: DirectGeometry, into out: UnsafeMutablePointer<Float>) {
    let (kh, kw, c, f) = (g.kernelHeight, g.kernelWidth, g.inChannels, g.outChannels)
    for ky in 0..<kh {
        for kx in 0..<kw {
            let src = w + ((kh - 1 - ky) * kw + (kw - 1 - kx)) * c * f
            let dst = out + (ky * kw + kx) * f * c
            for ci in 0..<c {
                for fi in 0..<f { dst[fi * c + ci] = src[ci * f + fi] }
            }
        }
    }
}

/// Adds the kernel gradient of `images` consecutive images into `dw` (`[kh, kw, C, F]`):
/// dw[ky, kx, c, f] += Σ_{i, j} in[i − padTop + ky, j − padLeft + kx, c] · g[i, j, f].
/// Vectorized over output channels; `dw` (kh·kw·C·F scalars) stays in L1 cache.
func directKernelGradient(_ input: UnsafePointer<Float>, _ gradient: UnsafePointer<Float>, _ g: DirectGeometry,
                          images: Int, into dw: UnsafeMutablePointer<Float>) {
    let (c, f) = (g.inChannels, g.outChannels)
    let blocks = f / 8
    g.forEachPixel(images: images, four: { taps in
        // Four interior pixels at once: each accumulator loaded and stored once for four.
        let image = input + taps.image &* g.inputSize
        let pg = gradient + taps.image &* g.outputSize + taps.pixel &* f
        for block in 0..<blocks {
            let g0 = load8(pg + block &* 8), g1 = load8(pg + (f &+ block &* 8))
            let g2 = load8(pg + (2 &* f &+ block &* 8)), g3 = load8(pg + (3 &* f &+ block &* 8))
            g.forEachTap(taps) { at, tap in
                let (px, pw) = (image + at, dw + (tap &+ block &* 8))
                for ci in 0..<c {
                    var acc = load8(pw + ci &* f)
                    acc += SIMD8(repeating: px[ci]) * g0
                    acc += SIMD8(repeating: px[c &+ ci]) * g1
                    acc += SIMD8(repeating: px[2 &* c &+ ci]) * g2
                    acc += SIMD8(repeating: px[3 &* c &+ ci]) * g3
                    store8(acc, pw + ci &* f)
                }
            }
        }
    }, one: { taps, afterFour in
        let image = input + taps.image &* g.inputSize
        let pg = gradient + taps.image &* g.outputSize + taps.pixel &* f
        for block in (afterFour ? blocks : 0)..<blocks {
            let gv = load8(pg + block &* 8)
            g.forEachTap(taps) { at, tap in
                let (px, pw) = (image + at, dw + (tap &+ block &* 8))
                for ci in 0..<c { store8(load8(pw + ci &* f) + SIMD8(repeating: px[ci]) * gv, pw + ci &* f) }
            }
        }
        for fi in (blocks &* 8)..<f {
            let gv = pg[fi]
            g.forEachTap(taps) { at, tap in
                let (px, pw) = (image + at, dw + (tap &+ fi))
                for ci in 0..<c { pw[ci &* f] += px[ci] * gv }
            }
        }
    })
}

/// Runs the direct convolution over a batch, the images shared out across the threads.
func directConvolutionParallel(_ input: UnsafePointer<Float>, _ g: DirectGeometry, batch: Int, weights: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, relu: Bool = false, kernels: Kernels,
                               into output: UnsafeMutablePointer<Float>) {
    let work = Swift.max(g.outputSize * g.kernelHeight * g.kernelWidth * g.inChannels, 1)
    Parallel.forEachPiece(of: batch, minimumPerThread: Swift.max(1, (1 << 16) / work)) { piece in
        let (x, y) = (input + piece.lowerBound * g.inputSize, output + piece.lowerBound * g.outputSize)
        switch kernels {
        case .vector: vectorDirectConvolution(x, g, images: piece.count, weights: weights, bias: bias, relu: relu, into: y)
        case .portable: directConvolution(x, g, images: piece.count, weights: weights, bias: bias, relu: relu, into: y)
        }
    }
}

/// The kernel and bias gradients of a batch, `[kh, kw, C, F]` and `[F]`: the batch is cut into
/// a fixed number of groups (independent of the thread count, so the sums are the same for
/// any), `body(images, dw, db)` adds each group's sums into its own zeroed partial sums on some
/// thread, then the partial sums are added in group order.
func groupedParameterGradients(_ g: DirectGeometry, batch: Int,
                               _ body: (_ images: Range<Int>, _ dw: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>) -> Void)
    -> (kernel: [Float], bias: [Float]) {
    let (kernelSize, size) = (g.kernelSize, g.kernelSize + g.outChannels)
    let groups = Swift.max(1, Swift.min(batch, 8))
    var partial = [Float](repeating: 0, count: groups * size)
    partial.withUnsafeMutableBufferPointer { p in
        let base = p.baseAddress!
        Parallel.forEachPiece(of: groups, minimumPerThread: 1) { range in
            for group in range {
                let images = (group * batch / groups)..<((group + 1) * batch / groups)
                body(images, base + group * size, base + group * size + kernelSize)
            }
        }
        for group in 1..<groups {
            let src = base + group * size
            for i in 0..<size { base[i] += src[i] }
        }
    }
    return (Array(partial[0..<kernelSize]), Array(partial[kernelSize..<size]))
}
