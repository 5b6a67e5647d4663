import CKernels

extension DirectGeometry {
    #if arch(x86_64)
    /// The C view of the geometry.
    var c: LikelyConvolutionGeometry {
        LikelyConvolutionGeometry(height: height, width: width, inChannels: inChannels,
                                  outHeight: outHeight, outWidth: outWidth, outChannels: outChannels,
                                  kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                  padTop: padTop, padLeft: padLeft)
    }
    #endif

    /// Scalars of one zero-padded input image, the scratch of the vector kernels:
    /// (outHeight + kh − 1) · (outWidth + kw − 1) · inChannels.
    var paddedSize: Int { (outHeight + kernelHeight - 1) * (outWidth + kernelWidth - 1) * inChannels }

    /// Scalars of scratch the vector kernels' forward sums need for Winograd F(2×2, 3×3)
    /// (`likely_winograd_scratch`: a 3×3 kernel, even output sides, channels in whole
    /// 8-channel blocks), else 0.
    var winogradSize: Int {
        #if arch(x86_64)
        var geometry = c
        return likely_winograd_scratch(&geometry)
        #else
        return 0
        #endif
    }
}

/// `directConvolution` with the vector kernels: the same sums and the same `relu`.
func vectorDirectConvolution(_ input: UnsafePointer<Float>, _ g: DirectGeometry, images: Int,
                             weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
                             into output: UnsafeMutablePointer<Float>) {
    #if arch(x86_64)
    var geometry = g.c
    withScratch(g.paddedSize + g.winogradSize) { scratch in
        likely_convolution_forward(input, &geometry, images, weights, bias, relu ? 1 : 0, output, scratch)
    }
    #else
    preconditionFailure("the vector kernels exist on x86-64 only (Kernels.checkAvailable)")
    #endif
}

/// maxPool2d(relu(conv2d(…)), 2×2, stride 2) of `images` images with the vector kernels, one
/// image at a time (see `likely_convolution_relu_pool_forward`); the output's height and
/// width must be even. `winners` (nil to skip) gets each window's winning cell.
func vectorConvolutionReLUPool(_ input: UnsafePointer<Float>, _ g: DirectGeometry, images: Int,
                               weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               into pooled: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>?) {
    #if arch(x86_64)
    var geometry = g.c
    withScratch(g.paddedSize + g.outputSize + g.winogradSize) { scratch in
        likely_convolution_relu_pool_forward(input, &geometry, images, weights, bias, pooled, winners, scratch)
    }
    #else
    preconditionFailure("the vector kernels exist on x86-64 only (Kernels.checkAvailable)")
    #endif
}

/// Where the pullback of a direct convolution finds ∂L/∂y for a piece of the batch (each
/// pointer already at the piece's first image); see `LikelyOutputGradient`.
struct OutputGradientPointers {
    /// ∂L/∂y, or ∂L/∂(pooled output) when `winners` is set.
    var gradient: UnsafePointer<Float>
    /// A fused ReLU's output (or the pooled output): the gradient counts where it is positive.
    var mask: UnsafePointer<Float>?
    /// The winning cells of a fused 2×2 max pooling.
    var winners: UnsafePointer<Int32>?
}

/// The pullback of a direct convolution of `images` images with the vector kernels, one image
/// at a time (`likely_convolution_backward`): ∂L/∂x into `dx` (written whole) when it is not
/// nil, and ∂L/∂w, ∂L/∂bias added into `dw`, `db` when they are not nil. `flipped` is
/// `flippedTransposedKernel` of the weights (read only for `dx`).
func vectorDirectBackward(_ input: UnsafePointer<Float>, _ source: OutputGradientPointers, _ g: DirectGeometry,
                          images: Int, flipped: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                          dw: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?) {
    #if arch(x86_64)
    var (geometry, back) = (g.c, g.inputGradient.c)
    var pointers = LikelyOutputGradient(gradient: source.gradient, mask: source.mask, winners: source.winners)
    let winograd = g.inputGradient.winogradSize + g.winogradSize
    withScratch(g.paddedSize + g.inputGradient.paddedSize + g.outputSize + winograd) { scratch in
        likely_convolution_backward(input, &pointers, &geometry, &back, images, flipped, dx, dw, db, scratch)
    }
    #else
    preconditionFailure("the vector kernels exist on x86-64 only (Kernels.checkAvailable)")
    #endif
}

private func withScratch(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
    defer { scratch.deallocate() }
    body(scratch)
}
