import Foundation
import Likely

/// Images no Fashion-MNIST model has seen, built on any machine from the test images: the
/// first half of the set are test images inverted (pixel p ↦ 1 − p: white garments on black
/// become black on white), the second half uniform noise, every pixel ~ U(0, 1), seeded.
enum ForeignImages {
    /// What the set holds, for the summary.
    static let description = "half inverted test images (p ↦ 1 − p), half uniform noise U(0, 1)"

    /// `count` foreign images of the shape of `images` `[N, …]` (pixels in [0, 1]): the first
    /// ⌈count/2⌉ the inversions of images 0, 1, … (cycling), the rest noise from `seed`.
    static func make(like images: Tensor, count: Int, seed: UInt64) -> Tensor {
        precondition(images.shape[0] >= 1, "foreign images need at least one image to copy the shape of")
        precondition(count >= 1, "foreign images: count must be ≥ 1, got \(count)")
        let size = images.count / images.shape[0]
        let inverted = (count + 1) / 2
        var random = RandomSource(seed: seed, stream: 0xF0E1)
        var pixels = [Float](repeating: 0, count: count * size)
        images.scalars.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for i in 0..<inverted {
                    let from = (i % images.shape[0]) * size
                    for j in 0..<size { target[i * size + j] = 1 - source[from + j] }
                }
                for k in (inverted * size)..<(count * size) { target[k] = Float(random.uniform()) }
            }
        }
        return Tensor(shape: [count] + Array(images.shape.dropFirst()), scalars: pixels)
    }
}
