import LikelyTensor

// MARK: - Declaration

extension Family {
    /// mdn, a mixture density network: K Normal components with softmax weights,
    ///
    ///     p(y) = Σⱼ softmax(w)ⱼ N(y | μⱼ, σⱼ),
    ///
    /// from 3K raw outputs: weight logits r[0..<K], locations r[K..<2K], scales
    /// link(r[2K..<3K]) (the head's scale link; exp gives each component its log-scale form).
    public static let normalMixture = Family(
        name: "mdn", support: .real,
        parameters: [
            Parameter("weights", .simplex, link: .softmax, width: .perComponent, summary: "the component weights"),
            .location("the component means μⱼ", width: .perComponent),
            .scale("the component standard deviations σⱼ", width: .perComponent),
        ],
        build: { p in
            // Each parameter is [N, K]: component j is column j.
            let loc = p["loc"].value, scale = p["scale"]
            let logScale = scale.logarithm, scaleValue = logScale == nil ? scale.value : nil
            func column(_ t: Tensor, _ j: Int) -> Tensor { t.slice(alongAxis: 1, j..<(j + 1)).reshaped(to: [t.shape[0]]) }
            let members = (0..<loc.shape[1]).map { j -> Normal in
                if let logScale { return Normal(loc: column(loc, j), logScale: column(logScale, j)) }
                return Normal(loc: column(loc, j), scale: column(scaleValue ?? scale.value, j))
            }
            if let logits = p["weights"].logits { return Mixture(components: members, logits: logits) }
            return Mixture(components: members, weights: p["weights"].value)
        })
}
