import CGSL
import Foundation
import LikelyTensor

// Differentiable special functions through GSL, element-wise, evaluated in Double.
// Each op is a primitive: its value and derivative are computed side by side.

/// ln Γ(x) (ln |Γ(x)| for negative non-integers), GSL `gsl_sf_lngamma`.
/// d/dx ln Γ(x) = ψ(x), the digamma function.
public func logGamma(_ x: Tensor) -> Tensor {
    pointwise([x]) { a, d in
        d[0] = gsl_sf_psi(a[0])
        return gsl_sf_lngamma(a[0])
    }
}

/// ψ(x) = d/dx ln Γ(x), GSL `gsl_sf_psi`.  dψ/dx = ψ₁(x), the trigamma function.
public func digamma(_ x: Tensor) -> Tensor {
    pointwise([x]) { a, d in
        d[0] = gsl_sf_psi_1(a[0])
        return gsl_sf_psi(a[0])
    }
}

/// ψ₁(x) = d²/dx² ln Γ(x), GSL `gsl_sf_psi_1`.  dψ₁/dx = ψ₂(x) (`gsl_sf_psi_n(2, x)`).
public func trigamma(_ x: Tensor) -> Tensor {
    pointwise([x]) { a, d in
        d[0] = gsl_sf_psi_n(2, a[0])
        return gsl_sf_psi_1(a[0])
    }
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), GSL `gsl_sf_lnbeta` (broadcast).
/// ∂/∂a = ψ(a) − ψ(a + b), ∂/∂b = ψ(b) − ψ(a + b).
public func logBeta(_ a: Tensor, _ b: Tensor) -> Tensor {
    pointwise([a, b]) { x, d in
        let s = gsl_sf_psi(x[0] + x[1])
        d[0] = gsl_sf_psi(x[0]) - s
        d[1] = gsl_sf_psi(x[1]) - s
        return gsl_sf_lnbeta(x[0], x[1])
    }
}

/// erf x = (2/√π) ∫₀ˣ e^(−t²) dt, GSL `gsl_sf_erf`.  d/dx = (2/√π) e^(−x²).
public func erf(_ x: Tensor) -> Tensor {
    pointwise([x]) { a, d in
        d[0] = 2 / Double.pi.squareRoot() * Foundation.exp(-a[0] * a[0])
        return gsl_sf_erf(a[0])
    }
}

/// erfc x = 1 − erf x, accurate for large x (GSL `gsl_sf_erfc`).  d/dx = −(2/√π) e^(−x²).
public func erfc(_ x: Tensor) -> Tensor {
    pointwise([x]) { a, d in
        d[0] = -2 / Double.pi.squareRoot() * Foundation.exp(-a[0] * a[0])
        return gsl_sf_erfc(a[0])
    }
}

/// ln Φ(x), the log of the standard normal cdf, accurate in the far lower tail (finite for
/// x = −1e4, where Φ itself underflows): ln(erfc(−x/√2)/2) through `gsl_sf_log_erfc`.
/// d/dx = φ(x)/Φ(x) = exp(ln φ(x) − ln Φ(x)), computed in log space for the same reason.
public func logNormalCDF(_ x: Tensor) -> Tensor {
    pointwise([x]) { a, d in
        let logCDF = StandardNormal.logCDF(a[0])
        d[0] = Foundation.exp(StandardNormal.logDensity(a[0]) - logCDF)
        return logCDF
    }
}
