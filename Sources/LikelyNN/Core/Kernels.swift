import CKernels

/// Which implementation runs the hot loops that have two: the direct convolution and 2×2
/// max pooling. Both compute the same values (up to float rounding in the sums).
public enum Kernels: Sendable, Hashable {
    /// The C kernels of `CKernels`: AVX2 + FMA intrinsics, 8 channels per vector.
    case vector
    /// Portable Swift: the `SIMD8` loops of `DirectConvolution.swift` (4-wide SSE on baseline
    /// x86-64) and the general `maxPool2d` loop, for CPUs without AVX2 and FMA.
    case portable

    /// `vector` when this CPU has AVX2 and FMA (x86-64 only), else `portable`.
    public static let best: Kernels = likely_vector_kernels_available() != 0 ? .vector : .portable

    /// Stops with a message when `vector` is asked for on a CPU that cannot run it (whose
    /// instructions would otherwise fault).
    func checkAvailable() {
        precondition(self == .portable || Kernels.best == .vector,
                     "Kernels.vector needs an x86-64 CPU with AVX2 and FMA, which this one is not; use .best or .portable")
    }
}
