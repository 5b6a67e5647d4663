#!/usr/bin/env python3
"""Writes glm_reference.json: four seeded tables and their GLMs fitted here, independently of
Likely, for GLMCandidateTests.

- normal: 200 training and 100 validation rows, x ~ N(0, I₃), y = 1 + x·(2, −1, 0.5) + 0.7 ε:
  OLS by numpy's least squares, σ̂² = RSS / n (the maximum-likelihood noise variance);
- bernoulli: 300 training and 150 validation rows, x ~ N(0, I₃), y ~ Bernoulli(σ(0.3 + x·(1.2, −0.8, 0.4))):
  logistic regression by scipy.optimize (BFGS on the exact log-likelihood, to a gradient below 1e-6; statsmodels' Logit agrees to 1e-7);
- poisson: 300 training and 150 validation rows, x ~ N(0, I₃), y ~ Poisson(exp(0.5 + x·(0.6, −0.4, 0.2))):
  statsmodels' Poisson GLM (IRLS, log link);
- negbinomial: 400 training and 200 validation rows, x ~ N(0, I₃), y ~ NB2 with mean
  μ = exp(4.5 + x·(0.5, −0.3, 0.2)) and dispersion α = 0.5 (variance μ + α μ²; counts of about
  a hundred, as Bikeshare's): statsmodels' NegativeBinomial (loglike_method "nb2", Newton),
  the maximum-likelihood μ and α together.
  Likely's negative binomial (total count r, p; mean r p/(1 − p)) with logit p linear in x and
  r constant is the same model: r = 1/α, ln μ = ln r + logit p.

For each: the rows, and the GLM's fitted parameters on the training rows (normal: the mean of
each row and σ̂; bernoulli: the probability of each row; poisson: the mean of each row;
negbinomial: the mean of each row and α), which do not depend on how the features are scaled.
The Poisson and negative-binomial fits need statsmodels:

    /path/to/venv/bin/python generate_glm_fixtures.py > glm_reference.json
"""
import json

import numpy as np
import statsmodels.api as sm
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


def poisson_table():
    n, held = 300, 150
    x = rng.normal(size=(n + held, 3))
    y = rng.poisson(np.exp(0.5 + x @ np.array([0.6, -0.4, 0.2]))).astype(float)
    X, t = design(x[:n]), y[:n]
    fit = sm.GLM(t, X, family=sm.families.Poisson()).fit(tol=1e-13, maxiter=100)
    assert np.max(np.abs(X.T @ (t - fit.mu))) < 1e-8
    return {"train_x": x[:n].tolist(), "train_y": t.tolist(), "validation_x": x[n:].tolist(),
            "validation_y": y[n:].tolist(), "mean": fit.mu.tolist()}


def negative_binomial_table():
    n, held, alpha = 400, 200, 0.5
    x = rng.normal(size=(n + held, 3))
    mu = np.exp(4.5 + x @ np.array([0.5, -0.3, 0.2]))
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu)).astype(float)
    X, t = design(x[:n]), y[:n]
    model = sm.NegativeBinomial(t, X, loglike_method="nb2")
    fit = model.fit(method="newton", maxiter=100, tol=1e-14, disp=False)
    assert np.max(np.abs(model.score(fit.params))) < 1e-8, fit.mle_retvals
    return {"train_x": x[:n].tolist(), "train_y": t.tolist(), "validation_x": x[n:].tolist(),
            "validation_y": y[n:].tolist(), "mean": np.exp(X @ fit.params[:-1]).tolist(), "alpha": float(fit.params[-1])}


print(json.dumps({"normal": normal_table(), "bernoulli": bernoulli_table(), "poisson": poisson_table(),
                  "negbinomial": negative_binomial_table()}))
