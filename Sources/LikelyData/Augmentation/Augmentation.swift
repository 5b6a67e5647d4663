import LikelyTensor

/// One random image transformation, applied per image of an NHWC batch `[n, h, w, c]`.
/// Pixels moved in from outside the image are 0 (apply before standardizing, so that 0 is
/// the background of [0, 1] images).
public enum Augmentation: Codable, Equatable, Sendable {
    /// Mirror left–right with probability `probability`.
    case horizontalFlip(probability: Double)
    /// Translate by (dy, dx), each uniform in −maxPixels...maxPixels, filling with zeros.
    case shift(maxPixels: Int)
    /// Rotate about the centre by an angle uniform in ±maxDegrees, bilinear, zero fill.
    case rotation(maxDegrees: Double)
    /// Add N(0, σ²) to every pixel.
    case gaussianNoise(standardDeviation: Double)
    /// Pad each side with `padding` zeros and crop back to h × w at a uniform offset (the
    /// CIFAR recipe); the same as a shift of at most `padding` pixels.
    case crop(padding: Int)

    /// The parsable name, as in `--augment flip,shift=3`.
    public var description: String {
        switch self {
        case .horizontalFlip(let p): p == 0.5 ? "flip" : "flip=\(p)"
        case .shift(let k): "shift=\(k)"
        case .rotation(let d): "rotate=\(d)"
        case .gaussianNoise(let s): "noise=\(s)"
        case .crop(let p): "crop=\(p)"
        }
    }
}

/// A list of augmentations applied in order to each image of a batch, drawing from one
/// `RandomSource` image by image, so the same seed gives the same batch.
///
/// Parsed from text such as `flip,shift` or `flip=0.5,shift=3,rotate=10,noise=0.05,crop=4`
/// (defaults: flip 0.5, shift 2 pixels, rotate 10°, noise 0.05, crop 4 pixels).
public struct AugmentationPipeline: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The steps, applied in order.
    public var steps: [Augmentation]

    /// - Parameter steps: the augmentations, in order.
    public init(_ steps: [Augmentation]) {
        for step in steps {
            switch step {
            case .horizontalFlip(let p): precondition((0...1).contains(p), "flip probability must be in [0, 1], got \(p)")
            case .shift(let k): precondition(k >= 0, "shift must be ≥ 0 pixels, got \(k)")
            case .rotation(let d): precondition(d >= 0 && d <= 180, "rotation must be in [0, 180] degrees, got \(d)")
            case .gaussianNoise(let s): precondition(s >= 0 && s.isFinite, "noise standard deviation must be ≥ 0, got \(s)")
            case .crop(let p): precondition(p >= 0, "crop padding must be ≥ 0 pixels, got \(p)")
            }
        }
        self.steps = steps
    }

    /// Parses a comma-separated list; `argument` names the source in errors (e.g. `--augment`).
    /// - Throws: `DataError` for an unknown name or a value that is not a number in range.
    public init(parsing text: String, argument: String = "--augment") throws {
        var steps: [Augmentation] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            let name = parts[0].lowercased()
            let value = parts.count > 1 ? parts[1] : nil
            func number(_ fallback: Double, in range: ClosedRange<Double>) throws -> Double {
                guard let value else { return fallback }
                guard let v = Double(value), range.contains(v) else {
                    throw DataError(source: argument, location: "\"\(item)\"",
                                    problem: "\"\(value)\" is not a number in \(range.lowerBound)...\(range.upperBound)")
                }
                return v
            }
            func pixels(_ fallback: Int) throws -> Int {
                guard let value else { return fallback }
                guard let v = Int(value), (0...64).contains(v) else {
                    throw DataError(source: argument, location: "\"\(item)\"", problem: "\"\(value)\" is not a whole number of pixels in 0...64")
                }
                return v
            }
            switch name {
            case "flip": steps.append(.horizontalFlip(probability: try number(0.5, in: 0...1)))
            case "shift": steps.append(.shift(maxPixels: try pixels(2)))
            case "rotate", "rotation": steps.append(.rotation(maxDegrees: try number(10, in: 0...180)))
            case "noise": steps.append(.gaussianNoise(standardDeviation: try number(0.05, in: 0...10)))
            case "crop": steps.append(.crop(padding: try pixels(4)))
            default:
                throw DataError(source: argument, location: "\"\(item)\"",
                                problem: "unknown augmentation \"\(name)\"; expected flip, shift, rotate, noise or crop (optionally name=value)")
            }
        }
        self.init(steps)
    }

    /// The list as parsable text, e.g. `flip,shift=2`.
    public var description: String { steps.map(\.description).joined(separator: ",") }

    /// A new batch with each image transformed by every step.
    /// - Parameters:
    ///   - images: NHWC `[n, h, w, c]`.
    ///   - streams: one stream per image; image i draws from `streams[i]` only, so its
    ///     transformation does not depend on the rest of the batch.
    public func apply(to images: Tensor, using streams: inout ExampleStreams) -> Tensor {
        precondition(images.rank == 4, "augmentation needs NHWC images [n, h, w, c], got shape \(images.shape)")
        let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        streams.requireRows(n, for: "augmentation")
        let size = h * w * c
        var out = images.scalars
        var scratch = [Float](repeating: 0, count: size)
        out.withUnsafeMutableBufferPointer { all in
            scratch.withUnsafeMutableBufferPointer { temp in
                for i in 0..<n {
                    let image = UnsafeMutableBufferPointer(rebasing: all[(i * size)..<((i + 1) * size)])
                    for step in steps {
                        ImageKernels.apply(step, to: image, scratch: temp, height: h, width: w, channels: c, using: &streams[i])
                    }
                }
            }
        }
        return Tensor(shape: images.shape, scalars: out)
    }
}
