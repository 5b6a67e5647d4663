"""Reference values for Tests/LikelyTests/Metrics*Tests.swift, computed independently of
Likely with numpy, scipy and scikit-learn. Run from this folder:

    python3 generate_metrics_fixtures.py     # writes metrics_reference.json

Every draw is seeded, so the JSON is reproducible."""
import json
import math
import numpy as np
from scipy import integrate, optimize, stats
from sklearn.metrics import (average_precision_score, mean_poisson_deviance,
                             precision_recall_curve, roc_auc_score, roc_curve)

rng = np.random.default_rng(20240607)
out = {}


def crps_by_quadrature(cdf, y):
    """CRPS = ∫ (F(t) − 1{t ≥ y})² dt, split at y, by scipy's adaptive quadrature."""
    below = integrate.quad(lambda t: cdf(t) ** 2, -np.inf, y, epsabs=1e-12, limit=200)[0]
    above = integrate.quad(lambda t: (1 - cdf(t)) ** 2, y, np.inf, epsabs=1e-12, limit=200)[0]
    return below + above


# Regression: point errors and Normal CRPS (quadrature, not the closed form).
n = 20
mu = rng.normal(0, 2, n)
sigma = rng.uniform(0.2, 3, n)
y = mu + sigma * rng.standard_t(4, n)
crps = [crps_by_quadrature(stats.norm(m, s).cdf, t) for m, s, t in zip(mu, sigma, y)]
out["regression"] = {
    "mean": mu.tolist(), "sd": sigma.tolist(), "y": y.tolist(),
    "rmse": float(np.sqrt(np.mean((mu - y) ** 2))), "mae": float(np.mean(np.abs(mu - y))),
    "crps_normal": crps, "mean_crps_normal": float(np.mean(crps)),
    "loglik": stats.norm(mu, sigma).logpdf(y).tolist(),
    "nll": float(-np.mean(stats.norm(mu, sigma).logpdf(y))),
}

# Generic CRPS from a CDF: Laplace and Gumbel (right-skewed), by quadrature.
cases = []
for loc, scale, obs in [(0.0, 1.0, 0.3), (1.5, 0.5, -2.0), (-3.0, 2.0, 4.0), (10.0, 0.01, 10.02)]:
    cases.append({"family": "laplace", "loc": loc, "scale": scale, "y": obs,
                  "crps": crps_by_quadrature(stats.laplace(loc, scale).cdf, obs)})
for loc, scale, obs in [(0.0, 1.0, 0.0), (2.0, 3.0, 12.0), (-1.0, 0.5, -3.0)]:
    cases.append({"family": "gumbel", "loc": loc, "scale": scale, "y": obs,
                  "crps": crps_by_quadrature(stats.gumbel_r(loc, scale).cdf, obs)})
out["crps_cdf"] = cases

# Discrete CRPS of a Poisson: Σ_k (F(k) − 1{k ≥ y})² over k = 0..400.
ks = np.arange(0, 400)
out["crps_poisson"] = [{"rate": r, "y": int(obs),
                        "crps": float(np.sum((stats.poisson(r).cdf(ks) - (ks >= obs)) ** 2))}
                       for r, obs in [(0.5, 0), (3.0, 7), (12.5, 10), (40.0, 25)]]

# Sample CRPS: E|X − y| − ½ E|X − X'| over the empirical distribution, by brute force.
samples = rng.gamma(2.0, 1.5, 57)
sample_cases = []
for obs in [0.1, 2.7, 9.0]:
    e1 = np.mean(np.abs(samples - obs))
    e2 = np.mean(np.abs(samples[:, None] - samples[None, :]))
    sample_cases.append({"y": obs, "crps": float(e1 - 0.5 * e2)})
out["crps_samples"] = {"samples": samples.tolist(), "cases": sample_cases}

# Coverage and PIT for Laplace predictives (quantiles and CDF from scipy).
n = 300
loc = rng.normal(0, 1, n)
scale = rng.uniform(0.5, 2, n)
yl = loc + 1.3 * scale * rng.laplace(0, 1, n)  # wider than predicted: under-coverage
levels = [0.5, 0.8, 0.9, 0.95]
cov = []
for a in levels:
    lo = stats.laplace(loc, scale).ppf(0.5 - a / 2)
    hi = stats.laplace(loc, scale).ppf(0.5 + a / 2)
    cov.append(float(np.mean((lo <= yl) & (yl <= hi))))
pit = stats.laplace(loc, scale).cdf(yl)
out["laplace_calibration"] = {
    "loc": loc.tolist(), "scale": scale.tolist(), "y": yl.tolist(), "levels": levels,
    "coverage": cov, "pit": pit.tolist(),
    "pit_counts_10": np.histogram(pit, bins=10, range=(0, 1))[0].tolist(),
}

# Multi-class: accuracy, Brier, NLL, and ECE/MCE in (lo, hi] bins as torch_fashion.py does.
n, k = 400, 4
logits = rng.normal(0, 2.5, (n, k))
p = np.exp(logits - logits.max(1, keepdims=True))
p /= p.sum(1, keepdims=True)
p = p.astype(np.float32).astype(np.float64)  # the Swift side holds Float32 probabilities
labels = np.array([rng.choice(k, p=q / q.sum()) if rng.uniform() < 0.8 else rng.integers(k) for q in p])
conf, pred = p.max(1), p.argmax(1)
correct = (pred == labels).astype(float)
edges = np.linspace(0, 1, 16)
counts, mconf, macc, ece, mce = [], [], [], 0.0, 0.0
for lo, hi in zip(edges[:-1], edges[1:]):
    s = (conf > lo) & (conf <= hi)
    counts.append(int(s.sum()))
    if s.any():
        gap = abs(correct[s].mean() - conf[s].mean())
        ece += s.mean() * gap
        mce = max(mce, gap)
        mconf.append(float(conf[s].mean())); macc.append(float(correct[s].mean()))
    else:
        mconf.append(0.0); macc.append(0.0)
onehot = np.eye(k)[labels]
out["classification"] = {
    "probabilities": p.tolist(), "labels": labels.tolist(),
    "accuracy": float(correct.mean()), "brier": float(((p - onehot) ** 2).sum(1).mean()),
    "nll": float(-np.log(np.clip(p[np.arange(n), labels], 1e-12, None)).mean()),
    "bins": 15, "counts": counts, "mean_confidence": mconf, "bin_accuracy": macc,
    "ece": float(ece), "mce": float(mce),
}

# Binary ranking with many ties (scores rounded to one decimal): scikit-learn's curves.
n = 250
yb = rng.uniform(size=n) < 0.35
scores = np.round(np.clip(0.5 + 0.25 * (yb - 0.35) + 0.2 * rng.normal(size=n), 0, 1), 1)
fpr, tpr, thr = roc_curve(yb, scores, drop_intermediate=False)
prec, rec, _ = precision_recall_curve(yb, scores)
out["binary"] = {
    "scores": scores.tolist(), "labels": yb.astype(int).tolist(),
    "roc_auc": float(roc_auc_score(yb, scores)),
    "mann_whitney": float(stats.mannwhitneyu(scores[yb], scores[~yb]).statistic / (yb.sum() * (~yb).sum())),
    "average_precision": float(average_precision_score(yb, scores)),
    "fpr": fpr.tolist(), "tpr": tpr.tolist(),
    "recall": rec[::-1].tolist(), "precision": prec[::-1].tolist(),
}

# Poisson deviance.
rates = rng.gamma(2.0, 2.0, 60)
counts_y = rng.poisson(rates * rng.uniform(0.5, 1.5, 60)).astype(float)
out["poisson"] = {"rates": rates.tolist(), "counts": counts_y.tolist(),
                  "deviance": float(mean_poisson_deviance(counts_y, rates))}

# Ensemble uncertainty: T = 6 members, N = 3 inputs, K = 5 classes (one row with a zero).
members = rng.dirichlet(np.ones(5) * 0.7, (6, 3))
members[:, 2, 4] = 0
members[:, 2, :] /= members[:, 2, :].sum(-1, keepdims=True)
members = members.astype(np.float32).astype(np.float64)
mean_p = members.mean(0)
h = stats.entropy(mean_p, axis=-1)
eh = stats.entropy(members, axis=-1).mean(0)
out["uncertainty"] = {"members": members.tolist(), "predictive_entropy": h.tolist(),
                      "expected_entropy": eh.tolist(), "mutual_information": (h - eh).tolist()}

# Temperature scaling: the validation-NLL optimum by scipy's bounded Brent search.
n, k = 300, 6
z = rng.normal(0, 3, (n, k)).astype(np.float32).astype(np.float64)
q = np.exp(z / 2.0 - (z / 2.0).max(1, keepdims=True))
q /= q.sum(1, keepdims=True)
yt = np.array([rng.choice(k, p=row) for row in q])


def nll_at(log_t):
    s = z / np.exp(log_t)
    return float(np.mean(np.log(np.exp(s - s.max(1, keepdims=True)).sum(1)) + s.max(1) - s[np.arange(n), yt]))


res = optimize.minimize_scalar(nll_at, bounds=(np.log(0.01), np.log(100)), method="bounded",
                               options={"xatol": 1e-10})
out["temperature"] = {"logits": z.tolist(), "labels": yt.tolist(), "temperature": float(np.exp(res.x)),
                      "nll_at_optimum": float(res.fun), "nll_at_one": nll_at(0.0)}

# CRPS of predictives (Tests/LikelyTests/CRPSTests.swift), every value in float32 inputs.
F32 = lambda v: [float(np.float32(x)) for x in v]


def mixture_crps_by_quadrature(weights, means, sds, y):
    """A Normal mixture's CRPS by scipy quadrature of its cdf, split at y and at each mean."""
    cdf = lambda t: sum(w * stats.norm(m, s).cdf(t) for w, m, s in zip(weights, means, sds))
    lo = min(min(m - 40 * s for m, s in zip(means, sds)), y)
    hi = max(max(m + 40 * s for m, s in zip(means, sds)), y)
    points = sorted(set([lo, hi, y] + list(means)))
    total = 0.0
    for a, b in zip(points[:-1], points[1:]):
        f = (lambda t: cdf(t) ** 2) if b <= y else (lambda t: (1 - cdf(t)) ** 2)
        total += integrate.quad(f, a, b, epsabs=1e-13, epsrel=1e-12, limit=400)[0]
    return total


# An MC-dropout predictive of T = 2 mixture-density members, 2 components each, 3 inputs:
# per input 4 Normals of weight w_tc / 2.
mdn = {"means": [F32([-1, 2]), F32([-0.5, 2.5])], "sds": [F32([0.5, 1.5]), F32([0.7, 1])],
       "weights": [F32([0.3, 0.7]), F32([0.6, 0.4])], "y": F32([0.1, 3.0, -4.0]), "shift": F32([0, 10, -3])}
crps_mdn = []
for i, y in enumerate(mdn["y"]):
    w, m, s = [], [], []
    for t in range(2):
        total = sum(mdn["weights"][t])
        for c in range(2):
            w.append(mdn["weights"][t][c] / total / 2)
            m.append(mdn["means"][t][c] + mdn["shift"][i])
            s.append(mdn["sds"][t][c])
    crps_mdn.append(mixture_crps_by_quadrature(w, m, s, y))
mdn["crps"] = crps_mdn
out["crps_mdn"] = mdn


def count_crps(cdf, y, lo, hi):
    """Σ_k (F(k) − 1{k ≥ y})² over k = 0..hi with numpy (hi far above the mass)."""
    ks = np.arange(lo, hi + 1, dtype=np.float64)
    total = math.fsum((cdf(ks) - (ks >= y)) ** 2)
    return total + (lo - y if y < lo else 0.0) + (y - 1 - hi if y > hi + 1 else 0.0)


# Count predictives: Poisson (to λ = 1e8, where the Swift side steps its grid), a T = 2
# mixture of Poissons, negative binomial and zero-inflated Poisson; each y near and far.
count_cases = []
for rate, y in [(0.5, 0), (12.0, 30), (1e6, 1e6 + 2500), (1e8, 1e8 - 3e4), (1e8, 2e8), (40.0, 0)]:
    rate, y = F32([rate, y])
    sd = math.sqrt(rate)
    lo, hi = max(0, math.floor(rate - 12 * sd - 10)), math.ceil(rate + 12 * sd + 10)
    count_cases.append({"family": "poisson", "rates": [rate], "y": y,
                        "crps": count_crps(lambda k: stats.poisson.cdf(k, rate), y, lo, hi)})
r1, r2 = F32([3.0, 20.0])
count_cases.append({"family": "poisson", "rates": [r1, r2], "y": 9.0,
                    "crps": count_crps(lambda k: 0.5 * stats.poisson.cdf(k, r1) + 0.5 * stats.poisson.cdf(k, r2), 9.0, 0, 200)})
r, p = F32([4.0, 0.8])
count_cases.append({"family": "negbinomial", "total_count": r, "probs": p, "y": 3.0,
                    "crps": count_crps(lambda k: stats.nbinom.cdf(k, r, 1 - p), 3.0, 0, 2000)})
rate, gate = F32([6.0, 0.3])
count_cases.append({"family": "zip", "rate": rate, "gate": gate, "y": 8.0,
                    "crps": count_crps(lambda k: gate + (1 - gate) * stats.poisson.cdf(k, rate), 8.0, 0, 200)})
out["crps_counts"] = count_cases

with open("metrics_reference.json", "w") as f:
    json.dump(out, f)
print("wrote metrics_reference.json")
