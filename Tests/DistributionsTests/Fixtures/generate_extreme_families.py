#!/usr/bin/env python3
"""Every family of `likely dist` at extreme but legal parameters and points, in mpmath at 60
digits: logpdf, cdf, quantile, mean, variance and entropy. Run from this folder:

    python3 generate_extreme_families.py        (writes extreme_families.json)

Parameters and points are Doubles, written with repr (what `likely dist` parses). A value whose
true number is beyond the range of a Double (a log-density of -5e399, a variance of 1e600) is
`null` with the reason; a true number below the smallest Double rounds to 0, as float() gives.

Formulas are the textbook ones evaluated in arbitrary precision; quantiles are found by
bisection of the exact cdf (the upper tail for p > 1/2, so 1 - 1e-15 keeps its digits);
entropies of count families are sums over the support until the terms are below 1e-80.
"""
import json
import math

import mpmath
from mpmath import mpf

mpmath.mp.dps = 60
HUGE = mpf(2) ** 1024      # beyond the largest Double


def number(x, reason=None):
    """A fixture value: a float, or null with the reason when the true value is not a Double."""
    x = mpf(x) if not isinstance(x, mpf) else x
    if mpmath.isnan(x):
        return {"value": None, "reason": reason or "undefined"}
    if mpmath.isinf(x):
        return {"value": None, "reason": reason or ("+infinity" if x > 0 else "-infinity")}
    if abs(x) >= HUGE:
        return {"value": None, "reason": f"beyond the Double range: {mpmath.nstr(x, 8)}"}
    return {"value": float(x)}


def bisect(f, lo, hi, steps=400):
    """The u in [lo, hi] where the increasing f crosses 0."""
    lo, hi = mpf(lo), mpf(hi)
    for _ in range(steps):
        middle = (lo + hi) / 2
        if f(middle) >= 0:
            hi = middle
        else:
            lo = middle
    return (lo + hi) / 2


def continuous_quantile(cdf, sf, p, to_x, lo, hi, median=None):
    """x(u) with cdf(x) = p, bisecting on u (x = to_x(u) increasing); sf = 1 - cdf exactly. A
    symmetric family gives its centre as `median`, which bisection would reach only to ~1e-60."""
    p = mpf(p)
    if p == 0.5 and median is not None:
        return median
    if p <= 0.5:
        u = bisect(lambda u: cdf(to_x(u)) - p, lo, hi)
    else:
        u = bisect(lambda u: (1 - p) - sf(to_x(u)), lo, hi)
    return to_x(u)


def discrete_quantile(cdf, p, start=0):
    """The smallest integer k >= 0 with cdf(k) >= p (exponential search, then bisection)."""
    p = mpf(p)
    if cdf(0) >= p:
        return mpf(0)
    lo, step = mpf(0), mpf(1)
    hi = mpf(start) if start > 0 and cdf(start) >= p else lo + step
    while cdf(hi) < p:
        lo, step = hi, step * 2
        hi = lo + step
    while hi - lo > 1:
        middle = mpmath.floor((lo + hi) / 2)
        if cdf(middle) >= p:
            hi = middle
        else:
            lo = middle
    return hi


def discrete_entropy(logmass, start, stop):
    """-sum p ln p over k in [start, stop], the terms beyond being below 1e-80 by the caller's choice."""
    total = mpf(0)
    for k in range(int(start), int(stop) + 1):
        lp = logmass(mpf(k))
        if lp > -mpmath.inf:
            total -= mpmath.exp(lp) * lp
    return total


def case(family, options, logpdf=(), cdf=(), quantile=(), *, lp, F=None, Q=None, mean, variance, entropy,
         mean_reason=None, variance_reason=None):
    return {"family": family, "options": options,
            "logpdf": [[x, number(lp(mpf(x)))] for x in logpdf],
            "cdf": [[x, number(F(mpf(x)))] for x in cdf],
            "quantile": [[p, number(Q(p))] for p in quantile],
            "mean": number(mean, mean_reason), "variance": number(variance, variance_reason),
            "entropy": number(entropy)}


def opts(**kw):
    return [item for name, value in kw.items() for item in ("--" + name.replace("_", "-"), repr(float(value)))]


LOG2PI = mpmath.log(2 * mpmath.pi)
cases = []

# normal
def normal(mu, s, **points):
    mu, s = mpf(mu), mpf(s)
    lp = lambda x: -((x - mu) / s) ** 2 / 2 - mpmath.log(s) - LOG2PI / 2
    F = lambda x: mpmath.ncdf((x - mu) / s)
    sf = lambda x: mpmath.ncdf(-(x - mu) / s)
    Q = lambda p: continuous_quantile(F, sf, p, lambda u: mu + s * u, -60, 60, median=mu)
    cases.append(case("normal", opts(loc=mu, scale=s), lp=lp, F=F, Q=Q, mean=mu, variance=s * s,
                      entropy=mpf(1) / 2 + LOG2PI / 2 + mpmath.log(s), **points))


normal(0, 1, logpdf=[1e200, 1e150, -37.5, 0.0], cdf=[-38.0, -1e10, 8.5], quantile=[1e-300, 1e-20, 1 - 1e-12, 0.5])
normal(1e6, 1e-300, logpdf=[1e6], cdf=[1e6], quantile=[0.975, 0.025])
normal(-1e300, 1e300, logpdf=[0.0, 1e300], cdf=[0.0], quantile=[0.9])

# lognormal
def lognormal(mu, s, **points):
    mu, s = mpf(mu), mpf(s)
    lp = lambda x: (-((mpmath.log(x) - mu) / s) ** 2 / 2 - mpmath.log(s) - LOG2PI / 2 - mpmath.log(x)) if x > 0 else -mpmath.inf
    F = lambda x: mpmath.ncdf((mpmath.log(x) - mu) / s) if x > 0 else mpf(0)
    sf = lambda x: mpmath.ncdf(-(mpmath.log(x) - mu) / s) if x > 0 else mpf(1)
    Q = lambda p: continuous_quantile(F, sf, p, lambda u: mpmath.exp(mu + s * u), -60, 60, median=mpmath.exp(mu))
    cases.append(case("lognormal", opts(loc=mu, scale=s), lp=lp, F=F, Q=Q, mean=mpmath.exp(mu + s * s / 2),
                      variance=mpmath.expm1(s * s) * mpmath.exp(2 * mu + s * s),
                      entropy=mu + mpf(1) / 2 + LOG2PI / 2 + mpmath.log(s), **points))


lognormal(0, 1, logpdf=[1e-300, 1e300, 1e-50], cdf=[1e-300, 1e200], quantile=[1e-100, 1 - 1e-12])
lognormal(700, 0.1, logpdf=[1e304], quantile=[0.5])
lognormal(0, 40, logpdf=[1.0], quantile=[0.5, 0.999])
lognormal(-700, 1e-5, logpdf=[1e-304], cdf=[1e-304], quantile=[0.5])

# studentt
def t_tail(v, t):   # P(T < -t), t >= 0, through the incomplete beta (ncdf from nu = 1e10 on: relative error O(1/nu))
    if v >= 1e10:
        return mpmath.ncdf(-t) if t < 1e6 else mpf(0)      # below 1e-10^11 beyond
    return mpmath.betainc(v / 2, mpf(1) / 2, 0, v / (v + t * t), regularized=True) / 2


def studentt(v, mu, s, **points):
    v, mu, s = mpf(v), mpf(mu), mpf(s)
    def lp(x):
        z = (x - mu) / s
        return (mpmath.loggamma((v + 1) / 2) - mpmath.loggamma(v / 2) - mpmath.log(v * mpmath.pi) / 2 - mpmath.log(s)
                - (v + 1) / 2 * mpmath.log1p(z * z / v))
    def F(x):
        z = (x - mu) / s
        return t_tail(v, -z) if z < 0 else 1 - t_tail(v, z)
    def sf(x):
        z = (x - mu) / s
        return t_tail(v, z) if z > 0 else 1 - t_tail(v, -z)
    Q = lambda p: continuous_quantile(F, sf, p, lambda u: mu + s * mpmath.sinh(u), -800, 800, median=mu)
    if v > 1e20:
        entropy = (1 + LOG2PI) / 2 + mpmath.log(s) + 1 / v     # the O(1/nu) term of the expansion
    else:
        entropy = ((v + 1) / 2 * (mpmath.digamma((v + 1) / 2) - mpmath.digamma(v / 2))
                   + mpmath.log(v) / 2 + mpmath.log(mpmath.beta(v / 2, mpf(1) / 2)) + mpmath.log(s))
    mean = mu if v > 1 else mpmath.nan
    variance = s * s * v / (v - 2) if v > 2 else (mpmath.inf if v > 1 else mpmath.nan)
    cases.append(case("studentt", opts(df=v, loc=mu, scale=s), lp=lp, F=F, Q=Q, mean=mean, variance=variance,
                      entropy=entropy, mean_reason="undefined: the mean does not exist" if v <= 1 else None,
                      variance_reason=("+infinity: the variance diverges" if v > 1 else "undefined: the variance does not exist")
                      if v <= 2 else None, **points))


studentt(0.05, 0, 1, logpdf=[1e300, 0.0], cdf=[-1e100, -1e10, 5.0], quantile=[1e-12, 1e-3, 0.999])
studentt(1, 0, 1, logpdf=[1e200], cdf=[-1e200, 1e300, 0.5], quantile=[1e-12, 1e-300, 0.75, 1 - 1e-9])
studentt(1e12, 0, 1, logpdf=[0.0, 1.0, 3.0], cdf=[1.5], quantile=[0.975])
studentt(1e30, 0, 1, logpdf=[0.0, 2.0], cdf=[-3.0], quantile=[0.01])
studentt(2.5, 1, 3, logpdf=[1e200, -1e308, 7.0], cdf=[-1e160, 1e200, -4.0], quantile=[1e-200, 0.2])
studentt(3, 0, 1e-10, logpdf=[1e308, 1e-10], cdf=[1e308], quantile=[0.5])
studentt(1.5, 1e10, 1e-5, logpdf=[1e10 + 3e-5], cdf=[1e10 - 1e-5])

# laplace
def laplace(mu, b, **points):
    mu, b = mpf(mu), mpf(b)
    lp = lambda x: -mpmath.log(2 * b) - abs(x - mu) / b
    F = lambda x: mpmath.exp((x - mu) / b) / 2 if x < mu else 1 - mpmath.exp(-(x - mu) / b) / 2
    Q = lambda p: mu + b * mpmath.log(2 * mpf(p)) if p <= 0.5 else mu - b * mpmath.log(2 - 2 * mpf(p))
    cases.append(case("laplace", opts(loc=mu, scale=b), lp=lp, F=F, Q=Q, mean=mu, variance=2 * b * b,
                      entropy=1 + mpmath.log(2 * b), **points))


laplace(0, 1, logpdf=[1e300, -1e300, 1e-45], cdf=[-700.0, 30.0], quantile=[1e-300, 1 - 1e-15])
laplace(1e300, 1e300, logpdf=[0.0], cdf=[-1e300], quantile=[0.75])
laplace(0, 1e-300, logpdf=[0.0, 1e-298], quantile=[0.25])

# gamma
def gamma(a, rate, cdf_ok=True, **points):
    a, rate = mpf(a), mpf(rate)
    def lp(x):
        if x == 0 and a == 1:
            return mpmath.log(rate)                 # the density at 0 is the rate
        return (a * mpmath.log(rate) + (a - 1) * mpmath.log(x) - rate * x - mpmath.loggamma(a)) if x > 0 else -mpmath.inf
    def far(x):   # beyond 50 sd of a large shape the tail is below e^-1250: mpmath's series would not converge there
        t = rate * x
        return 1 if t > a + 50 * mpmath.sqrt(a) + 800 else (-1 if a > 1000 and t < a - 50 * mpmath.sqrt(a) else 0)
    def lower(t):   # P(a, t) = t^a e^-t / Gamma(a + 1) 1F1(1; a + 1; t), the series given room for a shape of 1e6
        if a < 1000:
            return mpmath.gammainc(a, 0, t, regularized=True)
        return mpmath.exp(a * mpmath.log(t) - t - mpmath.loggamma(a + 1)) * mpmath.hyp1f1(1, a + 1, t, maxterms=10**6)
    F = lambda x: mpf(0) if x <= 0 or far(x) < 0 else (mpf(1) if far(x) > 0 else lower(rate * x))
    sf = lambda x: mpf(1) if x <= 0 or far(x) < 0 else (mpf(0) if far(x) > 0 else
                                                        mpmath.gammainc(a, rate * x, mpmath.inf, regularized=True) if a < 1000 else 1 - lower(rate * x))
    Q = lambda p: continuous_quantile(F, sf, p, lambda u: mpmath.exp(u) / rate, -2000, 800)
    entropy = a - mpmath.log(rate) + mpmath.loggamma(a) + (1 - a) * mpmath.digamma(a)
    cases.append(case("gamma", opts(concentration=a, rate=rate), lp=lp, F=F, Q=Q, mean=a / rate, variance=a / rate ** 2,
                      entropy=entropy, **points))


gamma(0.001, 1, logpdf=[1e-300, 1.0], cdf=[1e-46, 1e-300, 1e-12], quantile=[0.9, 0.5])
gamma(0.5, 2, logpdf=[1e-300, 1e-60, 1e10], cdf=[1e-300, 1e-50], quantile=[1e-100, 1 - 1e-13])
gamma(1e30, 1, logpdf=[1e30, 1e30 + 1e15])
gamma(1e6, 1e6, logpdf=[1.0], cdf=[1.001, 0.99], quantile=[0.5, 1e-10])
gamma(1, 1e-300, logpdf=[0.0, 1e300], cdf=[1e300], quantile=[0.5])

# beta
def beta(a, b, **points):
    a, b = mpf(a), mpf(b)
    lb = mpmath.log(mpmath.beta(a, b))
    lp = lambda x: ((a - 1) * mpmath.log(x) + (b - 1) * mpmath.log1p(-x) - lb) if 0 < x < 1 else -mpmath.inf
    F = lambda x: mpmath.betainc(a, b, 0, x, regularized=True)
    sf = lambda x: mpmath.betainc(a, b, x, 1, regularized=True)
    Q = lambda p: continuous_quantile(F, sf, p, lambda u: 1 / (1 + mpmath.exp(-u)), -3000, 800)
    s = a + b
    entropy = lb - (a - 1) * mpmath.digamma(a) - (b - 1) * mpmath.digamma(b) + (s - 2) * mpmath.digamma(s)
    cases.append(case("beta", opts(alpha=a, beta=b), lp=lp, F=F, Q=Q, mean=a / s, variance=a * b / (s * s * (s + 1)),
                      entropy=entropy, **points))


beta(0.001, 0.001, logpdf=[0.5, 1e-300], cdf=[1e-50, 1e-300, 0.5], quantile=[0.25, 0.75])
beta(0.001, 1000, cdf=[1e-46], quantile=[0.9])
beta(2, 0.5, logpdf=[1 - 1e-12, 1e-300, 1 - 1e-15], cdf=[1e-200, 1 - 1e-12], quantile=[1e-100, 1 - 1e-10])
beta(1e5, 1e5, logpdf=[0.5, 0.501])   # mpmath's betainc does not converge at these shapes

# poisson
def poisson(rate, entropy_terms, cdf_points=(), **points):
    lam = mpf(rate)
    lp = lambda k: (k * mpmath.log(lam) - lam - mpmath.loggamma(k + 1)) if lam > 0 else (mpf(0) if k == 0 else -mpmath.inf)
    F = lambda k: mpmath.gammainc(mpmath.floor(k) + 1, lam, mpmath.inf, regularized=True) if k >= 0 else mpf(0)
    Q = lambda p: mpmath.inf if p == 1 and lam > 0 else discrete_quantile(F, p, start=max(0, int(lam)))
    c = case("poisson", opts(rate=lam), lp=lp, F=F, Q=Q, cdf=cdf_points, mean=lam, variance=lam,
             entropy=discrete_entropy(lp, *entropy_terms) if entropy_terms else 0, **points)
    if not entropy_terms:
        c["entropy"] = None
    cases.append(c)


# No summed entropy at 1e12 (8e7 terms): the Poisson entropy is checked at 1e5, 1e-300 and 0.
poisson(1e-300, (0, 40), logpdf=[0.0, 1.0, 2.0], cdf_points=[0.0, 3.0], quantile=[0.5, 1.0])
poisson(1e12, None, logpdf=[1e12, 1e12 + 1, 1e12 + 65536, 1e12 - 1e7])
poisson(1e5, (1e5 - 40 * 316, 1e5 + 40 * 316), logpdf=[1e5 + 3000], cdf_points=[1e5 + 1000, 1e5 - 2000], quantile=[1e-12, 0.5])
poisson(0.0, (0, 3), logpdf=[0.0, 1.0], cdf_points=[0.0], quantile=[1.0])

# negbinomial: pmf C(k + r - 1, k) (1 - p)^r p^k
def negbinomial(r, p, entropy_terms=None, **points):
    r, p = mpf(r), mpf(p)
    lp = lambda k: (mpmath.loggamma(k + r) - mpmath.loggamma(k + 1) - mpmath.loggamma(r) + r * mpmath.log1p(-p)
                    + (k * mpmath.log(p) if k > 0 else 0)) if k >= 0 else -mpmath.inf
    F = lambda k: mpmath.betainc(r, mpmath.floor(k) + 1, 0, 1 - p, regularized=True) if k >= 0 else mpf(0)
    mean = r * p / (1 - p)
    Q = lambda q: discrete_quantile(F, q, start=max(0, int(mean)))
    c = case("negbinomial", opts(total_count=r, probs=p), lp=lp, F=F, Q=Q, mean=mean, variance=r * p / (1 - p) ** 2,
             entropy=discrete_entropy(lp, *entropy_terms) if entropy_terms else 0, **points)
    if not entropy_terms:
        c["entropy"] = None
    cases.append(c)


negbinomial(0.5, 0.999999, logpdf=[0.0, 1e6], cdf=[1e5], quantile=[0.5])
negbinomial(3, 1e-300, (0, 40), logpdf=[0.0, 1.0], cdf=[0.0], quantile=[0.5])
negbinomial(1e10, 0.5, logpdf=[1e10, 1e10 + 2e5])
negbinomial(20, 0.5, (0, 400), logpdf=[16777217.0, 1e12], cdf=[15.0], quantile=[1e-10, 1 - 1e-12])

# zip: P(0) = pi + (1 - pi) e^-lambda, P(k) = (1 - pi) Poisson(k; lambda)
def zip_(rate, gate, entropy_terms=None, **points):
    lam, pi = mpf(rate), mpf(gate)
    def lp(k):
        if k < 0 or k != mpmath.floor(k):
            return -mpmath.inf
        poisson_lp = k * mpmath.log(lam) - lam - mpmath.loggamma(k + 1) if lam > 0 else (mpf(0) if k == 0 else -mpmath.inf)
        if k == 0:
            return mpmath.log(pi + (1 - pi) * mpmath.exp(-lam))
        return mpmath.log1p(-pi) + poisson_lp if pi < 1 else -mpmath.inf
    F = lambda k: pi + (1 - pi) * mpmath.gammainc(mpmath.floor(k) + 1, lam, mpmath.inf, regularized=True) if k >= 0 else mpf(0)
    Q = lambda q: mpmath.inf if q == 1 and pi < 1 and lam > 0 else discrete_quantile(F, q, start=max(0, int(lam)))
    c = case("zip", opts(rate=lam, gate=pi), lp=lp, F=F, Q=Q, mean=(1 - pi) * lam, variance=(1 - pi) * lam * (1 + pi * lam),
             entropy=discrete_entropy(lp, *entropy_terms) if entropy_terms else 0, **points)
    if not entropy_terms:
        c["entropy"] = None
    cases.append(c)


zip_(3, 1, (0, 80), logpdf=[0.0, 1.0], cdf=[0.0, 5.0], quantile=[0.5, 1.0])
zip_(1e-300, 0.5, (0, 40), logpdf=[0.0, 1.0], cdf=[0.0], quantile=[0.5, 0.9])
zip_(1e12, 1e-10, logpdf=[0.0, 1e12])
zip_(4, 0.999999, (0, 100), logpdf=[0.0, 4.0], cdf=[0.0, 3.0], quantile=[0.9999995])

# bernoulli
def bernoulli(options, logp, logq, **points):
    """logp = ln P(1), logq = ln P(0), both exact in mpmath (1 - 1e-300 is not a 60-digit number)."""
    p, q = mpmath.exp(logp), mpmath.exp(logq)
    lp = lambda x: logp if x == 1 else (logq if x == 0 else -mpmath.inf)
    F = lambda x: mpf(0) if x < 0 else (q if x < 1 else mpf(1))
    Q = lambda u: mpf(0) if mpf(u) <= q else mpf(1)
    ent = -(p * logp if p > 0 else 0) - (q * logq if q > 0 else 0)
    cases.append(case("bernoulli", options, lp=lp, F=F, Q=Q, mean=p, variance=p * q, entropy=ent, **points))


def from_probs(p):
    p = mpf(p)
    return mpmath.log(p), mpmath.log1p(-p)


def from_logit(l):
    l = mpf(l)
    return -mpmath.log1p(mpmath.exp(-l)), -mpmath.log1p(mpmath.exp(l))


bernoulli(["--probs", "1e-300"], *from_probs(1e-300), logpdf=[1.0, 0.0, 0.5], cdf=[0.0], quantile=[0.5, 1.0])
bernoulli(["--logits", "-800.0"], *from_logit(-800), logpdf=[1.0, 0.0], quantile=[1 - 1e-16])
bernoulli(["--logits", "40.0"], *from_logit(40), logpdf=[0.0, 1.0], cdf=[0.5], quantile=[1e-17, 1e-18])
bernoulli(["--probs", repr(1 - 2 ** -53)], *from_probs(1 - 2 ** -53), logpdf=[0.0, 1.0], cdf=[0.0])

# categorical
def categorical(options, logp, **points):
    """logp: exact normalised log-probabilities."""
    prob = [mpmath.exp(l) for l in logp]
    lp = lambda x: logp[int(x)] if x >= 0 and x == mpmath.floor(x) and x < len(logp) else -mpmath.inf
    F = lambda x: mpf(0) if x < 0 else sum(prob[:int(min(x, len(prob) - 1)) + 1])
    def Q(u):
        total = mpf(0)
        for k, pk in enumerate(prob):
            total += pk
            if total >= u and pk > 0:
                return mpf(k)
        return mpf(len(prob) - 1)
    mean = sum(k * pk for k, pk in enumerate(prob))
    variance = sum(pk * (k - mean) ** 2 for k, pk in enumerate(prob))
    entropy = -sum(pk * l for pk, l in zip(prob, logp) if pk > 0)
    cases.append(case("categorical", options, lp=lp, F=F, Q=Q, mean=mean, variance=variance, entropy=entropy, **points))


def softmax_logs(logits):
    logits = [mpf(l) for l in logits]
    total = mpmath.log(sum(mpmath.exp(l) for l in logits))
    return [l - total for l in logits]


categorical(["--logits", "-1000.0,0.0,1000.0"], softmax_logs([-1000, 0, 1000]), logpdf=[0.0, 1.0, 2.0, 3.0], cdf=[0.5, 1.0],
            quantile=[1e-300, 0.5])
categorical(["--logits", "30.0,30.0,-30.0"], softmax_logs([30, 30, -30]), logpdf=[2.0], cdf=[1.0], quantile=[0.4, 0.6, 1 - 1e-16])
categorical(["--probs", "0.5,0.5,0.0"], [mpmath.log(mpf(0.5)), mpmath.log(mpf(0.5)), -mpmath.inf], logpdf=[2.0, 1.0],
            cdf=[0.0, 1.5], quantile=[0.5, 1.0])

with open("extreme_families.json", "w") as f:
    json.dump({"cases": cases}, f, indent=1)
print(len(cases), "cases;", sum(len(c["logpdf"]) + len(c["cdf"]) + len(c["quantile"]) + 3 for c in cases), "values")
