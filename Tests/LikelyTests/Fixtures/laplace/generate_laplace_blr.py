"""Exact Bayesian linear regression for the Laplace test (LaplaceTests.swift).

A linear network Dense(2 -> 2) under a Normal head with exp scale: output 0 is the mean
x.w + b, output 1 is ln(sigma), held at ln(0.5) by zero weights and a bias ln(0.5) -- the
normal GLM, whose scale is a constant. The zero weights are held, not fitted: the posterior
conditions on them (covariance 0). With the prior N(0, 1/delta I) on the four free weights
and delta fixed, the mean's weights have the exact Bayesian linear regression posterior, and
the Laplace approximation of the whole is exact in the mean's block; the scale's bias adds
its own prior and log-determinant terms (its Fisher is 2 per row).

Writes laplace_blr.json: the data, the MAP weights theta* (in the network's order
W00 W01 W10 W11 b0 b1, W[input, output]), the posterior covariance (6 x 6, the held W01 and
W11 rows and columns 0) and the evidence (the exact BLR marginal likelihood
log N(y | 0, sigma^2 I + Z Z^T / delta) plus the scale bias's Laplace terms).
"""
import json
import numpy as np
from scipy.stats import multivariate_normal

rng = np.random.default_rng(27)
n, sigma, delta = 20, 0.5, 2.0
x = rng.normal(3.0, 2.0, size=(n, 2))          # unstandardised features
y = 1.5 * x[:, 0] - 0.7 * x[:, 1] + 4.0 + rng.normal(0, sigma, n)
z = np.c_[x, np.ones(n)]                         # [x1, x2, 1]

precision_mean = z.T @ z / sigma**2 + delta * np.eye(3)
w = np.linalg.solve(precision_mean, z.T @ y / sigma**2)   # MAP (= posterior mean) of (w1, w2, b)
precision_scale = 2 * n + delta                            # Fisher of ln sigma is 2 per row

# theta order W00 W01 W10 W11 b0 b1: mean weights at 0, 2, 4; held scale weights at 1, 3; scale bias at 5.
mean_idx = [0, 2, 4]
covariance = np.zeros((6, 6))
covariance[np.ix_(mean_idx, mean_idx)] = np.linalg.inv(precision_mean)
covariance[5, 5] = 1 / precision_scale
theta = np.zeros(6)
theta[mean_idx] = w
theta[5] = np.log(sigma)

blr = multivariate_normal(mean=np.zeros(n), cov=sigma**2 * np.eye(n) + z @ z.T / delta).logpdf(y)
scale_terms = 0.5 * np.log(delta) - delta / 2 * np.log(sigma)**2 - 0.5 * np.log(precision_scale)

json.dump({"x": x.ravel().tolist(), "y": y.tolist(), "sigma": sigma, "delta": delta, "theta": theta.tolist(),
           "covariance": covariance.ravel().tolist(), "evidence": float(blr + scale_terms)},
          open("laplace_blr.json", "w"), indent=1)
