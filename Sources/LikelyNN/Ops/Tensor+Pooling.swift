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
/// - Returns: `[batch, outH, outW, C]`.
public func maxPool2d(_ x: Tensor, size: (Int, Int), strides: (Int, Int), padding: Padding = .valid) -> Tensor {
    let w = poolingWindow(x, size: size, strides: strides, padding: padding, op: "maxPool2d")
    let (h, wd, c, oh, ow) = (w.rows.input, w.columns.input, w.channels, w.rows.output, w.columns.output)
    let outCount = w.batch * oh * ow * c
    var out = [Float](repeating: -.infinity, count: outCount)
    var winners = [Int32](repeating: -1, count: outCount)
    x.scalars.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { po in
            winners.withUnsafeMutableBufferPointer { pw in
                for b in 0..<w.batch {
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let o = ((b * oh + oy) * ow + ox) * c
                            for ky in 0..<w.rows.kernel {
                                let iy = oy * w.rows.stride - w.rows.padBefore + ky
                                if iy < 0 || iy >= h { continue }
                                for kx in 0..<w.columns.kernel {
                                    let ix = ox * w.columns.stride - w.columns.padBefore + kx
                                    if ix < 0 || ix >= wd { continue }
                                    let i = ((b * h + iy) * wd + ix) * c
                                    for ch in 0..<c where px[i + ch] > po[o + ch] || pw[o + ch] < 0 {
                                        po[o + ch] = px[i + ch]
                                        pw[o + ch] = Int32(i + ch)
                                    }
                                }
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
