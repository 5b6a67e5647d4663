extension Head {
    /// The negative log-likelihood −ln p(yᵢ | rawᵢ) of `targets` `[N]` under the
    /// distributions of `raw` `[N, rawOutputCount]`, reduced by `reduction` (the mean by
    /// default): the loss of every model, written once (training, `loss(_:targets:)` and
    /// the bench all come here). Differentiable in `raw`.
    public func negativeLogLikelihood(_ raw: Tensor, targets: Tensor, scaling: TargetScaling? = nil,
                                      reduction: Reduction = .mean) -> Tensor {
        reduction.apply(-distribution(raw, scaling: scaling).logProb(targets))
    }
}
