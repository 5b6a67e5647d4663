/// An n-dimensional array of `Float`, stored contiguously in row-major order.
///
/// Images are NHWC: `[batch, height, width, channels]`. A tensor is a reference type so
/// that the autodiff tape and optimizers can refer to one parameter by identity; every op
/// returns a new tensor and leaves its inputs untouched.
///
/// A tensor whose `requiresGradient` is `true` and which was not produced by an op is a
/// *leaf* (a trainable parameter or an input under study); `Tensor.gradients()` returns
/// gradients keyed by these leaves.
public final class Tensor: CustomStringConvertible {
    /// The extent of each axis; `[]` for a scalar.
    public let shape: [Int]
    /// The elements in row-major order. Optimizers update parameters in place through it;
    /// changing a tensor that is part of a recorded graph makes that graph's gradients stale.
    public var scalars: [Float]
    /// Whether gradients flow to (leaf) or through (recorded op result) this tensor.
    public var requiresGradient: Bool
    /// The op that produced this tensor, while the tape holds it (`nil` for leaves).
    var node: TapeNode?

    /// Creates a tensor from a shape and its elements in row-major order.
    /// - Parameters:
    ///   - shape: the extent of each axis; every extent must be ≥ 0.
    ///   - scalars: exactly `shape.reduce(1, *)` elements.
    ///   - requiresGradient: mark the tensor as a leaf that gradients are collected for.
    public init(shape: [Int], scalars: [Float], requiresGradient: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "shape must have non-negative extents, got \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
        self.requiresGradient = requiresGradient
    }

    /// A tensor of `shape` whose scalars start at zero and are then written by `body` through
    /// one buffer (a BLAS product, a scatter-add kernel): the form every op's gradient takes.
    public convenience init(zeros shape: [Int], writing body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        var scalars = [Float](repeating: 0, count: elementCount(shape))
        scalars.withUnsafeMutableBufferPointer { body($0) }
        self.init(shape: shape, scalars: scalars)
    }

    /// A rank-0 tensor holding one value.
    public convenience init(_ value: Float) {
        self.init(shape: [], scalars: [value])
    }

    /// A rank-1 tensor.
    public convenience init(_ values: [Float], requiresGradient: Bool = false) {
        self.init(shape: [values.count], scalars: values, requiresGradient: requiresGradient)
    }

    /// A rank-2 tensor from rows of equal length.
    public convenience init(_ rows: [[Float]], requiresGradient: Bool = false) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows must have equal lengths, got \(rows.map(\.count))")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 }, requiresGradient: requiresGradient)
    }

    /// The number of elements.
    public var count: Int { scalars.count }
    /// The number of axes.
    public var rank: Int { shape.count }

    /// The single value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar needs a one-element tensor, got shape \(shape)")
        return scalars[0]
    }

    /// The element at a full multi-index.
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "index \(index) does not match shape \(shape)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(index) is outside shape \(shape)")
            offset = offset * shape[axis] + i
        }
        return scalars[offset]
    }

    /// A new leaf with the same values and no history: gradients stop here.
    public func detached() -> Tensor {
        Tensor(shape: shape, scalars: scalars)
    }

    /// Normalises a possibly negative axis (`-1` is the last) and checks it.
    public func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) is out of range for shape \(shape)")
        return a
    }

    /// A readable description, as `print` shows it.
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}

/// The product of a shape's extents.
@inlinable
public func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

extension Array where Element == Float {
    /// An array of `count` elements filled by `body`, which must write every element.
    @inlinable
    public init(count: Int, filling body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
    }
}
