import CGSL
import LikelyTensor

/// The two spatial axes of a window over NHWC images, with the batch and channel counts.
struct ImageWindow {
    var batch: Int
    var channels: Int
    var rows: WindowGeometry
    var columns: WindowGeometry

    /// Number of windows (rows of the patch matrix): batch · outH · outW.
    var patchCount: Int { batch * rows.output * columns.output }
    /// Length of one patch (columns of the patch matrix): kh · kw · channels.
    var patchLength: Int { rows.kernel * columns.kernel * channels }
}

/// im2col: writes every window of `image` ([batch, H, W, C]) as one row of `patches`
/// ([batch·outH·outW, kh·kw·C], columns ordered (ky, kx, c) like a `[kh, kw, C, F]` kernel),
/// with zeros where the window hangs over the border.
func im2col(_ image: UnsafeBufferPointer<Float>, _ w: ImageWindow, into patches: UnsafeMutableBufferPointer<Float>) {
    let (h, wd, c) = (w.rows.input, w.columns.input, w.channels)
    let (oh, ow, kh, kw) = (w.rows.output, w.columns.output, w.rows.kernel, w.columns.kernel)
    let length = w.patchLength
    guard let src = image.baseAddress, let dst = patches.baseAddress else { return }
    for b in 0..<w.batch {
        for oy in 0..<oh {
            for ox in 0..<ow {
                var out = dst + ((b * oh + oy) * ow + ox) * length
                for ky in 0..<kh {
                    let iy = oy * w.rows.stride - w.rows.padBefore + ky * w.rows.dilation
                    if iy < 0 || iy >= h {
                        out.update(repeating: 0, count: kw * c)
                        out += kw * c
                        continue
                    }
                    let rowBase = src + (b * h + iy) * wd * c
                    let ix0 = ox * w.columns.stride - w.columns.padBefore
                    if w.columns.dilation == 1 && ix0 >= 0 && ix0 + kw <= wd {
                        // The window's row lies inside the image: its kw·c values are contiguous.
                        let from = rowBase + ix0 * c
                        for j in 0..<(kw * c) { out[j] = from[j] }
                        out += kw * c
                        continue
                    }
                    for kx in 0..<kw {
                        let ix = ox * w.columns.stride - w.columns.padBefore + kx * w.columns.dilation
                        if ix < 0 || ix >= wd {
                            out.update(repeating: 0, count: c)
                        } else if c < 16 {
                            // A few channels: a plain loop beats a memmove call per tap.
                            let from = rowBase + ix * c
                            for ch in 0..<c { out[ch] = from[ch] }
                        } else {
                            out.update(from: rowBase + ix * c, count: c)
                        }
                        out += c
                    }
                }
            }
        }
    }
}

/// col2im, the adjoint of `im2col`: adds every row of `patches` back onto the image
/// positions its window covers (`image` must be zeroed first); border taps are dropped.
func col2im(_ patches: UnsafeBufferPointer<Float>, _ w: ImageWindow, into image: UnsafeMutableBufferPointer<Float>) {
    let (h, wd, c) = (w.rows.input, w.columns.input, w.channels)
    let (oh, ow, kh, kw) = (w.rows.output, w.columns.output, w.rows.kernel, w.columns.kernel)
    let length = w.patchLength
    guard let src = patches.baseAddress, let dst = image.baseAddress else { return }
    for b in 0..<w.batch {
        for oy in 0..<oh {
            for ox in 0..<ow {
                let patch = src + ((b * oh + oy) * ow + ox) * length
                for ky in 0..<kh {
                    let iy = oy * w.rows.stride - w.rows.padBefore + ky * w.rows.dilation
                    if iy < 0 || iy >= h { continue }
                    let rowBase = dst + (b * h + iy) * wd * c
                    let ix0 = ox * w.columns.stride - w.columns.padBefore
                    if w.columns.dilation == 1 && ix0 >= 0 && ix0 + kw <= wd {
                        // The window's row lies inside the image: one contiguous run of kw·c values.
                        let from = patch + ky * kw * c, to = rowBase + ix0 * c
                        for j in 0..<(kw * c) { to[j] += from[j] }
                        continue
                    }
                    for kx in 0..<kw {
                        let ix = ox * w.columns.stride - w.columns.padBefore + kx * w.columns.dilation
                        if ix < 0 || ix >= wd { continue }
                        let from = patch + (ky * kw + kx) * c, to = rowBase + ix * c
                        for ch in 0..<c { to[ch] += from[ch] }
                    }
                }
            }
        }
    }
}

/// Σ over rows of a `[rows, columns]` buffer, added into `out` (`[columns]`).
@inline(__always)
func addColumnSums(_ g: UnsafeBufferPointer<Float>, rows: Int, columns: Int, into out: UnsafeMutableBufferPointer<Float>) {
    for r in 0..<rows {
        let base = r * columns
        for j in 0..<columns { out[j] += g[base + j] }
    }
}

/// Adds `bias` (`[columns]`) to every row of a `[rows, columns]` buffer.
@inline(__always)
func addBiasRows(_ bias: UnsafeBufferPointer<Float>, rows: Int, columns: Int, into out: UnsafeMutableBufferPointer<Float>) {
    for r in 0..<rows {
        let base = r * columns
        for j in 0..<columns { out[base + j] += bias[j] }
    }
}

/// im2col of the images `images` of the batch `image` (`[w.batch, H, W, C]`) into the first
/// rows of `patches`, the images shared out across the threads (each writes its own rows).
func im2colParallel(_ image: UnsafeBufferPointer<Float>, _ w: ImageWindow, images: Range<Int>,
                    into patches: UnsafeMutableBufferPointer<Float>) {
    let imageSize = w.rows.input * w.columns.input * w.channels
    let rowsLength = w.rows.output * w.columns.output * w.patchLength
    Parallel.forEachPiece(of: images.count, minimumPerThread: 1) { piece in
        var part = w
        part.batch = piece.count
        let first = images.lowerBound + piece.lowerBound
        im2col(UnsafeBufferPointer(rebasing: image[(first * imageSize)..<((first + piece.count) * imageSize)]), part,
               into: UnsafeMutableBufferPointer(rebasing: patches[(piece.lowerBound * rowsLength)..<(piece.upperBound * rowsLength)]))
    }
}

/// col2im of the first rows of `patches` onto the images `images` of `image` (`[w.batch, H, W, C]`,
/// zeroed first), the images shared out across the threads (each image is written by one).
func col2imParallel(_ patches: UnsafeBufferPointer<Float>, _ w: ImageWindow, images: Range<Int>,
                    into image: UnsafeMutableBufferPointer<Float>) {
    let imageSize = w.rows.input * w.columns.input * w.channels
    let rowsLength = w.rows.output * w.columns.output * w.patchLength
    Parallel.forEachPiece(of: images.count, minimumPerThread: 1) { piece in
        var part = w
        part.batch = piece.count
        let first = images.lowerBound + piece.lowerBound
        col2im(UnsafeBufferPointer(rebasing: patches[(piece.lowerBound * rowsLength)..<(piece.upperBound * rowsLength)]), part,
               into: UnsafeMutableBufferPointer(rebasing: image[(first * imageSize)..<((first + piece.count) * imageSize)]))
    }
}
