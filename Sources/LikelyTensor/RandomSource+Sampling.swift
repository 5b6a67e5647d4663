import CGSL

/// Draws from the stream through GSL's samplers. Every module draws through these methods;
/// none holds the C generator.
extension RandomSource {
    // MARK: - Uniform

    /// A uniform draw from [0, 1).
    public mutating func uniform() -> Double { withGenerator { gsl_rng_uniform($0) } }

    /// A uniform draw from the open interval (0, 1): safe under a logarithm.
    public mutating func uniformPositive() -> Double { withGenerator { gsl_rng_uniform_pos($0) } }

    /// A uniform integer in `range`.
    public mutating func integer(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "integer(in:) needs a non-empty range, got \(range)")
        return range.lowerBound + Int(withGenerator { gsl_rng_uniform_int($0, UInt(range.count)) })
    }

    /// Fills `mask` with `value` where a uniform draw u < `probability` and 0 elsewhere, one
    /// draw per element in order (a Bernoulli(probability) mask scaled by `value`).
    public mutating func fillBernoulliMask(_ mask: UnsafeMutableBufferPointer<Float>, probability: Double, value: Float = 1) {
        precondition((0...1).contains(probability), "probability must be in [0, 1], got \(probability)")
        withGenerator { g in
            for i in mask.indices { mask[i] = gsl_rng_uniform(g) < probability ? value : 0 }
        }
    }

    /// `count` values, each 1 with probability `probability` and 0 otherwise.
    public mutating func bernoulliMask(count: Int, probability: Double) -> [Float] {
        var mask = [Float](repeating: 0, count: count)
        mask.withUnsafeMutableBufferPointer { fillBernoulliMask($0, probability: probability) }
        return mask
    }

    // MARK: - Continuous

    /// A draw from N(mean, standardDeviation²) (GSL's ziggurat method).
    public mutating func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        mean + withGenerator { gsl_ran_gaussian_ziggurat($0, standardDeviation) }
    }

    /// A draw from Student's t with `degreesOfFreedom` ν (GSL `gsl_ran_tdist`).
    public mutating func studentT(degreesOfFreedom: Double) -> Double {
        withGenerator { gsl_ran_tdist($0, degreesOfFreedom) }
    }

    /// A draw from Laplace(0, scale) (GSL `gsl_ran_laplace`).
    public mutating func laplace(scale: Double) -> Double { withGenerator { gsl_ran_laplace($0, scale) } }

    /// A draw from Gamma(shape α, scale θ), density ∝ x^(α−1) e^(−x/θ) (GSL `gsl_ran_gamma`, Marsaglia–Tsang).
    public mutating func gamma(shape: Double, scale: Double) -> Double {
        withGenerator { gsl_ran_gamma($0, shape, scale) }
    }

    /// A draw from LogNormal: exp(N(ζ, σ²)) (GSL `gsl_ran_lognormal`).
    public mutating func logNormal(logMean zeta: Double, logStandardDeviation sigma: Double) -> Double {
        withGenerator { gsl_ran_lognormal($0, zeta, sigma) }
    }

    /// A draw from Beta(α, β) (GSL `gsl_ran_beta`).
    public mutating func beta(_ alpha: Double, _ beta: Double) -> Double {
        withGenerator { gsl_ran_beta($0, alpha, beta) }
    }

    // MARK: - Discrete

    /// 1 with probability p, else 0 (GSL `gsl_ran_bernoulli`).
    public mutating func bernoulli(probability p: Double) -> Int {
        Int(withGenerator { gsl_ran_bernoulli($0, p) })
    }

    /// A draw from Binomial(trials, p) (GSL `gsl_ran_binomial`; trials < 2³²).
    public mutating func binomial(trials: Int, probability p: Double) -> Int {
        precondition(trials >= 0 && trials <= Int(UInt32.max), "binomial trials must be in 0...\(UInt32.max), got \(trials)")
        return Int(withGenerator { gsl_ran_binomial($0, p, UInt32(trials)) })
    }

    /// A draw from Poisson(mean) (GSL `gsl_ran_poisson`; its counts are 32-bit, so the
    /// families draw large means through `poissonDraw`).
    public mutating func poisson(mean: Double) -> Int { Int(withGenerator { gsl_ran_poisson($0, mean) }) }

    /// The failures before the `successes`-th success with success probability p, as GSL's
    /// `gsl_ran_negative_binomial(p, n)` (a gamma–Poisson mixture; `successes` need not be whole).
    public mutating func negativeBinomial(successProbability p: Double, successes n: Double) -> Int {
        Int(withGenerator { gsl_ran_negative_binomial($0, p, n) })
    }

    // MARK: - Orderings

    /// Shuffles `array` in place (Fisher–Yates).
    public mutating func shuffle<Element>(_ array: inout [Element]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, integer(in: 0..<(i + 1)))
        }
    }

    /// A uniformly random ordering of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }
}
