#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LikelyTensor

/// In-place transformations of one HWC image held in a buffer; `scratch` has the same size.
enum ImageKernels {
    static func apply(_ step: Augmentation, to image: UnsafeMutableBufferPointer<Float>,
                      scratch: UnsafeMutableBufferPointer<Float>, height h: Int, width w: Int, channels c: Int,
                      using random: inout RandomSource) {
        switch step {
        case .horizontalFlip(let p):
            if random.uniform() < p { flip(image, height: h, width: w, channels: c) }
        case .shift(let k):
            let dy = random.integer(in: -k..<(k + 1)), dx = random.integer(in: -k..<(k + 1))
            translate(image, scratch: scratch, dy: dy, dx: dx, height: h, width: w, channels: c)
        case .crop(let p):
            // Offset o in 0...2p of the padded image moves content by p − o.
            let oy = random.integer(in: 0..<(2 * p + 1)), ox = random.integer(in: 0..<(2 * p + 1))
            translate(image, scratch: scratch, dy: p - oy, dx: p - ox, height: h, width: w, channels: c)
        case .rotation(let degrees):
            let angle = (2 * random.uniform() - 1) * degrees * Double.pi / 180
            rotate(image, scratch: scratch, angle: angle, height: h, width: w, channels: c)
        case .gaussianNoise(let sd):
            guard sd > 0 else { return }
            for i in image.indices { image[i] += Float(random.normal(mean: 0, standardDeviation: sd)) }
        }
    }

    /// Mirrors columns: out[y, x] = in[y, w − 1 − x].
    static func flip(_ image: UnsafeMutableBufferPointer<Float>, height h: Int, width w: Int, channels c: Int) {
        for y in 0..<h {
            for x in 0..<(w / 2) {
                let a = (y * w + x) * c, b = (y * w + (w - 1 - x)) * c
                for k in 0..<c { image.swapAt(a + k, b + k) }
            }
        }
    }

    /// Moves content by (dy, dx): out[y, x] = in[y − dy, x − dx], zero outside.
    static func translate(_ image: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>,
                          dy: Int, dx: Int, height h: Int, width w: Int, channels c: Int) {
        guard dy != 0 || dx != 0 else { return }
        _ = scratch.update(fromContentsOf: image)
        image.update(repeating: 0)
        let x0 = max(0, dx), x1 = min(w, w + dx)
        guard x1 > x0 else { return }
        for y in max(0, dy)..<max(max(0, dy), min(h, h + dy)) {
            let to = (y * w + x0) * c, from = ((y - dy) * w + (x0 - dx)) * c
            (image.baseAddress! + to).update(from: scratch.baseAddress! + from, count: (x1 - x0) * c)
        }
    }

    /// Rotates by `angle` radians about the image centre with bilinear sampling:
    /// out(y, x) = in(R⁻¹ · ((y, x) − centre) + centre), zero outside.
    static func rotate(_ image: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>,
                       angle: Double, height h: Int, width w: Int, channels c: Int) {
        _ = scratch.update(fromContentsOf: image)
        let cy = Double(h - 1) / 2, cx = Double(w - 1) / 2
        let cosA = cos(angle), sinA = sin(angle)
        for y in 0..<h {
            for x in 0..<w {
                let ry = Double(y) - cy, rx = Double(x) - cx
                let sy = cosA * ry - sinA * rx + cy, sx = sinA * ry + cosA * rx + cx
                let y0 = Int(sy.rounded(.down)), x0 = Int(sx.rounded(.down))
                let fy = Float(sy - Double(y0)), fx = Float(sx - Double(x0))
                let out = (y * w + x) * c
                for k in 0..<c {
                    func pixel(_ yy: Int, _ xx: Int) -> Float {
                        yy >= 0 && yy < h && xx >= 0 && xx < w ? scratch[(yy * w + xx) * c + k] : 0
                    }
                    let top = pixel(y0, x0) * (1 - fx) + pixel(y0, x0 + 1) * fx
                    let bottom = pixel(y0 + 1, x0) * (1 - fx) + pixel(y0 + 1, x0 + 1) * fx
                    image[out + k] = top * (1 - fy) + bottom * fy
                }
            }
        }
    }
}
