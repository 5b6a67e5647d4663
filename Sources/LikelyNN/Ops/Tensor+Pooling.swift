import LikelyTensor

/// The window of a pooling op over `x`, checking that no window lies wholly in the padding.
private func poolingWindow(_ x: Tensor, size: (Int, Int), strides: (Int, Int), padding: Padding, op: String) -> ImageWindow {
    precondition(x.rank == 4, "\(op) expects NHWC images of rank 4, got shape \(x.shape)")
    if case .explicit(let p) = padding {
        precondition(2 * p <= Swift.min(size.0, size.1), "\(op) padding \(p) must be at most half the pool size \(size)")
    }
    return ImageWindow(
        batch: x.shape[0], channels: x.shape[3],
        rows: WindowGeometry(input: x.shape[1], kernel: size.0, stride: strides.0, padding: padding),
        columns: WindowGeometry(input: x.shape[2], kernel: size.1, stride: strides.1, padding: padding))
}

/// Max pooling of NHWC images; a primitive op. Padded cells never win (they count as −∞).
///
/// y[b, i, j, c] = max over the window at (i·s − p, j·s − p) of x[b, ·, ·, c].
/// ∂L/∂x adds g to the position of each window's (first) maximum.
/// - Parameters:
///   - x: `[batch, H, W, C]`.
///   - size: (rows, columns) of the window.
///   - strides: steps between windows (Keras's default is the pool size).
///   - padding: see `Padding`; padded cells never win.
///   - kernels: `vector` runs 2×2 windows at stride 2 inside the image with the AVX2 kernels
///     (`tiledMaxPool2x2`); every other case, and `portable`, runs the loop below.
/// - Returns: `[batch, outH, outW, C]`.
public func maxPool2d(_ x: Tensor, size: (Int, Int), strides: (Int, Int), padding: Padding = .valid,
                      kernels: Kernels = .best) -> Tensor {
    let w = poolingWindow(x, size: size, strides: strides, padding: padding, op: "maxPool2d")
    kernels.checkAvailable()
    #if arch(x86_64)
    if kernels == .vector && isTiled2x2(w) { return tiledMaxPool2x2(x, w) }
    #endif
    let (h, wd, c, oh, ow) = (w.rows.input, w.columns.input, w.channels, w.rows.output, w.columns.output)
    let outCount = w.batch * oh * ow * c
    // The winners are only needed by the pullback: skipped when nothing will be recorded.
    let keepWinners = GradientRecording.isEnabled && x.requiresGradient
    var winners = [Int32](repeating: -1, count: keepWinners ? outCount : 0)
    let out = [Float](count: outCount) { po in
        x.scalars.withUnsafeBufferPointer { px in
            winners.withUnsafeMutableBufferPointer { pw in
                // Images are independent: shared out across the threads.
                Parallel.forEachPiece(of: w.batch, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(h * wd * c, 1))) { images in
                    for b in images {
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                let o = ((b * oh + oy) * ow + ox) * c
                                let y0 = oy * w.rows.stride - w.rows.padBefore, x0 = ox * w.columns.stride - w.columns.padBefore
                                if w.rows.kernel == 2 && w.columns.kernel == 2 && y0 >= 0 && y0 + 2 <= h && x0 >= 0 && x0 + 2 <= wd {
                                    // A 2×2 window inside the image: its four cells visited in the same
                                    // order as below (row by row), each channel kept in registers.
                                    let i0 = ((b * h + y0) * wd + x0) * c, i1 = i0 + c, i2 = i0 + wd * c, i3 = i2 + c
                                    for ch in 0..<c {
                                        var best = px[i0 + ch], winner = i0 + ch
                                        if px[i1 + ch] > best { best = px[i1 + ch]; winner = i1 + ch }
                                        if px[i2 + ch] > best { best = px[i2 + ch]; winner = i2 + ch }
                                        if px[i3 + ch] > best { best = px[i3 + ch]; winner = i3 + ch }
                                        po[o + ch] = best
                                        if keepWinners { pw[o + ch] = Int32(winner) }
                                    }
                                    continue
                                }
                                var first = true
                                for ky in 0..<w.rows.kernel {
                                    let iy = oy * w.rows.stride - w.rows.padBefore + ky
                                    if iy < 0 || iy >= h { continue }
                                    for kx in 0..<w.columns.kernel {
                                        let ix = ox * w.columns.stride - w.columns.padBefore + kx
                                        if ix < 0 || ix >= wd { continue }
                                        let i = ((b * h + iy) * wd + ix) * c
                                        if first {
                                            // The first cell inside the image opens every channel's window.
                                            for ch in 0..<c { po[o + ch] = px[i + ch] }
                                            if keepWinners { for ch in 0..<c { pw[o + ch] = Int32(i + ch) } }
                                            first = false
                                        } else if keepWinners {
                                            for ch in 0..<c {
                                                let v = px[i + ch], best = po[o + ch]
                                                let better = v > best
                                                po[o + ch] = better ? v : best
                                                pw[o + ch] = better ? Int32(i + ch) : pw[o + ch]
                                            }
                                        } else {
                                            for ch in 0..<c {
                                                let v = px[i + ch], best = po[o + ch]
                                                po[o + ch] = v > best ? v : best
                                            }
                                        }
                                    }
                                }
                                if first { for ch in 0..<c { po[o + ch] = -.infinity } }
                            }
                        }
                    }
                }
            }
        }
    }
    let value = Tensor(shape: [w.batch, oh, ow, c], scalars: out)
    return Tensor.record(value, parents: [x]) { g in
        var dx = [Float](repeating: 0, count: x.count)
        dx.withUnsafeMutableBufferPointer { d in
            g.scalars.withUnsafeBufferPointer { pg in
                winners.withUnsafeBufferPointer { pw in
                    for j in 0..<outCount { d[Int(pw[j])] += pg[j] }
                }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}

/// Average pooling of NHWC images; a primitive op. The average is over the window's cells
/// inside the image (padding is not counted), as in Keras.
///
/// y[b, i, j, c] = (1/|W|) Σ_{(u, v) ∈ W} x[b, u, v, c], W the window's cells inside the image.
/// ∂L/∂x[b, u, v, c] = Σ over windows containing (u, v) of g / |W|.
/// - Returns: `[batch, outH, outW, C]`.
public func avgPool2d(_ x: Tensor, size: (Int, Int), strides: (Int, Int), padding: Padding = .valid) -> Tensor {
    let w = poolingWindow(x, size: size, strides: strides, padding: padding, op: "avgPool2d")
    let (h, wd, c, oh, ow) = (w.rows.input, w.columns.input, w.channels, w.rows.output, w.columns.output)
    // Visits each window's cells inside the image: body(outputOffset, inputOffset, 1/|W|).
    func forEachCell(_ body: (Int, Int, Float) -> Void) {
        for b in 0..<w.batch {
            for oy in 0..<oh {
                let y0 = oy * w.rows.stride - w.rows.padBefore
                let ys = Swift.max(y0, 0)..<Swift.min(y0 + w.rows.kernel, h)
                for ox in 0..<ow {
                    let x0 = ox * w.columns.stride - w.columns.padBefore
                    let xs = Swift.max(x0, 0)..<Swift.min(x0 + w.columns.kernel, wd)
                    let scale = 1 / Float(ys.count * xs.count)
                    let o = ((b * oh + oy) * ow + ox) * c
                    for iy in ys { for ix in xs { body(o, ((b * h + iy) * wd + ix) * c, scale) } }
                }
            }
        }
    }
    var out = [Float](repeating: 0, count: w.batch * oh * ow * c)
    x.scalars.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { po in
            forEachCell { o, i, scale in for ch in 0..<c { po[o + ch] += px[i + ch] * scale } }
        }
    }
    let value = Tensor(shape: [w.batch, oh, ow, c], scalars: out)
    return Tensor.record(value, parents: [x]) { g in
        var dx = [Float](repeating: 0, count: x.count)
        dx.withUnsafeMutableBufferPointer { d in
            g.scalars.withUnsafeBufferPointer { pg in
                forEachCell { o, i, scale in for ch in 0..<c { d[i + ch] += pg[o + ch] * scale } }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
