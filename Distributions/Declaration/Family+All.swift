/// The one list of families: every family declared in `Distributions/Families/` is here, in
/// the order `fit --family` and `likely dist` list them. Adding a family is its file plus one
/// line here (docs/distributions.md, "Adding a family").
extension Family: CaseIterable {
    /// Every declared family, in the order of the documentation and of `--family` help.
    public static let allCases: [Family] = [
        .normal, .studentT, .laplace, .logNormal, .gamma, .beta,
        .poisson, .negativeBinomial, .zeroInflatedPoisson,
        .bernoulli, .categorical,
        .normalMixture,
    ]
}
