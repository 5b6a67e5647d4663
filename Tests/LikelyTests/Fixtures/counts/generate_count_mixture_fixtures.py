"""Reference values for CountMixtureScoresTests: equal-weight mixtures of T = 5 count members per
input (Poisson, negative binomial, zero-inflated Poisson), their exact CRPS (scipy cdf summed
over every integer up to far beyond the mass), the central intervals at 0.5, 0.8, 0.9, 0.95
(the smallest k with F(k) >= q) and F(y - 1), F(y). Parameters are float32 values, as the
Swift side holds them. Run: python3 generate_count_mixture_fixtures.py > count_mixtures.json"""
import json
import numpy as np
from scipy import stats

rng = np.random.default_rng(33)
T, N, LEVELS = 5, 40, [0.5, 0.8, 0.9, 0.95]


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def loguniform(low, high, size):
    return f32(np.exp(rng.uniform(np.log(low), np.log(high), size)))


def case(family):
    if family == "poisson":
        params = {"rate": loguniform(0.05, 1000, (T, N))}
        cdf = lambda k, t, i: stats.poisson.cdf(k, params["rate"][t, i])
        means = params["rate"]
    elif family == "negbinomial":
        params = {"total_count": loguniform(0.3, 40, (T, N)), "probs": loguniform(0.05, 0.9, (T, N))}
        cdf = lambda k, t, i: stats.nbinom.cdf(k, params["total_count"][t, i], 1 - params["probs"][t, i])
        means = params["total_count"] * params["probs"] / (1 - params["probs"])
    else:
        params = {"rate": loguniform(0.1, 60, (T, N)), "gate": loguniform(0.01, 0.8, (T, N))}
        cdf = lambda k, t, i: params["gate"][t, i] * (k >= 0) + (1 - params["gate"][t, i]) * stats.poisson.cdf(k, params["rate"][t, i])
        means = (1 - params["gate"]) * params["rate"]
    mixture_mean = means.mean(axis=0)
    y = np.floor(mixture_mean * np.where(np.arange(N) % 7 == 0, 3.0, rng.uniform(0.5, 1.5, N)))
    crps, lower, upper, below, at = [], [[] for _ in LEVELS], [[] for _ in LEVELS], [], []
    for i in range(N):
        k = np.arange(0, int(max(y[i], 1)) + 20000)
        F = sum(cdf(k, t, i) for t in range(T)) / T
        crps.append(float(((F - (k >= y[i])) ** 2).sum()))
        for l, level in enumerate(LEVELS):
            lower[l].append(int(np.argmax(F >= (1 - level) / 2)))
            upper[l].append(int(np.argmax(F >= (1 + level) / 2)))
        at.append(float(F[int(y[i])]))
        below.append(float(F[int(y[i]) - 1]) if y[i] >= 1 else 0.0)
    return {"family": family, **{name: value.tolist() for name, value in params.items()}, "y": y.tolist(),
            "crps": crps, "lower": lower, "upper": upper, "cdf_below": below, "cdf_at": at}


print(json.dumps({"levels": LEVELS, "cases": [case(f) for f in ["poisson", "negbinomial", "zip"]]}))
