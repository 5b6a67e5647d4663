#!/usr/bin/env python3
"""Reference values for the Distributions tests, from scipy.stats / scipy.special.

Run from this folder:  python3 generate_reference.py   (writes reference.json)

Every parameter and evaluation point is first rounded to float32, so the Swift side (which
stores tensors in Float32) evaluates exactly the same inputs; the references themselves
are computed in double precision by scipy. Non-finite numbers are written as the strings
"inf", "-inf" and "nan" (JSON has no literal for them).

Families scipy lacks are computed here from their definitions with scipy's building blocks:
the zero-inflated Poisson from poisson.pmf/cdf, mixtures by log-sum-exp, weighted cdfs and
brentq on the mixture cdf, categorical entropy with scipy.special.entr.
"""
import json
import math

import mpmath
import numpy as np
from scipy import optimize, special, stats

F = lambda v: float(np.float32(v))
PROBS = [1e-10, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.77, 0.9, 0.999, 0.999999]


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def pairs(xs, f):
    xs = [F(x) for x in xs]
    return [[num(x), num(f(x))] for x in xs]


cases = []


def add(family, params, dist, xs, cdf_xs=None, probs=PROBS, entropy=True, discrete=False):
    params = {k: ([F(x) for x in v] if isinstance(v, list) else F(v)) for k, v in params.items()}
    d = dist(params)
    logpdf = d.logpmf if discrete else d.logpdf
    case = {
        "family": family,
        "params": params,
        "logpdf": pairs(xs, logpdf),
        "cdf": pairs(cdf_xs if cdf_xs is not None else xs, d.cdf),
        "quantile": pairs(probs, d.ppf),
        "mean": num(d.mean()),
        "variance": num(d.var()),
    }
    if entropy:
        case["entropy"] = num(d.entropy())
    cases.append(case)


def integer_ppf(cdf, q, guess):
    """The smallest integer k ≥ 0 with cdf(k) ≥ q, by doubling from `guess` and bisection
    (a linear walk would not end at rates like 1e12)."""
    k = max(0, int(guess)) if math.isfinite(guess) else 0
    lo, hi, step = k - 1, k, 1
    if cdf(k) >= q:
        while lo >= 0 and cdf(lo) >= q:
            hi, step = lo, step * 2
            lo = hi - step
        lo = max(lo, -1)
    else:
        lo, hi = k, k + 1
        while cdf(hi) < q:
            lo, step = hi, step * 2
            hi = lo + step
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if cdf(mid) >= q:
            hi = mid
        else:
            lo = mid
    return hi


def summed_entropy(logpmf, mean, sd, lo=0):
    """−Σₖ p(k) ln p(k) over mean ± 60 sd by direct summation (numpy, fsum); where sd > 1000
    the terms are smooth on the scale of sd and the sum is the trapezoidal rule of step h =
    ⌊sd/100⌋ (exponentially accurate for a smooth, decaying summand): an independent check of
    the asymptotic series the Swift side uses."""
    lo = max(lo, math.floor(mean - 60 * sd))
    hi = math.ceil(mean + 60 * sd + 60)
    step = max(1, math.floor(sd / 100))
    k = np.arange(lo, hi + 1, step, dtype=np.float64)
    lp = logpmf(k)
    terms = np.where(np.isfinite(lp), -np.exp(lp) * lp, 0.0)
    zero = 0.0
    if lo > 0:  # k = 0 on its own (a zero-inflated count's structural zeros)
        lp0 = logpmf(np.array([0.0]))[0]
        zero = -math.exp(lp0) * lp0 if math.isfinite(lp0) else 0.0
    return math.fsum(terms) * step + zero


Z = [-30, -8, -3, -1, 0, 0.5, 2, 8, 30]
for loc, scale in [(0, 1), (3.5, 0.01), (-20, 100), (1000, 2.5), (0.3, 37)]:
    xs = [loc + scale * z for z in Z]
    add("normal", {"loc": loc, "scale": scale},
        lambda p: stats.norm(p["loc"], p["scale"]), xs)
    add("normal-logscale", {"loc": loc, "logScale": math.log(scale)},
        lambda p: stats.norm(p["loc"], math.exp(p["logScale"])), xs, probs=PROBS[2:-2])

for loc, scale in [(0, 1), (2, 0.01), (-1, 2.5), (0.5, 0.3)]:
    xs = [-1, 0] + [math.exp(loc + scale * z) for z in [-8, -3, -1, 0, 0.5, 2, 8]]
    add("lognormal", {"loc": loc, "scale": scale},
        lambda p: stats.lognorm(s=p["scale"], scale=math.exp(p["loc"])), xs)

for df, loc, scale in [(1, 0, 1), (2.5, 1, 0.01), (30, -5, 10), (100, 0, 100), (4, 2, 0.5)]:
    xs = [loc + scale * z for z in [-1000, -30, -3, -1, 0, 0.7, 2, 30, 1000]]
    add("studentt", {"df": df, "loc": loc, "scale": scale},
        lambda p: stats.t(p["df"], p["loc"], p["scale"]), xs)
    # scipy reports +inf for the mean at df ≤ 1; it does not exist (NaN, as in torch).
    if df <= 1:
        cases[-1]["mean"] = "nan"

for loc, scale in [(0, 1), (3, 0.01), (-10, 100)]:
    xs = [loc + scale * z for z in [-40, -3, -0.5, 0, 0.25, 2, 40]]
    add("laplace", {"loc": loc, "scale": scale},
        lambda p: stats.laplace(p["loc"], p["scale"]), xs)

# (0.1, 1), (0.05, 3), (0.01, 1): GSL's inverse fails (NaN) below α ≈ 0.13; (1e6, 1): Temme's
# expansion of the incomplete gamma function.
for conc, rate in [(0.5, 1), (1, 0.01), (3, 100), (100, 2), (7.5, 0.5), (1, 1), (0.1, 1), (0.05, 3), (0.01, 1),
                   (1e6, 1)]:
    m = conc / rate
    sd = math.sqrt(conc) / rate
    xs = [-1, m * 1e-4, m * 0.1, m, m + sd, m + 5 * sd, m + 20 * sd]
    probs = PROBS + [0.05] if conc < 0.2 else PROBS
    add("gamma", {"concentration": conc, "rate": rate},
        lambda p: stats.gamma(p["concentration"], scale=1 / p["rate"]), xs, probs=probs)

# (5, 0.05), (0.05, 5), (0.02, 0.03): GSL's inverse fails at extreme shapes.
for a, b in [(0.5, 0.5), (1, 1), (2, 5), (100, 30), (1, 3), (0.8, 12), (5, 0.05), (0.05, 5), (0.02, 0.03)]:
    xs = [-0.5, 1e-6, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-6, 1.5]
    if a == 1 and b == 1:
        xs += [0, 1]
    add("beta", {"alpha": a, "beta": b}, lambda p: stats.beta(p["alpha"], p["beta"]), xs)

BERNOULLI_X = [0, 1, 0.5, 2, -1]
# ℓ = 20, 30: 1 − p = σ(−ℓ) is 2e-9, 9e-14, where 1 − σ(ℓ) in Float is 0.
for logit in [-1e4, -30, -3, 0, 2, 20, 30, 1e4]:
    add("bernoulli", {"logits": logit},
        lambda p: stats.bernoulli(special.expit(p["logits"])), BERNOULLI_X,
        cdf_xs=[-1, 0, 0.5, 1, 2], probs=PROBS[1:-1], discrete=True)
    # From logits the log-mass is log σ(±ℓ) (scipy.special.log_expit), finite where σ(ℓ)
    # underflows; bernoulli.logpmf would say −inf there.
    lf = F(logit)
    cases[-1]["logpdf"] = [[num(F(x)), num(special.log_expit(lf) if x == 1 else special.log_expit(-lf) if x == 0 else -math.inf)]
                           for x in BERNOULLI_X]
for prob in [0, 0.3, 0.999, 1]:
    add("bernoulli-probs", {"probs": prob}, lambda p: stats.bernoulli(p["probs"]), BERNOULLI_X,
        cdf_xs=[-1, 0, 0.5, 1, 2], probs=PROBS[1:-1], discrete=True)


def categorical_case(family, params, probs, log_probs=None):
    """A categorical has no scipy class: log-mass (scipy.special.log_softmax for logits),
    mean and variance of the index by hand."""
    probs = np.asarray(probs, dtype=np.float64)
    k = np.arange(len(probs))
    with np.errstate(divide="ignore"):
        logp = np.log(probs) if log_probs is None else log_probs
    xs = list(range(len(probs))) + [-1, 0.5, len(probs)]
    lp = [num(logp[int(x)]) if (x >= 0 and x < len(probs) and x == int(x)) else "-inf" for x in xs]
    mean = float((k * probs).sum())
    cases.append({
        "family": family, "params": params,
        "logpdf": [[num(x), v] for x, v in zip(xs, lp)],
        "mean": mean, "variance": float((probs * (k - mean) ** 2).sum()),
        "entropy": float(special.entr(probs).sum()),
    })


# [1e4 + 3, 1e4, 1e4 − 5]: the log-softmax keeps (x − max) exact; [30, 0]: the variance is
# p(1 − p) ≈ 9.4e-14, where E[k²] − E[k]² in Float cancels to 0 or below.
for logits in [[0, 0, 0], [1e4, -1e4, 0], [-2, 0.5, 3, 1], [-30, 30], [1e4 + 3, 1e4, 1e4 - 5], [0, -30]]:
    logits = [F(x) for x in logits]
    lg = np.asarray(logits, dtype=np.float64)
    categorical_case("categorical", {"logits": logits}, np.exp(lg - special.logsumexp(lg)),
                     log_probs=special.log_softmax(lg))
for probs in [[0.2, 0.3, 0.5], [0, 1, 0, 0], [0.25, 0.25, 0.5]]:
    probs = [F(x) for x in probs]
    categorical_case("categorical-probs", {"probs": probs}, np.asarray(probs) / np.sum(probs))

for rate in [0.01, 1, 7.5, 100, 42.3]:
    sd = math.sqrt(rate)
    top = math.floor(rate + 10 * sd + 10)
    xs = [0, 1, 2, math.floor(rate), math.floor(rate + 3 * sd), top, 2.5, -1]
    add("poisson", {"rate": rate}, lambda p: stats.poisson(p["rate"]), xs, probs=PROBS[1:-1], discrete=True)
    add("poisson-lograte", {"logRate": math.log(rate)}, lambda p: stats.poisson(math.exp(p["logRate"])), xs,
        probs=PROBS[2:-2], discrete=True)

# Extreme but legal rates: bounded-time cdf, quantile and sampler; the entropy by summation
# (scipy's own entropy gives up there: 0.146 at 1e9 where the truth is 11.78).
# scipy's poisson.logpmf cancels terms of size λ there (off by 1e-2 at 1e12) and its ppf gives
# NaN, so the log-mass is evaluated in 40-digit arithmetic (mpmath) and the quantile by integer
# search on scipy's cdf (its regularised incomplete gamma function stays accurate).
mpmath.mp.dps = 40


def poisson_logpmf_exact(k, rate):
    k = np.atleast_1d(np.asarray(k, dtype=np.float64))
    out = [float(mpmath.mpf(x) * mpmath.log(rate) - rate - mpmath.loggamma(mpmath.mpf(x) + 1))
           if x >= 0 and x == math.floor(x) else -math.inf for x in k]
    return np.array(out)


def large_poisson_case(family, params, rate, logpdf_rate=None):
    logpdf_rate = rate if logpdf_rate is None else logpdf_rate
    sd = math.sqrt(rate)
    xs = [F(x) for x in [0, math.floor(rate - 8 * sd), math.floor(rate - 2 * sd), math.floor(rate),
                         math.floor(rate + 3 * sd), math.floor(rate + 9 * sd)]]
    cdf = lambda k: stats.poisson.cdf(k, rate)
    cases.append({
        "family": family, "params": params,
        "logpdf": [[num(x), num(poisson_logpmf_exact(x, logpdf_rate)[0])] for x in xs],
        "cdf": [[num(x), num(cdf(x))] for x in xs],
        "quantile": [[num(F(q)), num(integer_ppf(cdf, F(q), rate))] for q in PROBS[1:-1]],
        "mean": rate, "variance": rate,
        "entropy": summed_entropy(lambda k: poisson_logpmf_exact(k, rate), rate, sd),
    })


for rate in [3e5, 1e7, 1e9, 1e12]:
    large_poisson_case("poisson", {"rate": F(rate)}, F(rate))
# The Swift side forms λ = exp(η) in Double from the Float32 η (every element's kernel does):
# the reference uses the same rate.
large_poisson_case("poisson-lograte", {"logRate": F(math.log(1e12))}, math.exp(F(math.log(1e12))))

for r, prob in [(1, 0.5), (0.5, 0.1), (10, 0.9), (100, 0.3), (3.7, 0.62), (100, 0.999), (5, 1 - 1e-7), (1e6, 0.3)]:
    m = r * prob / (1 - prob)
    sd = math.sqrt(r * prob) / (1 - prob)
    xs = [0, 1, math.floor(m), math.floor(m + 3 * sd), math.floor(m + 10 * sd + 10), 1.5, -2]
    add("negbinomial", {"totalCount": r, "probs": prob},
        lambda p: stats.nbinom(p["totalCount"], 1 - p["probs"]), xs, probs=PROBS[1:-1], discrete=True,
        entropy=m < 1e4)
    if m >= 1e4 and m < 1e6:
        rr, pp = F(r), F(prob)
        mm, ss = rr * pp / (1 - pp), math.sqrt(rr * pp) / (1 - pp)
        cases[-1]["entropy"] = summed_entropy(lambda k: stats.nbinom.logpmf(k, rr, 1 - pp), mm, ss)


def zip_case(rate, gate):
    rate, gate = F(rate), F(gate)
    pois = stats.poisson(rate)

    def logpmf(k):
        if k < 0 or k != math.floor(k):
            return -math.inf
        if k == 0:
            return math.log(gate + (1 - gate) * math.exp(-rate))
        return math.log1p(-gate) + (pois.logpmf(k) if rate < 1e4 else poisson_logpmf_exact(k, rate)[0])

    def cdf(x):
        return 0.0 if x < 0 else gate + (1 - gate) * pois.cdf(x)

    def ppf(q):
        if q <= gate:
            return 0
        return integer_ppf(cdf, q, pois.ppf((q - gate) / (1 - gate)))

    sd = math.sqrt(rate)
    xs = [0, 1, 2, math.floor(rate), math.floor(rate + 3 * sd), 3.5, -1]
    xs = [F(x) for x in xs]
    cases.append({
        "family": "zip", "params": {"rate": rate, "gate": gate},
        "logpdf": [[num(x), num(logpmf(x))] for x in xs],
        "cdf": [[num(x), num(cdf(x))] for x in xs],
        "quantile": [[num(F(q)), num(ppf(F(q)))] for q in PROBS[1:-1]],
        "mean": (1 - gate) * rate, "variance": (1 - gate) * rate * (1 + gate * rate),
        "entropy": summed_entropy(lambda k: np.array([logpmf(float(x)) for x in k]) if rate < 1e4 else
                                  np.where(k == 0, logpmf(0.0), math.log1p(-gate) + poisson_logpmf_exact(k, rate)),
                                  rate, math.sqrt(rate)),
    })


for rate, gate in [(3, 0.2), (100, 0.5), (0.01, 0.9), (5, 0), (12, 1e-3), (1e9, 0.3), (1e12, 0.5)]:
    zip_case(rate, gate)


def mixture_case(family, params, components, weights, xs, discrete):
    weights = np.asarray(weights, dtype=np.float64) / np.sum(weights)

    def logpdf(x):
        terms = [(c.logpmf(x) if discrete else c.logpdf(x)) for c in components]
        return special.logsumexp(np.log(weights) + np.array(terms))

    def cdf(x):
        return float(sum(w * c.cdf(x) for w, c in zip(weights, components)))

    def ppf(q):
        qs = [c.ppf(q) for c in components]
        lo, hi = min(qs), max(qs)
        if discrete:
            return integer_ppf(cdf, q, lo)
        if lo == hi:
            return lo
        return optimize.brentq(lambda x: cdf(x) - q, lo, hi, xtol=1e-13, rtol=1e-13)

    means = np.array([c.mean() for c in components])
    variances = np.array([c.var() for c in components])
    mean = float((weights * means).sum())
    variance = float((weights * (variances + (means - mean) ** 2)).sum())
    xs = [F(x) for x in xs]
    probs = PROBS[2:-1]
    cases.append({
        "family": family, "params": params,
        "logpdf": [[num(x), num(logpdf(x))] for x in xs],
        "cdf": [[num(x), num(cdf(x))] for x in xs],
        "quantile": [[num(F(q)), num(ppf(F(q)))] for q in probs],
        "mean": mean, "variance": variance,
    })


loc, scale, w = [F(0), F(3), F(-2)], [F(1), F(0.5), F(2)], [F(0.2), F(0.5), F(0.3)]
mixture_case("mixture-normal", {"loc": loc, "scale": scale, "weights": w},
             [stats.norm(l, s) for l, s in zip(loc, scale)], w, [-40, -5, -1, 0, 1.5, 3, 3.2, 10, 50], False)
rates, w = [F(1), F(10), F(30)], [F(1), F(1), F(1)]
mixture_case("mixture-poisson", {"rate": rates, "weights": w},
             [stats.poisson(r) for r in rates], w, [0, 1, 5, 10, 20, 30, 60, 0.5, -1], True)
rates, w = [F(1e10), F(1e12)], [F(1), F(3)]
mixture_case("mixture-poisson", {"rate": rates, "weights": w},
             [stats.poisson(r) for r in rates], w, [0, 1e10, 1e12, 2e12], True)
mix_w = np.asarray(w) / np.sum(w)
cases[-1]["logpdf"] = [[x, num(special.logsumexp(np.log(mix_w) + np.array([poisson_logpmf_exact(x, r)[0] for r in rates])))]
                       for x, _ in cases[-1]["logpdf"]]

xs = [F(x) for x in [1e-3, 0.1, 0.5, 1, 2.5, 10, 100, 1e4]]
neg = [F(x) for x in [-1e4, -40, -10, -3, -1, 0, 1, 3, 8, 1e4]]
special_values = {
    "logGamma": [[x, num(special.gammaln(x))] for x in xs + [F(-2.5)]],
    "digamma": [[x, num(special.digamma(x))] for x in xs],
    "trigamma": [[x, num(special.polygamma(1, x))] for x in xs],
    "erf": [[x, num(special.erf(x))] for x in neg[2:-1]],
    "erfc": [[x, num(special.erfc(x))] for x in neg[2:-1]],
    "logNormalCDF": [[x, num(special.log_ndtr(x))] for x in neg],
    "logBeta": [[a, b, num(special.betaln(a, b))] for a, b in [(0.5, 0.5), (1, 1), (2.5, 7), (100, 30), (1e-3, 5)]],
}

with open("reference.json", "w") as f:
    json.dump({"generator": "generate_reference.py (scipy " + __import__("scipy").__version__ + ")",
               "cases": cases, "special": special_values}, f, indent=1)
print(f"{len(cases)} cases")
