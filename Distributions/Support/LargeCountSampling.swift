import LikelyTensor

/// Counts from which GSL's samplers are not used: `gsl_ran_poisson` and `gsl_ran_binomial`
/// work in `unsigned int`, so from λ·7/8 ≈ 2³² on their internal counts wrap around (a draw at
/// λ = 10¹² never returns).
let largeCount = 1.0e9

/// One Poisson(λ) draw for any λ ≥ 0, in O(log λ) steps (Knuth, TAOCP vol. 2, §3.4.1 F).
///
/// While λ > `largeCount`: the m-th arrival X ~ Gamma(m, 1) of a unit-rate process, m = ⌊7λ/8⌋;
/// if X ≥ λ the count in [0, λ] is Binomial(m − 1, λ/X) (the first m − 1 arrivals are uniform
/// on [0, X]), else it is m plus a Poisson(λ − X) count. Below, GSL `gsl_ran_poisson(λ)`.
func poissonDraw(_ random: inout RandomSource, _ mean: Double) -> Double {
    var mu = mean, count = 0.0
    while mu > largeCount {
        let m = (mu * 7 / 8).rounded(.down)
        let x = random.gamma(shape: m, scale: 1)
        if x >= mu { return count + binomialDraw(&random, m - 1, mu / x) }
        count += m
        mu -= x
    }
    return count + Double(random.poisson(mean: mu))
}

/// One Binomial(n, p) draw for any n, in O(log n) steps: while n > `largeCount`, the a-th
/// smallest of n uniforms, X ~ Beta(a, n + 1 − a) with a = ⌊1 + n/2⌋, splits the uniforms into
/// a − 1 below X (Binomial(a − 1, p/X) of them below p if X ≥ p) or, if X < p, a up to X plus
/// Binomial(n − a, (p − X)/(1 − X)) above. Below, GSL `gsl_ran_binomial`.
func binomialDraw(_ random: inout RandomSource, _ trials: Double, _ probability: Double) -> Double {
    var n = trials, p = probability, count = 0.0
    while n > largeCount {
        let a = (1 + n / 2).rounded(.down), b = n + 1 - a
        let x = random.beta(a, b)
        if x >= p {
            n = a - 1
            p /= x
        } else {
            count += a
            n = b - 1
            p = (p - x) / (1 - x)
        }
    }
    return count + Double(random.binomial(trials: Int(n), probability: Swift.min(Swift.max(p, 0), 1)))
}
