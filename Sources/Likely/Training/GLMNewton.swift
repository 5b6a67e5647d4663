import CGSL
import Foundation

/// The same-family GLM's objective in its free weights, and its minimiser by damped Newton
/// (Fisher scoring) with a backtracking line search: the fit of `ProbabilisticModel.fitAsGLM`.
///
/// The model is one Dense layer, W `[d, K]` and b `[K]`, whose raw outputs rᵢ = xᵢ·W + b are
/// read by the head; only the kernel's columns `linearColumns` (L of the K outputs) and the
/// bias are free, every other kernel entry stays exactly 0. The free weights θ `[P]`,
/// P = d·L + K, are the kernel entries (j, c), c ∈ `linearColumns`, at j·L + (c − first), then
/// the K biases. With x̃ᵢ = (xᵢ, 1) `[d + 1]` and Jᵢ = ∂rᵢ/∂θ (x̃ᵢ ⊗ I on the free weights):
///
///     F(θ) = (1/N) Σᵢ NLL(yᵢ | rᵢ) + (λ/2) ‖θ‖²
///     ∇F   = (1/N) Σᵢ Jᵢᵀ gᵢ + λ θ,          gᵢ = ∂NLL(yᵢ | rᵢ)/∂rᵢ `[K]` (from the tape)
///     H    = (1/N) Σᵢ Jᵢᵀ Λᵢ Jᵢ + λ I,        H[(r, a), (r', b)] = (1/N) Σᵢ Λᵢ[a, b] x̃ᵢᵣ x̃ᵢᵣ' + λ [same]
///
/// Λᵢ `[K, K]` is the head's Fisher information in its raw outputs (`Head.fisher`, the Laplace
/// curvature's): the expected Hessian of the NLL, so H is the GGN and the step Fisher
/// scoring's (Newton's own for a canonical link). Families without a closed-form Fisher use
/// the seeded Monte-Carlo one with ⌈`fisherScores`/N⌉ draws per row (at most
/// `Head.fisherDraws`), keyed (seed, `.glmFisher`); the line search on the exact F and the
/// stopping rule on ∇F make its noise cost iterations, never the minimum. F and ∇F are
/// summed in Double over the rows' float32 values.
///
/// From θ = 0, each iteration: d = −H⁻¹∇F (Cholesky, `dpotrf_`; if H is numerically singular,
/// as a categorical Fisher is without weight decay, H + μI with μ = 10⁻¹⁰·tr H/P, raised
/// a hundredfold up to four times) and the Newton decrement δ = ∇Fᵀ H⁻¹ ∇F. It stops
/// (converged) once δ ≤ `tolerance`; otherwise θ ← θ + αd for the first α in α₀, α₀/2, α₀/4,
/// …, α₀/2³⁰ with F(θ + αd) ≤ F(θ) − 10⁻⁴ α δ (Armijo; a point whose raw outputs leave the
/// head's domain or whose F is not finite fails it), where α₀ = min(1, 2 / maxᵢ ‖Jᵢ d‖∞) keeps
/// the first trial's change of every raw output within `largestOutputStep`. F's float32 rows
/// resolve it only to about ε = 10⁻⁶ (1 + |F|): once δ ≤ ε the full step is also taken when it
/// raises F by at most ε, and when even that fails the point is the minimum to that resolution
/// (converged). On the benchmark suite's 35 tables it converged in 2 to 30 iterations.
struct GLMNewton {
    /// The most free weights fitted by Newton (`fitAsGLM` falls back to Adam beyond): the
    /// P × P curvature then holds at most 4 million Doubles (32 MB) and its Cholesky factor
    /// costs at most about 3 GFlop an iteration.
    static let maximumParameters = 2000
    /// The most Newton iterations.
    static let maximumIterations = 100
    /// The Newton decrement ∇Fᵀ H⁻¹ ∇F at which the fit has converged: F is then within
    /// 5·10⁻¹¹ of its minimum on the quadratic model.
    static let tolerance = 1e-10
    /// The most a line search's first step changes any raw output on any row (a log rate, a
    /// logit, a location in standard deviations of the target): far from the minimum, as at
    /// θ = 0 for counts in the hundreds, the full Newton step would overshoot into raw
    /// outputs whose likelihood is flat (a negative binomial's logit at its cap) and whose
    /// Fisher is then singular.
    static let largestOutputStep = 2.0
    /// The score draws in all of a Monte-Carlo Fisher: ⌈fisherScores/N⌉ per row.
    static let fisherScores = 20_000
    /// Rows per chunk of the Double sums.
    static let chunkSize = 4096

    /// How a minimisation ended.
    enum Outcome: Equatable {
        /// δ ≤ `tolerance`, or at F's resolution, after `iterations` Newton steps.
        case converged(iterations: Int)
        /// `maximumIterations` steps, each of which lowered F (or, within F's resolution, kept
        /// it); the point reached is kept.
        case iterationLimit
        /// The start (θ = 0) or the gradient of a point is not finite or out of the head's domain.
        case notFinite
        /// No step lowers F while δ is above F's resolution, or H cannot be factorised:
        /// the weights are those of the last accepted point and the caller falls back to Adam.
        case stalled
    }

    let head: Head
    let dense: Dense
    /// Prepared features `[N, d]` and targets `[N]`.
    let features: Tensor, targets: Tensor
    let linearColumns: Range<Int>
    /// λ.
    let weightDecay: Double
    /// The seed of a Monte-Carlo Fisher's draws.
    let seed: UInt64

    var count: Int { features.shape[0] }
    var inputs: Int { features.shape[1] }
    var outputs: Int { head.rawOutputCount }
    /// P = d·L + K.
    var parameterCount: Int { inputs * linearColumns.count + outputs }

    /// A point of the search: θ, its raw outputs `[N, K]` and F(θ).
    struct Point {
        var theta: [Double]
        var raw: Tensor
        var value: Double
    }

    /// Minimises F from θ = 0 (see the type's documentation); the layer holds the weights of
    /// the last accepted point afterwards.
    func minimise() -> Outcome {
        guard var current = point(at: [Double](repeating: 0, count: parameterCount)) else { return .notFinite }
        defer { load(current.theta) }
        for iteration in 0..<Self.maximumIterations {
            guard let (gradient, curvature) = derivatives(at: current) else { return .notFinite }
            guard let step = Self.newtonStep(curvature, gradient) else { return .stalled }
            let decrement = -zip(gradient, step).reduce(0.0) { $0 + $1.0 * $1.1 }
            if decrement <= Self.tolerance { return .converged(iterations: iteration) }
            let resolution = 1e-6 * (1 + abs(current.value))
            var accepted: Point? = nil, alpha = min(1, Self.largestOutputStep / largestOutputChange(step))
            for _ in 0...30 {
                if let trial = point(at: zip(current.theta, step).map { $0 + alpha * $1 }) {
                    let armijo = trial.value <= current.value - 1e-4 * alpha * decrement
                    let withinResolution = alpha == 1 && decrement <= resolution && trial.value <= current.value + resolution
                    if armijo || withinResolution { accepted = trial; break }
                }
                alpha /= 2
            }
            guard let accepted else { return decrement <= resolution ? .converged(iterations: iteration) : .stalled }
            current = accepted
        }
        return .iterationLimit
    }

    /// The largest change of any raw output on any row that the step d makes, maxᵢ ‖Jᵢ d‖∞
    /// (the layer with d as its weights, applied to the rows).
    func largestOutputChange(_ step: [Double]) -> Double {
        load(step)
        var none = ExampleStreams()
        let change = withoutGradients { dense(features, phase: .inference, using: &none) }
        return change.scalars.reduce(0.0) { max($0, abs(Double($1))) }
    }

    /// Writes θ into the layer: the free kernel columns and the bias; every other kernel entry 0.
    func load(_ theta: [Double]) {
        let (d, k, l) = (inputs, outputs, linearColumns.count)
        var w = [Float](repeating: 0, count: d * k)
        for j in 0..<d { for c in linearColumns { w[j * k + c] = Float(theta[j * l + c - linearColumns.lowerBound]) } }
        dense.weight.scalars = w
        dense.bias?.scalars = theta[(d * l)...].map(Float.init)
    }

    /// θ's raw outputs and F(θ); nil when a raw output leaves the head's domain or F is not finite.
    func point(at theta: [Double]) -> Point? {
        load(theta)
        var none = ExampleStreams()
        let raw = withoutGradients { dense(features, phase: .inference, using: &none) }
        guard head.invalidOutput(raw, epoch: 0, batch: 0) == nil else { return nil }
        let nll = withoutGradients { head.negativeLogLikelihood(raw, targets: targets, reduction: .none) }.scalars
        let value = nll.reduce(0.0) { $0 + Double($1) } / Double(count) + weightDecay / 2 * theta.reduce(0.0) { $0 + $1 * $1 }
        return value.isFinite ? Point(theta: theta, raw: raw, value: value) : nil
    }

    /// ∇F `[P]` and H `[P, P]` at `point`; nil when a gradient or Fisher entry is not finite.
    func derivatives(at point: Point) -> (gradient: [Double], curvature: SymmetricMatrix)? {
        let (n, d, k) = (count, inputs, outputs), a = d + 1
        let leaf = Tensor(shape: point.raw.shape, scalars: point.raw.scalars, requiresGradient: true)
        let rowGradients = GradientRecording.$isEnabled.withValue(true) {
            head.negativeLogLikelihood(leaf, targets: targets, reduction: .sum).gradients()[leaf]
        }
        guard let g = rowGradients?.scalars, g.allSatisfy(\.isFinite) else { return nil }
        let draws = min(Head.fisherDraws, (Self.fisherScores + n - 1) / n)
        let fisher = head.hasClosedFormFisher
            ? head.fisher(point.raw)
            : head.monteCarloFisher(point.raw, draws: draws, seed: seed, firstIndex: 0, purpose: .glmFisher)
        guard fisher.allSatisfy(\.isFinite) else { return nil }

        // Output c's rows of x̃ that θ holds: all d + 1 for a linear column, the bias's alone otherwise.
        let rows = (0..<k).map { linearColumns.contains($0) ? 0..<a : d..<a }
        let pairs = (0..<k).flatMap { p in (p..<k).map { (p, $0) } }
        var sums = [Double](repeating: 0, count: a * k)  // Σᵢ x̃ᵢ gᵢᵀ `[d + 1, K]`
        var blocks = pairs.map { [Double](repeating: 0, count: rows[$0.0].count * rows[$0.1].count) }
        let x = features.scalars
        for start in stride(from: 0, to: n, by: Self.chunkSize) {
            let m = min(Self.chunkSize, n - start)
            var augmented = [Double](repeating: 1, count: m * a)
            for i in 0..<m { for j in 0..<d { augmented[i * a + j] = Double(x[(start + i) * d + j]) } }
            let chunkGradients = g[(start * k)..<((start + m) * k)].map(Double.init)
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(a), Int32(k), Int32(m), 1,
                        augmented, Int32(a), chunkGradients, Int32(k), 1, &sums, Int32(k))
            for (e, (p, q)) in pairs.enumerated() {
                // Block (p, q) += X̃[:, rows p]ᵀ diag(Λᵢ[p, q]) X̃[:, rows q].
                var weighted = augmented
                for i in 0..<m {
                    let w = fisher[(start + i) * k * k + p * k + q]
                    for j in 0..<a { weighted[i * a + j] *= w }
                }
                let (left, right) = (rows[p], rows[q])
                augmented.withUnsafeBufferPointer { xp in
                    weighted.withUnsafeBufferPointer { wp in
                        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(left.count), Int32(right.count), Int32(m), 1,
                                    xp.baseAddress.map { $0 + left.lowerBound }, Int32(a),
                                    wp.baseAddress.map { $0 + right.lowerBound }, Int32(a), 1, &blocks[e], Int32(right.count))
                    }
                }
            }
        }

        // θ's entries as (row of x̃, output): the free kernel entries, then the biases.
        let free = (0..<d).flatMap { j in linearColumns.map { (j, $0) } } + (0..<k).map { (d, $0) }
        var pairIndex = [Int](repeating: 0, count: k * k)
        for (e, (p, q)) in pairs.enumerated() { pairIndex[p * k + q] = e }
        let scale = 1 / Double(n), lambda = weightDecay
        let gradient = free.enumerated().map { i, entry in sums[entry.0 * k + entry.1] * scale + lambda * point.theta[i] }
        var curvature = SymmetricMatrix(zeros: free.count)
        for (i, (r, p)) in free.enumerated() {
            for (i2, (r2, q)) in free.enumerated() where i2 <= i {
                let (lo, hi, rLo, rHi) = p <= q ? (p, q, r, r2) : (q, p, r2, r)
                let value = blocks[pairIndex[lo * k + hi]][(rLo - rows[lo].lowerBound) * rows[hi].count + rHi - rows[hi].lowerBound]
                curvature[i, i2] = value * scale + (i == i2 ? lambda : 0)
                curvature[i2, i] = curvature[i, i2]
            }
        }
        return (gradient, curvature)
    }

    /// d = −H⁻¹ g by Cholesky (`dpotrf_`, then two triangular solves), H damped by μI if it is
    /// not numerically positive definite (see the type's documentation); nil when no damping helps.
    static func newtonStep(_ curvature: SymmetricMatrix, _ gradient: [Double]) -> [Double]? {
        let p = curvature.size
        let trace = (0..<p).reduce(0.0) { $0 + curvature[$1, $1] }
        var damping = 0.0
        for attempt in 0...5 {
            if attempt > 0 { damping = damping == 0 ? 1e-10 * trace / Double(max(p, 1)) : damping * 100 }
            var damped = curvature
            for i in 0..<p { damped[i, i] += damping }
            guard let factor = try? damped.cholesky() else { continue }
            // L z = −g, then Lᵀ d = z (L row-major lower).
            var step = gradient.map { -$0 }
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(p), factor, Int32(p), &step, 1)
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, Int32(p), factor, Int32(p), &step, 1)
            if step.allSatisfy(\.isFinite) { return step }
        }
        return nil
    }
}
