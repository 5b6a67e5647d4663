import CKernels
import LikelyTensor

/// Whether `maxPool2d`'s windows are 2×2 at stride 2 with every window inside the image: then
/// they tile it without overlap, and `tiledMaxPool2x2` computes the op.
func isTiled2x2(_ w: ImageWindow) -> Bool {
    w.rows.kernel == 2 && w.columns.kernel == 2 && w.rows.stride == 2 && w.columns.stride == 2
        && w.rows.padBefore == 0 && w.columns.padBefore == 0
        && w.rows.output == w.rows.input / 2 && w.columns.output == w.columns.input / 2
}

#if arch(x86_64)
/// `maxPool2d` for windows that tile the image (`isTiled2x2`) with the vector kernels: the
/// same values and gradients.
///
/// y[b, i, j, c] = max(x[b, 2i, 2j, c], x[b, 2i, 2j+1, c], x[b, 2i+1, 2j, c], x[b, 2i+1, 2j+1, c]),
/// the first of equal maxima winning. The forward pass keeps the winning cell of each output
/// (0–3); since every input cell lies in at most one window, the pullback writes each ∂L/∂x
/// cell once (g at its window's winner, 0 elsewhere), with no zero fill and no scatter.
/// Images are shared out across the threads.
func tiledMaxPool2x2(_ x: Tensor, _ w: ImageWindow) -> Tensor {
    let (h, wd, c, oh, ow) = (w.rows.input, w.columns.input, w.channels, w.rows.output, w.columns.output)
    let outCount = w.batch * oh * ow * c
    let keepWinners = GradientRecording.isEnabled && x.requiresGradient
    // Zeroed, then the kernel writes every element.
    var winners = [Int32](repeating: 0, count: keepWinners ? outCount : 0)
    let (imageSize, outputSize) = (h * wd * c, oh * ow * c)
    let minimumImages = Swift.max(1, (1 << 15) / Swift.max(imageSize, 1))
    let out = [Float](count: outCount) { po in
        x.scalars.withUnsafeBufferPointer { px in
            winners.withUnsafeMutableBufferPointer { pw in
                Parallel.forEachPiece(of: w.batch, minimumPerThread: minimumImages) { images in
                    likely_max_pool_2x2(px.baseAddress! + images.lowerBound * imageSize, h, wd, c, images.count,
                                        po.baseAddress! + images.lowerBound * outputSize,
                                        keepWinners ? pw.baseAddress! + images.lowerBound * outputSize : nil)
                }
            }
        }
    }
    let value = Tensor(shape: [w.batch, oh, ow, c], scalars: out)
    return Tensor.record(value, parents: [x]) { g in
        let dx = [Float](count: x.count) { d in
            // An odd last row or column lies in no window: its gradient is 0.
            if 2 * oh != h || 2 * ow != wd { d.initialize(repeating: 0) }
            g.scalars.withUnsafeBufferPointer { pg in
                winners.withUnsafeBufferPointer { pw in
                    Parallel.forEachPiece(of: w.batch, minimumPerThread: minimumImages) { images in
                        likely_max_pool_2x2_gradient(pg.baseAddress! + images.lowerBound * outputSize,
                                                     pw.baseAddress! + images.lowerBound * outputSize, nil, h, wd, c, images.count,
                                                     d.baseAddress! + images.lowerBound * imageSize)
                    }
                }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
#endif
