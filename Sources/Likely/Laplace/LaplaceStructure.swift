import Foundation

/// Which weights a Laplace posterior covers, and how its precision is stored.
///
/// - `lastLayer`: the last Dense layer's weights and bias, exactly (any network whose last
///   weighted layer is Dense, convolutional ones included; the rest is held at its trained values).
/// - `full`: every weight of an MLP (Dense layers, element-wise activations, dropout), at most
///   `LaplaceStructure.maximumFullParameterCount` of them.
/// - `kfac`: every Dense and Conv2D weight, the precision block-diagonal over layers, each block a
///   Kronecker product A ⊗ G of the layer's inputs' and outputs' curvature (`LaplaceCurvature`).
/// - `ekfac`: KFAC's eigenbases with the eigenvalues re-estimated by a second pass over the data
///   as the GGN's own diagonal in them (George et al. 2018): the exact diagonal in that basis
///   where KFAC's products αᵣ γ_c misjudge it.
/// - `diagonal`: every Dense and Conv2D weight, the GGN's diagonal only.
public enum LaplaceStructure: String, Codable, CaseIterable, Sendable {
    case lastLayer = "last-layer"
    case full
    case kfac
    case ekfac
    case diagonal

    /// The most weights a `full` or `last-layer` posterior covers, and the most rows of a
    /// `kfac` or `ekfac` Kronecker factor: each such matrix (800 MB in Double at 10,000) is
    /// kept and factorised whole.
    public static let maximumFullParameterCount = 10_000
}

/// How the prior precision δ of a Laplace posterior (the prior is N(0, δ⁻¹ I) on the weights)
/// is chosen.
public enum PriorPrecision: Equatable, Sendable, CustomStringConvertible {
    /// One δ maximising the Laplace evidence (one eigendecomposition of the curvature serves
    /// every δ).
    case auto
    /// One δ per layer (weights and bias of a Dense layer together), maximising the evidence
    /// by MacKay's fixed-point updates δₗ = γₗ / ‖θₗ‖², γₗ = Pₗ − δₗ tr_l(Σ).
    case autoPerLayer
    /// One δ per layer from its trained weights alone, δₗ = Pₗ / ‖θₗ*‖²: the Gaussian under
    /// which the layer's trained weights are a typical draw (the evidence's maximiser when the
    /// data add no curvature). Narrower than the evidence's δ wherever the data leave most
    /// directions of the weights free (P ≫ n), so calibrated near the data, and less wide away from it.
    case weightNorm
    /// One δ minimising the validation NLL of the linearised predictive over
    /// `LaplaceGridSearch.grid` (laplace-torch's `gridsearch` with a validation loader): the δ
    /// under which the posterior predicts held-out rows best. Needs validation rows (`fit
    /// --laplace` passes its validation split); `full` and `last-layer` only.
    case gridsearch
    /// A fixed δ > 0.
    case fixed(Double)

    /// `auto`, `auto-per-layer`, `weight-norm`, `gridsearch` or a positive number, as `--prior-precision` takes it.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "auto": self = .auto
        case "auto-per-layer": self = .autoPerLayer
        case "weight-norm": self = .weightNorm
        case "gridsearch": self = .gridsearch
        default:
            guard let x = Double(text), x > 0, x.isFinite else { return nil }
            self = .fixed(x)
        }
    }

    /// `auto`, `auto-per-layer`, `weight-norm`, `gridsearch` or the number.
    public var description: String {
        switch self {
        case .auto: "auto"
        case .autoPerLayer: "auto-per-layer"
        case .weightNorm: "weight-norm"
        case .gridsearch: "gridsearch"
        case .fixed(let x): "\(x)"
        }
    }
}
