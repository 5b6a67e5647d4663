import Foundation
import LikelyTensor

/// How a weight tensor's initial values are drawn (Keras's initializers and defaults).
///
/// Fans follow Keras: for a matrix `[in, out]` fanIn = in and fanOut = out; for a kernel
/// `[kh, kw, in, out]` both are multiplied by the receptive field kh·kw.
/// The normal variants draw from a normal truncated at two standard deviations (resampling
/// what falls outside), as Keras does.
public enum Initializer: Codable, Sendable, Hashable {
    /// U(−l, l) with l = √(6 / (fanIn + fanOut)). Keras's default for kernels.
    case glorotUniform
    /// Truncated N(0, σ²) with σ = √(2 / (fanIn + fanOut)).
    case glorotNormal
    /// U(−l, l) with l = √(6 / fanIn).
    case heUniform
    /// Truncated N(0, σ²) with σ = √(2 / fanIn).
    case heNormal
    /// All zeros. Keras's default for biases.
    case zeros
    /// All equal to the given value.
    case constant(Float)

    /// (fanIn, fanOut) of a weight shape: the last axis is the output, the one before the
    /// input, any leading axes the receptive field.
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        default:
            let receptive = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptive, shape[shape.count - 1] * receptive)
        }
    }

    /// A new trainable tensor of `shape` drawn from this initializer.
    /// - Parameters:
    ///   - shape: the weight's shape; fans come from `fans(of:)`.
    ///   - random: the source of the draws (none are taken for `zeros` and `constant`).
    public func makeTensor(shape: [Int], using random: inout RandomSource) -> Tensor {
        let (fanIn, fanOut) = Initializer.fans(of: shape)
        let n = elementCount(shape)
        let values: [Float]
        switch self {
        case .zeros: values = [Float](repeating: 0, count: n)
        case .constant(let c): values = [Float](repeating: c, count: n)
        case .glorotUniform: values = Initializer.uniform(n, limit: (6 / Double(fanIn + fanOut)).squareRoot(), &random)
        case .heUniform: values = Initializer.uniform(n, limit: (6 / Double(fanIn)).squareRoot(), &random)
        case .glorotNormal: values = Initializer.truncatedNormal(n, sd: (2 / Double(fanIn + fanOut)).squareRoot(), &random)
        case .heNormal: values = Initializer.truncatedNormal(n, sd: (2 / Double(fanIn)).squareRoot(), &random)
        }
        return Tensor(shape: shape, scalars: values, requiresGradient: true)
    }

    private static func uniform(_ n: Int, limit: Double, _ random: inout RandomSource) -> [Float] {
        (0..<n).map { _ in Float((2 * random.uniform() - 1) * limit) }
    }

    private static func truncatedNormal(_ n: Int, sd: Double, _ random: inout RandomSource) -> [Float] {
        (0..<n).map { _ in
            var z = random.normal()
            while Swift.abs(z) > 2 { z = random.normal() }
            return Float(z * sd)
        }
    }
}
