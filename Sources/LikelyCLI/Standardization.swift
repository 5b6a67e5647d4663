import Foundation
import Likely

/// A change of variable u = g(x), evaluated in Double, from a distribution to its member with
/// unit location and scale: p(x) = p_unit(g(x)) · g′(x), F(x) = F_unit(g(x)), Q(p) = g⁻¹(Q_unit(p)).
enum Standardization {
    /// u = (x − shift) / factor.
    case affine(shift: Double, factor: Double)
    /// u = x · e^−shift (a log-normal's location).
    case logShift(Double)

    func toStandard(_ x: Double) -> Double {
        switch self {
        case .affine(let shift, let factor): return (x - shift) / factor
        case .logShift(let shift): return x * Foundation.exp(-shift)
        }
    }

    func fromStandard(_ u: Double) -> Double {
        switch self {
        case .affine(let shift, let factor): return shift + factor * u
        case .logShift(let shift): return u * Foundation.exp(shift)
        }
    }

    /// −ln g′(x): what a log-density loses under the change of variable.
    func logJacobian(_ x: Double) -> Double {
        switch self {
        case .affine(_, let factor): return Foundation.log(factor)
        case .logShift(let shift): return shift
        }
    }
}
