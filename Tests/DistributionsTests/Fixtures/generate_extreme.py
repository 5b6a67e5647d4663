#!/usr/bin/env python3
"""Reference values at extreme but legal parameters, from scipy.stats (boost's incomplete beta
for the negative binomial). Run from this folder:  python3 generate_extreme.py  (writes extreme.json)

Parameters and points are rounded to float32 first, as the Swift side stores them.
"""
import json
import math

import mpmath
import numpy as np
from scipy import stats

mpmath.mp.dps = 50

F = lambda v: float(np.float32(v))

negbinomial = []
for r, p in [(1e9, 0.5), (2e9, 0.3), (1e10, 0.9), (1e12, 0.5), (3e9, 0.01), (1e7, 0.2), (1e6, 0.5), (1e15, 0.001)]:
    r, p = F(r), F(p)
    d = stats.nbinom(r, 1 - p)
    m, s = d.mean(), d.std()
    for z in [-6, -3, -1, -0.2, 0, 0.3, 1, 3, 6]:
        k = math.floor(F(m + z * s))
        negbinomial.append({"total_count": r, "probs": p, "k": float(k), "cdf": float(d.cdf(k))})

# `likely dist` at extreme but legal points: values that Float cannot hold (a log-density of
# -5e59, a point of 1e100 or 1 - 1e-12, a count of 10^9 + 20000) and probabilities near 1.
# Each case: the family, its CLI options (Float-exact values), and [point, scipy value] pairs.
def dist_case(family, options, d, logpdf=(), cdf=(), quantile=(), discrete=False, lp=None):
    lp = lp or (d.logpmf if discrete else d.logpdf)
    return {"family": family, "options": options,
            "logpdf": [[x, float(lp(x))] for x in logpdf],
            "cdf": [[x, float(d.cdf(x))] for x in cdf],
            "quantile": [[q, float(d.ppf(q))] for q in quantile]}


dist = [
    dist_case("normal", ["--loc", "0", "--scale", "1"], stats.norm(0, 1),
              logpdf=[1e30, -1e100, 3e38, 1e150], cdf=[-30.0, 8.5], quantile=[1e-300, 1 - 1e-12, 1e-20]),
    dist_case("normal", ["--loc", "1000000", "--scale", "0.5"], stats.norm(1e6, 0.5),
              logpdf=[1e6 + 0.25, 1e6 - 1e40], cdf=[1e6 + 0.1, 1e6 - 3.0], quantile=[0.3, 1 - 1e-15]),
    dist_case("studentt", ["--df", "3", "--loc", "0", "--scale", "2"], stats.t(3, 0, 2),
              logpdf=[1e30, 1e100, -1e-30], cdf=[-1e30, 1e6], quantile=[1e-12, 1 - 1e-12],
              # scipy's logpdf overflows x² beyond 1e154; mpmath evaluates the same formula.
              lp=lambda x: float(mpmath.loggamma(2) - mpmath.loggamma(1.5) - 0.5 * mpmath.log(3 * mpmath.pi) - mpmath.log(2)
                                 - 2 * mpmath.log1p((mpmath.mpf(x) / 2) ** 2 / 3))),
    dist_case("laplace", ["--loc", "0", "--scale", "1"], stats.laplace(0, 1),
              logpdf=[1e100, -1e300, 1e-45], cdf=[-700.0, 30.0], quantile=[1e-300, 1 - 1e-15],
              # scipy's logpdf is -inf beyond |x| ~ 745 (it takes the log of the density): -|x| - ln 2.
              lp=lambda x: -abs(x) - math.log(2)),
    dist_case("lognormal", ["--loc", "0", "--scale", "1"], stats.lognorm(s=1, scale=1),
              logpdf=[1e-300, 1e300, 1e-50], cdf=[1e-300, 1e200], quantile=[1e-100, 1 - 1e-12]),
    dist_case("gamma", ["--concentration", "0.5", "--rate", "2"], stats.gamma(0.5, scale=0.5),
              logpdf=[1e-300, 1e-60, 1e10], cdf=[1e-300, 1e-50], quantile=[1e-100, 1 - 1e-13]),
    dist_case("beta", ["--alpha", "2", "--beta", "0.5"], stats.beta(2, 0.5),
              logpdf=[1 - 1e-12, 1e-300, 1 - 1e-15], cdf=[1e-200, 1 - 1e-12], quantile=[1e-100, 1 - 1e-10]),
    # scipy's logpmf at counts of 10^9 loses about 1e-6 to cancellation: mpmath at 50 digits.
    dist_case("poisson", ["--rate", "1000000000"], stats.poisson(1e9),
              logpdf=[1e9 + 20000, 1e9 - 12345, 123456789012.0], cdf=[1e9 + 20000, 1e9 - 12345], quantile=[1 - 1e-12, 1e-15],
              discrete=True, lp=lambda k: float(k * mpmath.log(10**9) - 10**9 - mpmath.loggamma(mpmath.mpf(k) + 1))),
    dist_case("negbinomial", ["--total-count", "10", "--probs", "0.5"], stats.nbinom(10, 0.5),
              logpdf=[16777217.0, 1e12], cdf=[1e5], quantile=[1 - 1e-12], discrete=True,
              lp=lambda k: float(mpmath.loggamma(mpmath.mpf(k) + 10) - mpmath.loggamma(mpmath.mpf(k) + 1) - mpmath.loggamma(10)
                                 + (10 + mpmath.mpf(k)) * mpmath.log(0.5))),
]

# Student's t and Gamma where GSL's algorithms or cancellation failed (issue 32), all in
# 60-digit mpmath: the t cdf through its tail ½ I_u(ν/2, ½) with u = ν/(ν + z²), the quantile by
# bisection of ln t against that tail, the Gamma entropy α − ln β + ln Γ(α) + (1 − α) ψ(α).
def t_logpdf(v, loc, scale):
    v, loc, scale = (mpmath.mpf(F(a)) for a in (v, loc, scale))
    return lambda x: float(mpmath.loggamma((v + 1) / 2) - mpmath.loggamma(v / 2) - mpmath.log(v * mpmath.pi) / 2
                           - mpmath.log(scale) - (v + 1) / 2 * mpmath.log1p(((mpmath.mpf(x) - loc) / scale) ** 2 / v))


def t_tail(v, t):   # P(T < -t) for t >= 0
    return mpmath.betainc(v / 2, mpmath.mpf(1) / 2, 0, v / (v + t * t), regularized=True) / 2


def t_cdf(v, loc, scale):
    v, loc, scale = (mpmath.mpf(F(a)) for a in (v, loc, scale))
    def cdf(x):
        z = (mpmath.mpf(x) - loc) / scale
        return float(t_tail(v, -z) if z < 0 else 1 - t_tail(v, z))
    return cdf


def t_quantile(v, loc, scale):
    v, loc, scale = (mpmath.mpf(F(a)) for a in (v, loc, scale))
    def quantile(p):
        p = mpmath.mpf(p)
        q, sign = (p, -1) if p < 0.5 else (1 - p, 1)
        lo, hi = mpmath.mpf(-50), mpmath.mpf(2000)   # ln t
        for _ in range(400):
            middle = (lo + hi) / 2
            lo, hi = (middle, hi) if t_tail(v, mpmath.exp(middle)) > q else (lo, middle)
        return float(loc + scale * sign * mpmath.exp((lo + hi) / 2))
    return quantile


def t_case(v, loc, scale, logpdf=(), cdf=(), quantile=()):
    options = ["--df", repr(F(v)), "--loc", repr(F(loc)), "--scale", repr(F(scale))]
    lp, c, qf = t_logpdf(v, loc, scale), t_cdf(v, loc, scale), t_quantile(v, loc, scale)
    return {"family": "studentt", "options": options, "logpdf": [[x, lp(x)] for x in logpdf],
            "cdf": [[x, c(x)] for x in cdf], "quantile": [[q, qf(q)] for q in quantile]}


def gamma_entropy_case(alpha, rate):
    a, b = mpmath.mpf(F(alpha)), mpmath.mpf(F(rate))
    entropy = a - mpmath.log(b) + mpmath.loggamma(a) + (1 - a) * mpmath.digamma(a)
    return {"family": "gamma", "options": ["--concentration", repr(F(alpha)), "--rate", repr(F(rate))],
            "logpdf": [], "cdf": [], "quantile": [], "entropy": float(entropy)}


mpmath.mp.dps = 60
tails = [
    t_case(0.05, 0, 1, cdf=[-1e100, -1e10, 5.0], quantile=[1e-12, 1e-3, 0.999]),
    t_case(1, 0, 1, logpdf=[1e200], cdf=[-1e200, 1e300, 0.5], quantile=[1e-12, 1e-300, 0.75, 1 - 1e-9]),
    t_case(1e12, 0, 1, logpdf=[0.0, 1.0, 3.0]),
    t_case(2.5, 1, 3, logpdf=[1e200, -1e308, 7.0], cdf=[-1e160, 1e200, -4.0], quantile=[1e-200, 0.2]),
    gamma_entropy_case(1e30, 1),
    gamma_entropy_case(1e5, 2),
    gamma_entropy_case(20000, 0.5),
    {"family": "gamma", "options": ["--concentration", repr(F(0.001)), "--rate", "1.0"], "logpdf": [], "quantile": [],
     "cdf": [[x, float(mpmath.gammainc(mpmath.mpf(F(0.001)), 0, x, regularized=True))] for x in [1e-46, 1e-300, 1e-12]]},
    {"family": "beta", "options": ["--alpha", repr(F(0.001)), "--beta", repr(F(0.001))], "logpdf": [], "quantile": [],
     "cdf": [[x, float(mpmath.betainc(mpmath.mpf(F(0.001)), mpmath.mpf(F(0.001)), 0, x, regularized=True))] for x in [1e-50, 1e-300]]},
    {"family": "beta", "options": ["--alpha", repr(F(0.001)), "--beta", "1000.0"], "logpdf": [], "cdf": [],
     "quantile": [[0.9, float(mpmath.exp(mpmath.findroot(lambda lx: mpmath.log(mpmath.betainc(mpmath.mpf(F(0.001)), 1000, 0, mpmath.exp(lx),
                                                                                     regularized=True)) - mpmath.log(0.9), -112)))]]},
]
mpmath.mp.dps = 50

# Normal mixtures: quantiles by numerical inversion of the mixture cdf in 50-digit arithmetic
# (the upper tail through the survival function), at levels whose Float cdf would round to 1.
def mixture_quantile(locs, scales, weights, p):
    locs, scales, weights = [F(v) for v in locs], [F(v) for v in scales], [F(v) for v in weights]
    total = sum(mpmath.mpf(w) for w in weights)
    def tail(x):
        x = mpmath.mpf(x)
        if p <= 0.5:
            return sum(mpmath.mpf(w) / total * mpmath.ncdf((x - m) / s) for m, s, w in zip(locs, scales, weights)) - p
        return (1 - mpmath.mpf(p)) - sum(mpmath.mpf(w) / total * (1 - mpmath.ncdf((x - m) / s)) for m, s, w in zip(locs, scales, weights))
    lo, hi = mpmath.mpf(min(locs) - 60 * max(scales)), mpmath.mpf(max(locs) + 60 * max(scales))
    for _ in range(200):   # bisection: tail is increasing in x
        middle = (lo + hi) / 2
        lo, hi = (lo, middle) if tail(middle) >= 0 else (middle, hi)
    return {"locs": locs, "scales": scales, "weights": weights, "p": p, "quantile": float((lo + hi) / 2)}


P_TOP = F(1 - 2**-24)   # the largest Float below 1
mixtures = [
    mixture_quantile([0, 3], [1, 1], [0.5, 0.5], P_TOP),
    mixture_quantile([0, 3], [1, 1], [0.5, 0.5], F(1 - 3e-7)),
    mixture_quantile([0, 3], [1, 1], [0.5, 0.5], F(1e-30)),
    mixture_quantile([-2, 5, 40], [0.5, 2, 10], [0.2, 0.5, 0.3], P_TOP),
    mixture_quantile([-2, 5, 40], [0.5, 2, 10], [0.2, 0.5, 0.3], F(0.999999)),
    mixture_quantile([1000, 1001], [0.01, 0.02], [0.7, 0.3], P_TOP),
]

# Negative binomial entropies by direct summation over ±40 sd. The log-pmf comes from its
# ratio recursion ln p(k+1) − ln p(k) = ln((k + r)/(k + 1)) + ln p from the mode, whose value
# is evaluated in 50-digit mpmath (scipy's gammaln differences lose ~1e-5 at k ~ 1e9).
def nb_entropy(r, p):
    r, p = F(r), F(p)
    m, s = r * p / (1 - p), math.sqrt(r * p) / (1 - p)
    k0 = math.floor(m)
    lo, hi = max(0, math.floor(m - 40 * s)), math.ceil(m + 40 * s)
    mp_r, mp_p = mpmath.mpf(r), mpmath.mpf(p)
    l0 = float(mpmath.loggamma(k0 + mp_r) - mpmath.loggamma(k0 + 1) - mpmath.loggamma(mp_r)
               + mp_r * mpmath.log1p(-mp_p) + k0 * mpmath.log(mp_p))
    up = np.arange(k0, hi, dtype=np.float64)            # steps k -> k + 1 above the mode
    down = np.arange(k0 - 1, lo - 1, -1, dtype=np.float64)  # steps k + 1 -> k below it
    step_up = np.log((up + r) / (up + 1)) + math.log(p)
    step_down = np.log((down + r) / (down + 1)) + math.log(p)
    lp = np.concatenate([l0 - np.cumsum(step_down)[::-1], [l0], l0 + np.cumsum(step_up)])
    return {"total_count": r, "probs": p, "entropy": float(-np.sum(np.exp(lp) * lp))}


entropies = [nb_entropy(r, p) for r, p in [(1e9, 0.5), (1e7, 0.9), (1e5, 0.01), (2000, 0.5), (3, 0.5)]]


def nb_entropy_small_r(r, p):
    """A small r with p near 1 (rp < 1000, means of 10^5 to 10^9): scipy's log-mass summed in
    chunks up to the mean + 60 sd, or, where that is over 3e8 terms, the Gamma(r, p/(1 - p))
    differential entropy, which the scaled count approaches (error O((1 - p)/p) for r >= 1)."""
    r, p = F(r), F(p)
    m, s = r * p / (1 - p), math.sqrt(r * p) / (1 - p)
    top = int(m + 60 * s)
    if top > 3e8:
        assert r >= 1
        return {"total_count": r, "probs": p, "entropy": float(stats.gamma(r, scale=p / (1 - p)).entropy()), "method": "gamma"}
    d, total = stats.nbinom(r, 1 - p), 0.0
    for start in range(0, top, 4_000_000):
        lp = d.logpmf(np.arange(start, min(top, start + 4_000_000), dtype=np.float64))
        total -= float(np.sum(np.exp(lp) * lp))
    return {"total_count": r, "probs": p, "entropy": total, "method": "sum"}


small_r_entropies = [nb_entropy_small_r(r, p) for r, p in
                     [(0.5, 0.999999), (0.1, 0.9999999), (2, 0.9999995), (900, 0.999), (200, 0.99999994)]]

with open("extreme.json", "w") as f:
    json.dump({"negbinomial_cdf": negbinomial, "dist": dist, "mixture_quantile": mixtures,
               "negbinomial_entropy": entropies, "negbinomial_entropy_small_r": small_r_entropies,
               "dist_tails": tails}, f, indent=1)
