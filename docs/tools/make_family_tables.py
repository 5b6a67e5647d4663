"""One 4,000-row table per family for timing `likely evaluate` against `likely predict`
(docs/performance.md): x ~ N(0, I₃), η = 0.5x₀ − 0.3x₁ + 0.2x₂, y drawn from each family
around η, seed 0. Writes FAMILY.csv (columns x0, x1, x2, y) into the current directory.

Run: python3 make_family_tables.py
"""
import numpy as np

rng = np.random.default_rng(0)
n = 4000
x = rng.normal(size=(n, 3))
eta = 0.5 * x[:, 0] - 0.3 * x[:, 1] + 0.2 * x[:, 2]
targets = {
    "normal": eta + 0.5 * rng.normal(size=n) * np.exp(0.3 * x[:, 1]),
    "studentt": eta + 0.5 * rng.standard_t(4, size=n),
    "laplace": eta + 0.5 * rng.laplace(size=n),
    "lognormal": np.exp(1 + eta + 0.5 * rng.normal(size=n)),
    "gamma": rng.gamma(3.0, np.exp(eta) / 3.0),
    "beta": rng.beta(2 * np.exp(eta), 3.0),
    "mdn": eta + np.where(rng.random(n) < 0.5, -1, 1) + 0.3 * rng.normal(size=n),
    "poisson": rng.poisson(np.exp(1 + eta)),
    "negbinomial": rng.negative_binomial(5, 5 / (5 + np.exp(2 + eta))),
    "zip": np.where(rng.random(n) < 0.3, 0, rng.poisson(np.exp(1 + eta))),
    "bernoulli": (rng.random(n) < 1 / (1 + np.exp(-2 * eta))).astype(int),
    "categorical": np.clip(np.round(eta + 1), 0, 2).astype(int),
}
for family, y in targets.items():
    with open(f"{family}.csv", "w") as out:
        out.write("x0,x1,x2,y\n")
        for i in range(n):
            out.write(f"{x[i, 0]:.6f},{x[i, 1]:.6f},{x[i, 2]:.6f},{y[i]:.10g}\n")
