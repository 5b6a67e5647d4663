import LikelyNN
import LikelyTensor
import LikelyTestSupport
import Testing

/// ∂/∂x and ∂/∂w of Σ y·r for y = conv(x, w) with stride 1, dilation 1, summed in Double
/// straight from the definition: ∂/∂x[b, iy, ix, c] = Σ r[b, oy, ox, f] · w[iy − oy + p, ix − ox + q, c, f],
/// ∂/∂w[ky, kx, c, f] = Σ r[b, oy, ox, f] · x[b, oy − p + ky, ox − q + kx, c].
private func naiveGradients(_ x: Tensor, _ w: Tensor, _ r: Tensor, padBefore: (Int, Int)) -> (dx: [Float], dw: [Float]) {
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw, f) = (w.shape[0], w.shape[1], w.shape[3])
    let (oh, ow) = (r.shape[1], r.shape[2])
    var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
    for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for ky in 0..<kh { for kx in 0..<kw {
        let iy = oy - padBefore.0 + ky, ix = ox - padBefore.1 + kx
        guard iy >= 0 && iy < h && ix >= 0 && ix < wd else { continue }
        for ch in 0..<c { for o in 0..<f {
            let rv = Double(r[b, oy, ox, o])
            dx[((b * h + iy) * wd + ix) * c + ch] += rv * Double(w[ky, kx, ch, o])
            dw[((ky * kw + kx) * c + ch) * f + o] += rv * Double(x[b, iy, ix, ch])
        } }
    } } } } }
    return (dx.map(Float.init), dw.map(Float.init))
}

@Suite("Direct convolution")
struct DirectConvolutionTests {
    /// (kernel rows, kernel columns, input channels, filters, padding): 3×3 with the channel
    /// counts of seed-cnn and counts that leave a remainder past the 8-wide blocks, an even
    /// kernel (asymmetric 'same' padding) and explicit padding, up to wider than the kernel
    /// (5 around a 3×3 kernel: the direct geometry declines it and the patch matrix runs).
    static let cases: [(Int, Int, Int, Int, Padding)] = [
        (3, 3, 1, 8, .same), (3, 3, 8, 16, .same), (3, 3, 1, 8, .valid), (3, 3, 8, 16, .valid),
        (3, 3, 3, 5, .same), (3, 3, 2, 11, .valid), (2, 4, 3, 9, .same), (3, 2, 4, 24, .explicit(1)),
        (3, 3, 4, 40, .same), (3, 3, 2, 9, .explicit(3)), (2, 2, 3, 8, .explicit(2)), (3, 3, 2, 9, .explicit(5)),
    ]

    /// Both implementations when this CPU runs the vector kernels (AVX2 + FMA), else the portable one.
    static let kernels: [Kernels] = Kernels.best == .vector ? [.vector, .portable] : [.portable]

    @Test("direct kernel equals the im2col path and the naive sum: forward, ∂x, ∂w, ∂bias", arguments: cases, kernels)
    func matchesPatchMatrix(_ geometry: (Int, Int, Int, Int, Padding), _ kernels: Kernels) throws {
        let (kh, kw, c, f, padding) = geometry
        var random = RandomSource(seed: 11)
        let x = Tensor(shape: [3, 9, 13, c], scalars: Tensor.randomNormal([3, 9, 13, c], using: &random).scalars, requiresGradient: true)
        let w = Tensor(shape: [kh, kw, c, f], scalars: Tensor.randomNormal([kh, kw, c, f], using: &random).scalars, requiresGradient: true)
        let b = Tensor(shape: [f], scalars: Tensor.randomNormal([f], using: &random).scalars, requiresGradient: true)
        let direct = conv2d(x, filter: w, bias: b, padding: padding, algorithm: .direct(kernels))
        let patches = conv2d(x, filter: w, bias: b, padding: padding, algorithm: .patchMatrix)
        let rows = WindowGeometry(input: 9, kernel: kh, stride: 1, padding: padding)
        let cols = WindowGeometry(input: 13, kernel: kw, stride: 1, padding: padding)
        #expect(direct.shape == [3, rows.output, cols.output, f])
        #expect(direct.shape == patches.shape)
        let naive = naiveConvolution(x, w, bias: b.scalars, stride: (1, 1), padBefore: (rows.padBefore, cols.padBefore),
                                     dilation: (1, 1), output: (rows.output, cols.output))
        #expect(isApproximatelyEqual(direct, naive, absolute: 1e-4))
        #expect(isApproximatelyEqual(direct, patches.scalars, absolute: 1e-4))

        // Gradients of ⟨y, r⟩ for a random r: both paths against each other and the definition.
        let r = Tensor.randomNormal(direct.shape, using: &random)
        let gd = (direct * r).sum().gradients(), gp = (patches * r).sum().gradients()
        let reference = naiveGradients(x, w, r, padBefore: (rows.padBefore, cols.padBefore))
        let (dxd, dwd, dbd) = (try #require(gd[x]), try #require(gd[w]), try #require(gd[b]))
        let (dxp, dwp, dbp) = (try #require(gp[x]), try #require(gp[w]), try #require(gp[b]))
        #expect(isApproximatelyEqual(dxd, reference.dx, absolute: 1e-4))
        #expect(isApproximatelyEqual(dxd, dxp.scalars, absolute: 1e-4))
        #expect(isApproximatelyEqual(dwd, reference.dw, absolute: 1e-3))
        #expect(isApproximatelyEqual(dwd, dwp.scalars, absolute: 1e-3))
        #expect(isApproximatelyEqual(dbd, dbp.scalars, absolute: 1e-4))
        #expect(isApproximatelyEqual(dbd, r.sum(alongAxis: 0).sum(alongAxis: 0).sum(alongAxis: 0).scalars, absolute: 1e-4))
    }

    @Test("direct kernel gradients pass the finite-difference check", arguments: [
        (3, 3, 1, 8, Padding.same), (3, 3, 8, 16, .valid), (3, 3, 3, 5, .same), (2, 3, 2, 9, .same),
    ], kernels)
    func gradientCheck(_ geometry: (Int, Int, Int, Int, Padding), _ kernels: Kernels) {
        let (kh, kw, c, f, padding) = geometry
        var random = RandomSource(seed: 12)
        let x = Tensor.randomNormal([2, 6, 7, c], using: &random)
        let w = Tensor.randomNormal([kh, kw, c, f], using: &random)
        let b = Tensor.randomNormal([f], using: &random)
        let result = checkGradients(at: [x, w, b]) { v in
            conv2d(v[0], filter: v[1], bias: v[2], padding: padding, algorithm: .direct(kernels))
        }
        #expect(result.passed, "\(result)")
    }

    /// (images shape, filters, padding) of 3×3 convolutions whose outputs have even sides and whose
    /// channels come in whole 8-channel blocks, so the vector kernels run Winograd F(2×2, 3×3)
    /// for the forward sums and for ∂L/∂x (a forward sum of G with the flipped kernel):
    /// seed-cnn's second layer on 10×14 images, its input gradient's shape as a forward
    /// convolution, and 24 input channels (the unspecialised channel count) on a 2×4 output.
    static let winogradCases: [([Int], Int, Padding)] = [
        ([3, 10, 14, 8], 16, .same), ([2, 10, 12, 16], 8, .valid), ([2, 4, 6, 24], 8, .valid), ([1, 2, 2, 8], 8, .same),
    ]

    @Test("Winograd F(2×2, 3×3) sums equal the definition: forward, ∂x, ∂w, ∂bias", arguments: winogradCases)
    func winograd(_ geometry: ([Int], Int, Padding)) throws {
        guard Kernels.best == .vector else { return }
        let (shape, f, padding) = geometry
        let c = shape[3]
        var random = RandomSource(seed: 15)
        let x = Tensor(shape: shape, scalars: Tensor.randomNormal(shape, using: &random).scalars, requiresGradient: true)
        let w = Tensor(shape: [3, 3, c, f], scalars: Tensor.randomNormal([3, 3, c, f], using: &random).scalars, requiresGradient: true)
        let b = Tensor(shape: [f], scalars: Tensor.randomNormal([f], using: &random).scalars, requiresGradient: true)
        let y = conv2d(x, filter: w, bias: b, padding: padding, algorithm: .direct(.vector))
        let rows = WindowGeometry(input: shape[1], kernel: 3, stride: 1, padding: padding)
        let cols = WindowGeometry(input: shape[2], kernel: 3, stride: 1, padding: padding)
        #expect(rows.output % 2 == 0 && cols.output % 2 == 0)
        let naive = naiveConvolution(x, w, bias: b.scalars, stride: (1, 1), padBefore: (rows.padBefore, cols.padBefore),
                                     dilation: (1, 1), output: (rows.output, cols.output))
        #expect(isApproximatelyEqual(y, naive, absolute: 1e-4))
        let r = Tensor.randomNormal(y.shape, using: &random)
        let grads = (y * r).sum().gradients()
        let reference = naiveGradients(x, w, r, padBefore: (rows.padBefore, cols.padBefore))
        #expect(isApproximatelyEqual(try #require(grads[x]), reference.dx, absolute: 1e-4))
        #expect(isApproximatelyEqual(try #require(grads[w]), reference.dw, absolute: 1e-3))
        #expect(isApproximatelyEqual(try #require(grads[b]), r.sum(alongAxis: 0).sum(alongAxis: 0).sum(alongAxis: 0).scalars,
                                     absolute: 1e-4))
        let check = checkGradients(at: [x.detached(), w.detached(), b.detached()]) { v in
            conv2d(v[0], filter: v[1], bias: v[2], padding: padding, algorithm: .direct(.vector))
        }
        #expect(check.passed, "\(check)")
    }

    /// Each image is computed whole by one thread and the kernel gradient is summed in a fixed
    /// number of image groups, so the Winograd path gives the same bits for any thread count
    /// and for the batch split in two.
    @Test("Winograd results are the same for 1 and 2 threads and for a split batch")
    func winogradReproducible() throws {
        guard Kernels.best == .vector else { return }
        var random = RandomSource(seed: 16)
        let x = Tensor.randomNormal([9, 8, 10, 8], using: &random)
        let w = Tensor(shape: [3, 3, 8, 16], scalars: Tensor.randomNormal([3, 3, 8, 16], using: &random).scalars, requiresGradient: true)
        let b = Tensor(shape: [16], scalars: Tensor.randomNormal([16], using: &random).scalars, requiresGradient: true)
        func run(threads: Int) throws -> [[Float]] {
            let leaf = Tensor(shape: x.shape, scalars: x.scalars, requiresGradient: true)
            let y = Parallel.withThreadCount(threads) {
                conv2dReLUMaxPool(leaf, filter: w, bias: b, padding: .same, poolSize: (2, 2), poolStrides: (2, 2))
            }
            let grads = Parallel.withThreadCount(threads) { y.sum().gradients() }
            return [y.scalars, try #require(grads[leaf]).scalars, try #require(grads[w]).scalars, try #require(grads[b]).scalars]
        }
        let (one, two) = (try run(threads: 1), try run(threads: 2))
        for (a, c) in zip(one, two) { #expect(a == c) }
        let whole = conv2d(x, filter: w, bias: b, padding: .same, algorithm: .direct(.vector))
        let halves = [x.slice(alongAxis: 0, 0..<4), x.slice(alongAxis: 0, 4..<9)].map {
            conv2d($0, filter: w, bias: b, padding: .same, algorithm: .direct(.vector)).scalars
        }
        #expect(whole.scalars == halves[0] + halves[1])
    }

    /// (images shape, kernel size, filters, padding) for the fused ReLU: seed-cnn's channel
    /// block, and a batch of 8 that the threads split, with 5 filters (a partial block) and
    /// rows of 55 scalars (a remainder past the 8-wide masking loop).
    static let fusedCases: [([Int], Int, Int, Padding)] = [([2, 7, 9, 3], 3, 16, .same), ([8, 12, 13, 4], 3, 5, .valid)]

    @Test("a ReLU fused into the convolution equals relu after it: values and gradients", arguments: fusedCases, kernels)
    func fusedReLU(_ geometry: ([Int], Int, Int, Padding), _ kernels: Kernels) throws {
        let (shape, k, f, padding) = geometry
        var random = RandomSource(seed: 14)
        let c = shape[3]
        let x = Tensor(shape: shape, scalars: Tensor.randomNormal(shape, using: &random).scalars, requiresGradient: true)
        let w = Tensor(shape: [k, k, c, f], scalars: Tensor.randomNormal([k, k, c, f], using: &random).scalars, requiresGradient: true)
        let b = Tensor(shape: [f], scalars: Tensor.randomNormal([f], using: &random).scalars, requiresGradient: true)
        let fused = conv2d(x, filter: w, bias: b, padding: padding, algorithm: .direct(kernels), relu: true)
        let separate = relu(conv2d(x, filter: w, bias: b, padding: padding, algorithm: .patchMatrix))
        #expect(isApproximatelyEqual(fused, separate.scalars, absolute: 1e-4))
        // About half the outputs are clipped, so the masking in the pullback matters.
        let zeros = fused.scalars.filter { $0 == 0 }.count
        #expect(zeros > fused.count / 4 && zeros < fused.count * 3 / 4)
        let r = Tensor.randomNormal(fused.shape, using: &random)
        let gf = (fused * r).sum().gradients(), gs = (separate * r).sum().gradients()
        for p in [x, w, b] {
            #expect(isApproximatelyEqual(try #require(gf[p]), try #require(gs[p]).scalars, absolute: 1e-3))
        }
    }

    @Test("automatic picks a result equal to both algorithms; strided windows fall back to im2col")
    func automaticAndFallback() {
        var random = RandomSource(seed: 13)
        let x = Tensor.randomNormal([2, 8, 8, 2], using: &random)
        let w = Tensor.randomNormal([3, 3, 2, 8], using: &random)
        let auto = conv2d(x, filter: w, padding: .same)
        #expect(isApproximatelyEqual(auto, conv2d(x, filter: w, padding: .same, algorithm: .patchMatrix).scalars, absolute: 1e-4))
        let strided = conv2d(x, filter: w, strides: (2, 2), padding: .same, algorithm: .direct)
        let naive = naiveConvolution(x, w, bias: nil, stride: (2, 2), padBefore: (0, 0), dilation: (1, 1), output: (4, 4))
        #expect(isApproximatelyEqual(strided, naive, absolute: 1e-4))
    }
}
