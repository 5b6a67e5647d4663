import Foundation
import Likely

/// Images no Fashion-MNIST model has seen, built on any machine from the test images: test
/// images inverted (pixel p ↦ 1 − p: white garments on black become black on white) and
/// uniform noise, every pixel ~ U(0, 1), seeded; half of each.
struct ForeignImages {
    /// What the set holds, for the summary.
    static let description = "half inverted test images (p ↦ 1 − p), half uniform noise U(0, 1)"

    /// The inverted images, `[⌈count/2⌉, …]`.
    var inverted: Tensor
    /// The noise images, `[⌊count/2⌋, …]`.
    var noise: Tensor

    /// Both kinds, inverted first, `[count, …]`.
    var all: Tensor { noise.shape[0] == 0 ? inverted : Tensor.concatenate([inverted, noise], alongAxis: 0) }

    /// `count` ≥ 2 foreign images of the shape of `images` `[N, …]` (pixels in [0, 1]): the
    /// inversions of images 0, 1, … (cycling), then noise drawn from `seed`.
    init(like images: Tensor, count: Int, seed: UInt64) {
        precondition(images.shape[0] >= 1, "foreign images need at least one image to copy the shape of")
        precondition(count >= 2, "foreign images: count must be ≥ 2, got \(count)")
        let size = images.count / images.shape[0], shape = Array(images.shape.dropFirst())
        let invertedCount = (count + 1) / 2, noiseCount = count - invertedCount
        var flipped = [Float](repeating: 0, count: invertedCount * size)
        images.scalars.withUnsafeBufferPointer { source in
            flipped.withUnsafeMutableBufferPointer { target in
                for i in 0..<invertedCount {
                    let from = (i % images.shape[0]) * size
                    for j in 0..<size { target[i * size + j] = 1 - source[from + j] }
                }
            }
        }
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .demoForeignImages))
        inverted = Tensor(shape: [invertedCount] + shape, scalars: flipped)
        noise = Tensor(shape: [noiseCount] + shape, scalars: (0..<(noiseCount * size)).map { _ in Float(random.uniform()) })
    }
}
