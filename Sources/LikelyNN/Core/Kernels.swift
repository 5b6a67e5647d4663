import CKernels

/// Which implementation runs the hot loops that have two: the direct convolution and 2×2
/// max pooling. Both compute the same values (up to float rounding in the sums).
public enum Kernels: Sendable, Hashable {
    /// The C kernels of `CKernels`: AVX2 + FMA intrinsics, 8 channels per vector.
    case vector
    /// Portable Swift: the `SIMD8` loops of `DirectConvolution.swift` (4-wide SSE on baseline
    /// x86-64) and the general `maxPool2d` loop, for CPUs without AVX2 and FMA.
    case portable

    /// `vector` when this CPU has AVX2 and FMA, else `portable`.
    public static let best: Kernels = likely_vector_kernels_available() != 0 ? .vector : .portable
}
