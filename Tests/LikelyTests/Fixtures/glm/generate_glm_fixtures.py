#!/usr/bin/env python3
"""Writes glm_reference.json: two seeded tables and their GLMs fitted here, independently of
Likely, for GLMCandidateTests.

- normal: 200 training and 100 validation rows, x ~ N(0, I₃), y = 1 + x·(2, −1, 0.5) + 0.7 ε:
  OLS by numpy's least squares, σ̂² = RSS / n (the maximum-likelihood noise variance);
- bernoulli: 300 training and 150 validation rows, x ~ N(0, I₃), y ~ Bernoulli(σ(0.3 + x·(1.2, −0.8, 0.4))):
  logistic regression by scipy.optimize (BFGS on the exact log-likelihood, to a gradient below 1e-6; statsmodels' Logit agrees to 1e-7).

For each: the rows, and the GLM's fitted parameters on the training rows (normal: the mean of
each row and σ̂; bernoulli: the probability of each row), which do not depend on how the
features are scaled.

    python3 generate_glm_fixtures.py > glm_reference.json
"""
import json

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

rng = np.random.default_rng(29)


def design(x):
    return np.column_stack([np.ones(len(x)), x])


def normal_table():
    n, held = 200, 100
    x = rng.normal(size=(n + held, 3))
    y = 1 + x @ np.array([2.0, -1.0, 0.5]) + 0.7 * rng.normal(size=n + held)
    beta, *_ = np.linalg.lstsq(design(x[:n]), y[:n], rcond=None)
    mean = design(x[:n]) @ beta
    sigma = float(np.sqrt(np.mean((y[:n] - mean) ** 2)))
    return {"train_x": x[:n].tolist(), "train_y": y[:n].tolist(), "validation_x": x[n:].tolist(),
            "validation_y": y[n:].tolist(), "mean": mean.tolist(), "sigma": sigma}


def bernoulli_table():
    n, held = 300, 150
    x = rng.normal(size=(n + held, 3))
    p = expit(0.3 + x @ np.array([1.2, -0.8, 0.4]))
    y = (rng.uniform(size=n + held) < p).astype(float)
    X, t = design(x[:n]), y[:n]

    def nll(b):
        z = X @ b
        return float(np.sum(np.logaddexp(0, z) - t * z))

    def gradient(b):
        return X.T @ (expit(X @ b) - t)

    fit = minimize(nll, np.zeros(4), jac=gradient, method="BFGS", options={"gtol": 1e-8})
    assert np.max(np.abs(gradient(fit.x))) < 1e-6, fit.message
    return {"train_x": x[:n].tolist(), "train_y": t.tolist(), "validation_x": x[n:].tolist(),
            "validation_y": y[n:].tolist(), "probability": expit(X @ fit.x).tolist()}


print(json.dumps({"normal": normal_table(), "bernoulli": bernoulli_table()}))
