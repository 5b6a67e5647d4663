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

extension ImageWindow {
    /// Visits every window's patch as runs: `body(patch, pixel, count)` says that the `count`
    /// patch values from offset `patch` (in the `[patchCount, patchLength]` matrix) lie over
    /// the `count` image values from offset `pixel` (in `[batch, H, W, C]`), or over the border
    /// when `pixel` is `nil`. A kernel row that lies inside the image is one run of kw·C values;
    /// otherwise each tap is a run of C.
    @inline(__always)
    func forEachRun(_ body: (_ patch: Int, _ pixel: Int?, _ count: Int) -> Void) {
        let (h, wd, c) = (rows.input, columns.input, channels)
        let (oh, ow, kh, kw) = (rows.output, columns.output, rows.kernel, columns.kernel)
        for b in 0..<batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let patch = ((b * oh + oy) * ow + ox) * patchLength
                    for ky in 0..<kh {
                        let segment = patch + ky * kw * c
                        let iy = oy * rows.stride - rows.padBefore + ky * rows.dilation
                        if iy < 0 || iy >= h {
                            body(segment, nil, kw * c)
                            continue
                        }
                        let rowBase = (b * h + iy) * wd * c
                        let ix0 = ox * columns.stride - columns.padBefore
                        if columns.dilation == 1 && ix0 >= 0 && ix0 + kw <= wd {
                            body(segment, rowBase + ix0 * c, kw * c)
                            continue
                        }
                        for kx in 0..<kw {
                            let ix = ix0 + kx * columns.dilation
                            body(segment + kx * c, ix < 0 || ix >= wd ? nil : rowBase + ix * c, c)
                        }
                    }
                }
            }
        }
    }
}

/// im2col: writes every window of `image` ([batch, H, W, C]) as one row of `patches`
/// ([batch·outH·outW, kh·kw·C], columns ordered (ky, kx, c) like a `[kh, kw, C, F]` kernel),
/// with zeros where the window hangs over the border.
func im2col(_ image: UnsafeBufferPointer<Float>, _ w: ImageWindow, into patches: UnsafeMutableBufferPointer<Float>) {
    guard let src = image.baseAddress, let dst = patches.baseAddress else { return }
    w.forEachRun { patch, pixel, count in
        let out = dst + patch
        guard let pixel else { out.update(repeating: 0, count: count); return }
        if count < 16 {
            // A few values: a plain loop beats a memmove call.
            for j in 0..<count { out[j] = src[pixel + j] }
        } else {
            out.update(from: src + pixel, count: count)
        }
    }
}

/// col2im, the adjoint of `im2col`: adds every row of `patches` back onto the image
/// positions its window covers (`image` must be zeroed first); border taps are dropped.
func col2im(_ patches: UnsafeBufferPointer<Float>, _ w: ImageWindow, into image: UnsafeMutableBufferPointer<Float>) {
    guard let src = patches.baseAddress, let dst = image.baseAddress else { return }
    w.forEachRun { patch, pixel, count in
        guard let pixel else { return }
        let (from, to) = (src + patch, dst + pixel)
        for j in 0..<count { to[j] += from[j] }
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

/// Shares the images `images` of a batch out across the threads: `body` gets each piece's
/// window (`batch` = the piece's image count) and the element ranges of its images in the
/// image buffer (`[w.batch, H, W, C]`) and of its rows in the patch buffer (from row 0).
private func forEachImagePiece(_ w: ImageWindow, images: Range<Int>,
                               _ body: (_ part: ImageWindow, _ imageElements: Range<Int>, _ patchElements: Range<Int>) -> Void) {
    let imageSize = w.rows.input * w.columns.input * w.channels
    let rowsLength = w.rows.output * w.columns.output * w.patchLength
    Parallel.forEachPiece(of: images.count, minimumPerThread: 1) { piece in
        var part = w
        part.batch = piece.count
        let first = images.lowerBound + piece.lowerBound
        body(part, (first * imageSize)..<((first + piece.count) * imageSize),
             (piece.lowerBound * rowsLength)..<(piece.upperBound * rowsLength))
    }
}

/// im2col of the images `images` of the batch `image` (`[w.batch, H, W, C]`) into the first
/// rows of `patches`, the images shared out across the threads (each writes its own rows).
func im2colParallel(_ image: UnsafeBufferPointer<Float>, _ w: ImageWindow, images: Range<Int>,
                    into patches: UnsafeMutableBufferPointer<Float>) {
    forEachImagePiece(w, images: images) { part, imageElements, patchElements in
        im2col(UnsafeBufferPointer(rebasing: image[imageElements]), part,
               into: UnsafeMutableBufferPointer(rebasing: patches[patchElements]))
    }
}

/// col2im of the first rows of `patches` onto the images `images` of `image` (`[w.batch, H, W, C]`,
/// zeroed first), the images shared out across the threads (each image is written by one).
func col2imParallel(_ patches: UnsafeBufferPointer<Float>, _ w: ImageWindow, images: Range<Int>,
                    into image: UnsafeMutableBufferPointer<Float>) {
    forEachImagePiece(w, images: images) { part, imageElements, patchElements in
        col2im(UnsafeBufferPointer(rebasing: patches[patchElements]), part,
               into: UnsafeMutableBufferPointer(rebasing: image[imageElements]))
    }
}
