/// Models of compact tables (`TableEncoding.isCompact`): the features are one value per
/// column, a category index per categorical column, and the first dense layer multiplies
/// them by its weights as a gather of weight rows (`oneHotLinear`), never forming the one-hot
/// rows. The results equal the one-hot path's up to Float rounding.
extension ProbabilisticModel {
    /// The model's encoding when it takes compact features.
    public var compactEncoding: TableEncoding? { featureEncoding.flatMap { $0.isCompact ? $0 : nil } }

    /// The per-example shape of the features the model is given: `[columns]` for a compact
    /// table, else `inputShape`.
    public var featureShape: [Int] { compactEncoding?.featureShape ?? inputShape }

    /// What compact prepared rows stand for: the encoding's one-hot blocks with the values
    /// `featureScaling` gives a one-hot input, on = (1 − μ)/σ and off = (0 − μ)/σ as
    /// `Standardizer.apply` computes them (1 and 0 without scaling); `nil` for other models.
    public var oneHotInput: OneHotInput? {
        guard let encoding = compactEncoding else { return nil }
        let width = encoding.width
        var on = [Float](repeating: 1, count: width), off = [Float](repeating: 0, count: width)
        if let scaling = featureScaling {
            for i in 0..<width {
                on[i] = (1 - scaling.mean[i]) / scaling.standardDeviation[i]
                off[i] = (0 - scaling.mean[i]) / scaling.standardDeviation[i]
            }
        }
        return OneHotInput(offsets: encoding.inputOffsets, categoryCounts: encoding.columns.map { $0.categories?.count ?? 0 },
                           on: on, off: off)
    }

    /// The layers `range` of `network` (a member) on prepared features: for compact features
    /// the first layer, a `Dense`, as `oneHotLinear`, then the rest.
    func forward(_ x: Tensor, through network: Sequential, layers range: Range<Int>, phase: Phase,
                 using streams: inout ExampleStreams) -> Tensor {
        guard range.lowerBound == 0, !range.isEmpty, let input = oneHotInput else {
            return network(x, layers: range, phase: phase, using: &streams)
        }
        guard let dense = network.layers[0] as? Dense else {
            preconditionFailure("a model of compact table features needs a dense first layer, not \(network.layers[0].kindName)")
        }
        let y = oneHotLinear(x, input: input, weight: dense.weight, bias: dense.bias)
        return network(y, layers: 1..<range.upperBound, phase: phase, using: &streams)
    }
}
