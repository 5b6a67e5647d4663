import LikelyTensor

/// Evaluation in Double of a family's `logProb`, `cdf` or `quantile` at Double points, for
/// callers that need more than the Float of tensors: `likely dist` prints the values (a
/// log-density of −5·10⁵⁹ or a count of 10⁹ + 1 have no Float), a mixture's quantile search
/// compares its cdf with p.
///
/// Every family computes these through one element-wise kernel in Double (`pointwise`,
/// `pointwiseValue`) whose first argument is the point. `evaluate(_:at:)` passes a stand-in
/// tensor of the points' shape; the kernel that receives it as its first input reads the
/// Double points instead of the stand-in's Floats and keeps its Double results. They are
/// returned only when that kernel's output is exactly what the method returned (no Float
/// tensor op came after it); otherwise, the method's Float values, widened.
package enum DoublePrecision {
    /// One request: the points, and what the kernel that consumed them produced.
    final class Request: @unchecked Sendable {
        let standIn: Tensor
        let points: [Double]
        var results: [Double]
        var output: Tensor?

        init(points: [Double], shape: [Int]) {
            self.points = points
            standIn = Tensor(shape: shape, scalars: points.map(Float.init))
            results = [Double](repeating: .nan, count: points.count)
        }
    }

    @TaskLocal static var current: Request?

    /// `method(standIn)` for a `logProb`, `cdf` or `quantile` of a distribution, in Double at
    /// `points` laid out as `shape` (default `[points.count]`: a batch of one distribution
    /// evaluated at every point, or a batch aligned with the points).
    package static func evaluate(_ points: [Double], shape: [Int]? = nil, _ method: (Tensor) -> Tensor) -> [Double] {
        let request = Request(points: points, shape: shape ?? [points.count])
        let result = $current.withValue(request) { method(request.standIn) }
        if let output = request.output, output === result { return request.results }
        return result.scalars.map(Double.init)
    }

    /// The request a kernel call serves: the current one when the call's first input is its
    /// stand-in and the call's shape is the stand-in's (each output element reads point i).
    static func request(for inputs: [Tensor], shape: [Int]) -> Request? {
        guard let request = current, request.output == nil, let first = inputs.first,
              first === request.standIn, shape == request.standIn.shape else { return nil }
        return request
    }
}
