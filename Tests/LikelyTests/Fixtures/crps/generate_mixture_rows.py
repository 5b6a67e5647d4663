"""Reference values for MixtureRows (the continuous predictive's quantiles and CRPS), from scipy.

For each continuous family, three rows of an equal-weight mixture of T = 30 members (parameters
drawn at random, then rounded to float32, the precision of Likely's tensors): the quantiles at
the eight levels `likely evaluate` uses, by brentq on the mixture cdf to 1e-14 relative, and the
CRPS at four observations per row (the row's median, its 0.99 quantile, and two far outside),
as scipy.integrate.quad of ∫ (F(x) − 1{x ≥ y})² dx split at y and at the members' quantiles.

Run: python3 generate_mixture_rows.py > mixture_rows.json
"""
import json

import numpy as np
from scipy import integrate, optimize, stats

T = 30
LEVELS = [0.025, 0.05, 0.1, 0.25, 0.75, 0.9, 0.95, 0.975]
rng = np.random.default_rng(33)
f32 = lambda a: np.asarray(a, dtype=np.float32).astype(np.float64)


def family_rows(name):
    """Three rows: a tight predictive, a wider one, and one with members spread far apart."""
    rows = []
    for spread in (0.05, 0.5, 2.0):
        if name == "normal":
            p = {"loc": rng.normal(1, spread, T), "scale": 0.5 * np.exp(rng.normal(0, 0.2, T))}
        elif name == "laplace":
            p = {"loc": rng.normal(-1, spread, T), "scale": 0.7 * np.exp(rng.normal(0, 0.2, T))}
        elif name == "studentt":
            p = {"df": 1 + np.log1p(np.exp(rng.normal(1.0, 1.0, T))) + 0.5, "loc": rng.normal(0, spread, T),
                 "scale": np.exp(rng.normal(0, 0.2, T))}
        elif name == "lognormal":
            p = {"loc": rng.normal(1, spread, T), "scale": 0.4 * np.exp(rng.normal(0, 0.3, T))}
        elif name == "gamma":
            p = {"concentration": np.exp(rng.normal(np.log(2), 0.3 + spread, T)),
                 "rate": np.exp(rng.normal(0, spread, T))}
        else:
            p = {"alpha": np.exp(rng.normal(np.log(2), 0.2 + spread / 2, T)),
                 "beta": np.exp(rng.normal(np.log(4), 0.2 + spread / 2, T))}
        rows.append({k: f32(v) for k, v in p.items()})
    return rows


def frozen(name, p):
    if name == "normal":
        return stats.norm(p["loc"], p["scale"])
    if name == "laplace":
        return stats.laplace(p["loc"], p["scale"])
    if name == "studentt":
        return stats.t(p["df"], p["loc"], p["scale"])
    if name == "lognormal":
        return stats.lognorm(p["scale"], scale=np.exp(p["loc"]))
    if name == "gamma":
        return stats.gamma(p["concentration"], scale=1 / p["rate"])
    return stats.beta(p["alpha"], p["beta"])


def quantile(d, level, lo, hi):
    return optimize.brentq(lambda x: np.mean(d.cdf(x)) - level, lo, hi, xtol=1e-300, rtol=1e-15, maxiter=500)


def crps(d, y, knots, support):
    F = lambda x: float(np.mean(d.cdf(x)))
    S = lambda x: float(np.mean(d.sf(x)))   # 1 − F without cancellation
    inside = sorted(k for k in knots if support[0] < k < support[1])
    below = [k for k in inside if k < y] + [y]
    above = [y] + [k for k in inside if k > y]
    total = 0.0
    # Left of y: F²; right of y: (1 − F)² (from the survival function); infinite ends where the support is unbounded.
    ends_low = [support[0]] + below
    for a, b in zip(ends_low[:-1], ends_low[1:]):
        if b > a:
            total += integrate.quad(lambda x: F(x) ** 2, a, b, limit=400, epsabs=0, epsrel=1e-12)[0]
    ends_high = above + [support[1]]
    for a, b in zip(ends_high[:-1], ends_high[1:]):
        if b > a:
            total += integrate.quad(lambda x: S(x) ** 2, a, b, limit=400, epsabs=0, epsrel=1e-12)[0]
    return total


out = {}
for name in ["normal", "laplace", "studentt", "lognormal", "gamma", "beta"]:
    cases = []
    for p in family_rows(name):
        d = frozen(name, p)
        lo, hi = float(np.min(d.ppf(1e-6))), float(np.max(d.ppf(1 - 1e-6)))
        q = [quantile(d, level, lo, hi) for level in LEVELS]
        support = {"lognormal": (0, np.inf), "gamma": (0, np.inf), "beta": (0, 1)}.get(name, (-np.inf, np.inf))
        median = quantile(d, 0.5, lo, hi)
        width = hi - lo
        ys = [median, quantile(d, 0.99, lo, hi)]
        if support[1] == 1:
            ys += [float(np.min(d.ppf(1e-4))) * 0.5, 1 - (1 - float(np.max(d.ppf(1 - 1e-4)))) * 0.5]
        elif support[0] == 0:
            ys += [float(np.min(d.ppf(1e-4))) * 0.5, hi + width]
        else:
            ys += [lo - width, hi + width]
        knots = [float(v) for level in [1e-6, 0.01, 0.1, 0.5, 0.9, 0.99, 1 - 1e-6] for v in (np.min(d.ppf(level)), np.max(d.ppf(level)))]
        scores = [crps(d, y, knots, support) for y in ys]
        cases.append({"parameters": {k: v.tolist() for k, v in p.items()}, "levels": LEVELS, "quantiles": q,
                      "observations": ys, "crps": scores})
    out[name] = cases
print(json.dumps(out, indent=1))
