import Foundation
import LikelyData
import LikelyTensor
import Testing

@Suite("Augmentation") struct AugmentationTests {
    /// One 3 × 4 single-channel image with pixel (y, x) = 1 + 4y + x.
    let image = Tensor(shape: [1, 3, 4, 1], scalars: (1...12).map(Float.init))

    /// The augmentation streams of examples 0..<n of `seed`.
    func streams(_ seed: UInt64, _ n: Int) -> ExampleStreams {
        ExampleStreams(key: StreamKey(seed: seed, purpose: .augmentation), examples: 0..<n)
    }

    @Test func flipMirrorsColumns() {
        var random = streams(1, 1)
        let out = AugmentationPipeline([.horizontalFlip(probability: 1)]).apply(to: image, using: &random)
        #expect(out.scalars == [4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9])
        let none = AugmentationPipeline([.horizontalFlip(probability: 0)]).apply(to: image, using: &random)
        #expect(none.scalars == image.scalars)
    }

    @Test("shift and crop are integer translations with zero fill", arguments: [Augmentation.shift(maxPixels: 2), .crop(padding: 2)])
    func translation(step: Augmentation) {
        var random = streams(9, 1)
        var seen = Set<[Float]>()
        for _ in 0..<40 {
            let out = AugmentationPipeline([step]).apply(to: image, using: &random)
            // Find the (dy, dx) in −2...2 that explains the output exactly.
            let explained = (-2...2).contains { dy in
                (-2...2).contains { dx in
                    (0..<3).allSatisfy { y in
                        (0..<4).allSatisfy { x in
                            let sy = y - dy, sx = x - dx
                            let want: Float = (0..<3).contains(sy) && (0..<4).contains(sx) ? Float(1 + 4 * sy + sx) : 0
                            return out[0, y, x, 0] == want
                        }
                    }
                }
            }
            #expect(explained)
            seen.insert(out.scalars)
        }
        #expect(seen.count > 5)
    }

    @Test func rotationKeepsConstantInteriorAndZeroAngleIsIdentity() {
        var random = streams(2, 2), one = streams(3, 1)
        let ones = Tensor.ones([2, 9, 9, 1])
        let out = AugmentationPipeline([.rotation(maxDegrees: 15)]).apply(to: ones, using: &random)
        // The centre 5 × 5 stays inside the image for any angle ≤ 15°: bilinear of ones is 1.
        for n in 0..<2 { for y in 2..<7 { for x in 2..<7 { #expect(abs(out[n, y, x, 0] - 1) < 1e-5) } } }
        #expect(out.scalars.contains { $0 < 0.999 })  // corners rotate out
        let same = AugmentationPipeline([.rotation(maxDegrees: 0)]).apply(to: image, using: &one)
        for (a, b) in zip(same.scalars, image.scalars) { #expect(abs(a - b) < 1e-5) }
    }

    @Test func noiseHasTheRequestedSpread() {
        var random = streams(4, 4)
        let zeros = Tensor.zeros([4, 50, 50, 1])
        let out = AugmentationPipeline([.gaussianNoise(standardDeviation: 0.1)]).apply(to: zeros, using: &random)
        let n = Double(out.count)
        let mean = out.scalars.reduce(0.0) { $0 + Double($1) } / n
        let sd = (out.scalars.reduce(0.0) { $0 + Double($1) * Double($1) } / n).squareRoot()
        #expect(abs(mean) < 4 * 0.1 / n.squareRoot())  // 4 standard errors
        #expect(abs(sd - 0.1) < 4 * 0.1 / (2 * n).squareRoot())
    }

    @Test func sameSeedSameBatch() throws {
        let pipeline = try AugmentationPipeline(parsing: "flip,shift=1,rotate=5,noise=0.01,crop=1")
        var a = streams(42, 3), b = streams(42, 3)
        var random = RandomSource(seed: 6)
        let images = Tensor.randomNormal([3, 6, 6, 2], using: &random)
        let batch = pipeline.apply(to: images, using: &a)
        #expect(batch.scalars == pipeline.apply(to: images, using: &b).scalars)
        // image 2 alone, from its own stream, is transformed as in the batch
        var own = ExampleStreams(key: StreamKey(seed: 42, purpose: .augmentation), examples: [2])
        let alone = pipeline.apply(to: images.slice(alongAxis: 0, 2..<3), using: &own)
        #expect(alone.scalars == batch.slice(alongAxis: 0, 2..<3).scalars)
    }

    @Test func parsingAndDescriptionRoundTrip() throws {
        let pipeline = try AugmentationPipeline(parsing: "flip, shift")
        #expect(pipeline.steps == [.horizontalFlip(probability: 0.5), .shift(maxPixels: 2)])
        #expect(pipeline.description == "flip,shift=2")
        #expect(try AugmentationPipeline(parsing: pipeline.description) == pipeline)
        let full = try AugmentationPipeline(parsing: "flip=0.3,rotate=12.5,noise=0.2,crop=3")
        #expect(try AugmentationPipeline(parsing: full.description) == full)
        let json = try JSONEncoder().encode(full)
        #expect(try JSONDecoder().decode(AugmentationPipeline.self, from: json) == full)
        expectDataError(["--augment", "\"blur\"", "unknown augmentation", "flip, shift"]) { _ = try AugmentationPipeline(parsing: "flip,blur") }
        expectDataError(["--augment", "\"shift=-1\"", "whole number of pixels"]) { _ = try AugmentationPipeline(parsing: "shift=-1") }
        expectDataError(["--augment", "\"flip=2\"", "not a number in 0.0...1.0"]) { _ = try AugmentationPipeline(parsing: "flip=2") }
    }
}
