import CGSL
import LikelyTensor

/// GSL's default error handler aborts the process; every kernel here checks domains itself
/// and reads GSL's NaN results instead. Evaluated once, on first use (a lazy global `let`).
let gslErrorHandlerOff: Void = likely_gsl_disable_abort()

/// The broadcast shape of several tensors.
func commonShape(_ tensors: [Tensor]) -> [Int] {
    tensors.dropFirst().reduce(tensors[0].shape) { broadcastShape($0, $1.shape) }
}

/// An element-wise op of several inputs whose value *and* partial derivatives are computed
/// together, in Double, by one kernel call per element: the primitive behind every log-prob
/// and special function of this module.
///
/// The inputs broadcast to one shape (through the tape, so gradients sum back to each input's
/// own shape). `kernel(args, partials)` reads the k arguments of one element from `args`,
/// writes ∂value/∂argᵢ into `partials[i]` and returns the value. Where the value is not
/// finite (an out-of-support observation gives −∞) every partial is set to 0, so no NaN can
/// reach a gradient. The pullback is `g · partialᵢ` for input i.
@inline(__always)
func pointwise(_ inputs: [Tensor],
               _ kernel: (_ args: UnsafeMutablePointer<Double>, _ partials: UnsafeMutablePointer<Double>) -> Double) -> Tensor {
    _ = gslErrorHandlerOff
    let shape = commonShape(inputs)
    let wide = inputs.map { $0.broadcast(to: shape) }
    let n = elementCount(shape), k = inputs.count
    if n == 0 { return Tensor(shape: shape, scalars: []) }
    let differentiable = GradientRecording.isEnabled && wide.contains { $0.requiresGradient }
    var partials = [Float](repeating: 0, count: differentiable ? n * k : 0)
    let args = UnsafeMutablePointer<Double>.allocate(capacity: max(k, 1))
    let local = UnsafeMutablePointer<Double>.allocate(capacity: k)
    defer { args.deallocate(); local.deallocate() }
    let sources = wide.map { $0.scalars }
    var values = [Float](repeating: 0, count: n)
    values.withUnsafeMutableBufferPointer { out in
        partials.withUnsafeMutableBufferPointer { part in
            withBufferPointers(sources) { inputs in
                // Plain base pointers: no array access inside the element loop.
                let bases = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: k)
                defer { bases.deallocate() }
                for j in 0..<k { bases[j] = inputs[j].baseAddress! }
                for i in 0..<n {
                    for j in 0..<k { args[j] = Double(bases[j][i]); local[j] = 0 }
                    let y = kernel(args, local)
                    out[i] = Float(y)
                    guard differentiable else { continue }
                    if y.isFinite {
                        for j in 0..<k { let d = local[j]; part[j * n + i] = d.isNaN ? 0 : Float(d) }
                    }
                }
            }
        }
    }
    let value = Tensor(shape: shape, scalars: values)
    guard differentiable else { return value }
    return Tensor.record(value, parents: wide) { g in
        (0..<k).map { j in
            guard wide[j].requiresGradient else { return nil }
            let grad = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
                g.scalars.withUnsafeBufferPointer { pg in
                    partials.withUnsafeBufferPointer { part in
                        for i in 0..<n { buffer[i] = pg[i] * part[j * n + i] }
                    }
                }
                initialized = n
            }
            return Tensor(shape: shape, scalars: grad)
        }
    }
}

/// An element-wise function of several broadcast inputs, computed in Double; the value only
/// (nothing is recorded): for cdfs, quantiles and statistics that are not training losses.
@inline(__always)
func pointwiseValue(_ inputs: [Tensor], _ kernel: (_ args: UnsafeMutablePointer<Double>) -> Double) -> Tensor {
    _ = gslErrorHandlerOff
    let shape = commonShape(inputs)
    let wide = withoutGradients { inputs.map { $0.broadcast(to: shape) } }
    let n = elementCount(shape), k = inputs.count
    let args = UnsafeMutablePointer<Double>.allocate(capacity: max(k, 1))
    defer { args.deallocate() }
    var values = [Float](repeating: 0, count: n)
    values.withUnsafeMutableBufferPointer { out in
        withBufferPointers(wide.map { $0.scalars }) { inputs in
            for i in 0..<n {
                for j in 0..<k { args[j] = Double(inputs[j][i]) }
                let y = kernel(args)
                out[i] = Float(y)
            }
        }
    }
    let value = Tensor(shape: shape, scalars: values)
    return value
}

/// Draws one value per element of the broadcast parameters with `draw(generator, args)`
/// (a sampler of `RandomSource`), in row-major order; not differentiable.
func sampleElementwise(_ parameters: [Tensor], using random: inout RandomSource,
                       _ draw: (_ random: inout RandomSource, _ args: UnsafeMutablePointer<Double>) -> Double) -> Tensor {
    pointwiseValue(parameters) { args in draw(&random, args) }
}

/// Runs `body` with read-only pointers to every array at once.
@inline(__always)
func withBufferPointers<R>(_ arrays: [[Float]], _ body: ([UnsafeBufferPointer<Float>]) -> R) -> R {
    func nest(_ index: Int, _ acc: [UnsafeBufferPointer<Float>]) -> R {
        if index == arrays.count { return body(acc) }
        return arrays[index].withUnsafeBufferPointer { nest(index + 1, acc + [$0]) }
    }
    return nest(0, [])
}

/// Whether every element satisfies `predicate` (NaN elements pass, so that a non-finite
/// training loss is reported by the training loop, not by a crash here).
func allElements(_ t: Tensor, _ predicate: (Float) -> Bool) -> Bool {
    t.scalars.allSatisfy { $0.isNaN || predicate($0) }
}

/// The first element failing `predicate`, for precondition messages.
func firstViolation(_ t: Tensor, _ predicate: (Float) -> Bool) -> Float {
    t.scalars.first { !$0.isNaN && !predicate($0) } ?? .nan
}

/// Stops with a message quoting the first bad value unless every element of `t` satisfies
/// `predicate`.
func checkDomain(_ t: Tensor, _ name: String, _ expected: String, _ predicate: (Float) -> Bool,
                 file: StaticString = #fileID, line: UInt = #line) {
    precondition(allElements(t, predicate),
                 "\(name) must be \(expected), got \(firstViolation(t, predicate))", file: file, line: line)
}
