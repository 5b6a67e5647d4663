/// How a convolution or pooling window treats the border (Keras's `padding`).
public enum Padding: Codable, Sendable, Hashable {
    /// No padding: only windows that fit inside the input; out = ⌊(n − d(f − 1) − 1)/s⌋ + 1.
    case valid
    /// Zero padding so that out = ⌈n / s⌉, split as TensorFlow does: the total
    /// max((out − 1)s + d(f − 1) + 1 − n, 0) with the smaller half before (top/left).
    /// For stride 1 and an odd kernel this is p = d(f − 1)/2 on each side.
    case same
    /// p zeros on every side (the course's notation); out = ⌊(n + 2p − d(f − 1) − 1)/s⌋ + 1.
    case explicit(Int)
}

/// The geometry of a sliding window along one spatial axis.
///
/// Output position o reads input positions o·stride − padBefore + k·dilation for k in 0..<kernel.
public struct WindowGeometry: Sendable, Hashable {
    /// Input extent n.
    public var input: Int
    /// Kernel (window) extent f.
    public var kernel: Int
    /// Step s between windows.
    public var stride: Int
    /// Spacing d between kernel taps.
    public var dilation: Int
    /// Zeros added before the first input position.
    public var padBefore: Int
    /// Output extent.
    public var output: Int

    /// The geometry for a forward convolution or pooling window.
    ///
    /// Output extent: ⌊(n + p_before + p_after − d(f − 1) − 1)/s⌋ + 1, which for symmetric
    /// padding p is the course's ⌊(n + 2p − d(f − 1) − 1)/s⌋ + 1.
    public init(input n: Int, kernel f: Int, stride s: Int, dilation d: Int = 1, padding: Padding) {
        precondition(n > 0, "input extent must be positive, got \(n)")
        precondition(f > 0, "kernel size must be positive, got \(f)")
        precondition(s > 0, "stride must be positive, got \(s)")
        precondition(d > 0, "dilation must be positive, got \(d)")
        let effective = d * (f - 1) + 1
        input = n; kernel = f; stride = s; dilation = d
        switch padding {
        case .valid:
            precondition(n >= effective, "valid padding needs input extent ≥ dilated kernel extent \(effective), got \(n)")
            padBefore = 0
            output = (n - effective) / s + 1
        case .explicit(let p):
            precondition(p >= 0, "explicit padding must be ≥ 0, got \(p)")
            precondition(n + 2 * p >= effective, "input extent \(n) with padding \(p) is smaller than the dilated kernel extent \(effective)")
            padBefore = p
            output = (n + 2 * p - effective) / s + 1
        case .same:
            output = (n + s - 1) / s
            padBefore = Swift.max((output - 1) * s + effective - n, 0) / 2
        }
    }

    /// The geometry of a transposed convolution seen as the forward convolution it inverts:
    /// that convolution maps the transposed output (extent returned as `input`) back to `n`.
    ///
    /// Transposed output extent: valid (n − 1)s + d(f − 1) + 1; same n·s;
    /// explicit p (n − 1)s − 2p + d(f − 1) + 1.
    public init(transposedInput n: Int, kernel f: Int, stride s: Int, dilation d: Int = 1, padding: Padding) {
        precondition(n > 0, "input extent must be positive, got \(n)")
        let effective = d * (f - 1) + 1
        let outer: Int
        switch padding {
        case .valid: outer = (n - 1) * s + effective
        case .same: outer = n * s
        case .explicit(let p): outer = (n - 1) * s - 2 * p + effective
        }
        precondition(outer > 0, "transposed convolution of extent \(n) with kernel \(f), stride \(s), padding \(padding) has no output")
        self.init(input: outer, kernel: f, stride: s, dilation: d, padding: padding)
        precondition(output == n, "transposed geometry mismatch: extent \(outer) convolves back to \(output), not \(n)")
    }
}

/// The output extent of a convolution or pooling window along one axis:
/// ⌊(n + 2p − d(f − 1) − 1)/s⌋ + 1 (see `Padding` for `same`).
public func convolutionOutputSize(input: Int, kernel: Int, stride: Int = 1, dilation: Int = 1, padding: Padding) -> Int {
    WindowGeometry(input: input, kernel: kernel, stride: stride, dilation: dilation, padding: padding).output
}
