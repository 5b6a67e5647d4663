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
}

/// `directConvolution` with the vector kernels: the same sums and the same `relu`. With
/// `inputMask` (shaped like the input), the input counts only where the mask is positive
/// (a ReLU's pullback applied on the fly; see `likely_convolution_forward`).
func vectorDirectConvolution(_ input: UnsafePointer<Float>, inputMask: UnsafePointer<Float>?, _ g: DirectGeometry, images: Int,
                             weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
                             into output: UnsafeMutablePointer<Float>) {
    #if arch(x86_64)
    var geometry = g.c
    withScratch(g.paddedSize) { scratch in
        likely_convolution_forward(input, inputMask, &geometry, images, weights, bias, relu ? 1 : 0, output, scratch)
    }
    #else
    preconditionFailure("the vector kernels exist on x86-64 only (Kernels.checkAvailable)")
    #endif
}

/// `directKernelGradient` with the vector kernels, adding into `dw`, and the bias gradient
/// (Σ of g over the output pixels) added into `db`. With `gradientMask` (shaped like the
/// gradient), g counts only where the mask is positive.
func vectorDirectKernelGradient(_ input: UnsafePointer<Float>, _ gradient: UnsafePointer<Float>, gradientMask: UnsafePointer<Float>?,
                                _ g: DirectGeometry, images: Int, into dw: UnsafeMutablePointer<Float>,
                                biasInto db: UnsafeMutablePointer<Float>) {
    #if arch(x86_64)
    var geometry = g.c
    withScratch(g.paddedSize + (gradientMask == nil ? 0 : g.outputSize)) { scratch in
        likely_convolution_kernel_gradient(input, gradient, gradientMask, &geometry, images, dw, db, scratch)
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
