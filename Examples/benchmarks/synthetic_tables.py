"""The four synthetic tables of the benchmark suite, whose true model is known.

Each table is drawn with numpy's `default_rng(seed)` and has feature columns `x` (d = 1) or
`x1..x5` and the target `y`. `true_nll(name, frame)` gives, row by row, the negative
log-likelihood (natural log) of the true conditional distribution p(y | x), so a model's
test NLL can be set against the best any model can do on the same rows:

- heteroscedastic: x ~ U[0, 10], y = 2 sin x + 0.3 x + (0.15 + 0.6 |sin(x / 2)|) ε;
- wiggly:          x ~ U[-5, 5], y = x cos x + (0.2 + 0.1 |x|) ε;
- linear_gaussian: x ~ N(0, I₅),  y = 0.5 + x·β + ε, β = (1, -0.5, 0.25, 0, 2) (OLS is the true model);
- logistic:        x ~ N(0, I₅),  y ~ Bernoulli(σ(-0.25 + x·β)), β = (1.5, -1, 0.5, 0, 0.75);

with ε ~ N(0, 1) drawn independently for each row.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

LINEAR_BETA = np.array([1.0, -0.5, 0.25, 0.0, 2.0])
LINEAR_INTERCEPT = 0.5
LOGISTIC_BETA = np.array([1.5, -1.0, 0.5, 0.0, 0.75])
LOGISTIC_INTERCEPT = -0.25
FIVE = [f"x{j}" for j in range(1, 6)]


@dataclass(frozen=True)
class SyntheticTable:
    """A generated table: its size, family, features and the true model's NLL per row."""

    name: str
    rows: int
    family: str
    features: list
    draw: Callable[[np.random.Generator, int], pd.DataFrame]
    nll: Callable[[pd.DataFrame], np.ndarray]

    @property
    def target(self):
        return "y"


def normal_nll(y, mean, sd):
    """-log N(y | mean, sd²) = ½ log(2π) + log sd + ½ ((y - mean) / sd)², element-wise."""
    z = (y - mean) / sd
    return 0.5 * np.log(2 * np.pi) + np.log(sd) + 0.5 * z * z


# MARK: - The true models: (mean, sd) or the logit, from the features

def heteroscedastic_moments(x):
    return 2 * np.sin(x) + 0.3 * x, 0.15 + 0.6 * np.abs(np.sin(x / 2))


def wiggly_moments(x):
    return x * np.cos(x), 0.2 + 0.1 * np.abs(x)


def linear_mean(frame):
    return LINEAR_INTERCEPT + frame[FIVE].to_numpy(dtype=float) @ LINEAR_BETA


def logistic_logit(frame):
    return LOGISTIC_INTERCEPT + frame[FIVE].to_numpy(dtype=float) @ LOGISTIC_BETA


# MARK: - Drawing

def draw_one_feature(low, high, moments):
    def draw(random, rows):
        x = random.uniform(low, high, rows)
        mean, sd = moments(x)
        return pd.DataFrame({"x": x, "y": mean + sd * random.standard_normal(rows)})
    return draw


def draw_linear(random, rows):
    frame = pd.DataFrame(random.standard_normal((rows, 5)), columns=FIVE)
    frame["y"] = linear_mean(frame) + random.standard_normal(rows)
    return frame


def draw_logistic(random, rows):
    frame = pd.DataFrame(random.standard_normal((rows, 5)), columns=FIVE)
    probability = 1 / (1 + np.exp(-logistic_logit(frame)))
    frame["y"] = (random.uniform(size=rows) < probability).astype(int)
    return frame


# MARK: - The true model's NLL per row

def one_feature_nll(moments):
    def nll(frame):
        mean, sd = moments(frame["x"].to_numpy(dtype=float))
        return normal_nll(frame["y"].to_numpy(dtype=float), mean, sd)
    return nll


def linear_nll(frame):
    return normal_nll(frame["y"].to_numpy(dtype=float), linear_mean(frame), 1.0)


def logistic_nll(frame):
    """-log p(y | z) = log(1 + e^z) - y z, with log(1 + e^z) as logaddexp(0, z) so that no z overflows."""
    z = logistic_logit(frame)
    return np.logaddexp(0, z) - frame["y"].to_numpy(dtype=float) * z


TABLES = [
    SyntheticTable("heteroscedastic", 3000, "normal", ["x"],
                   draw_one_feature(0, 10, heteroscedastic_moments), one_feature_nll(heteroscedastic_moments)),
    SyntheticTable("wiggly", 1750, "normal", ["x"],
                   draw_one_feature(-5, 5, wiggly_moments), one_feature_nll(wiggly_moments)),
    SyntheticTable("linear_gaussian", 500, "normal", FIVE, draw_linear, linear_nll),
    SyntheticTable("logistic", 1000, "bernoulli", FIVE, draw_logistic, logistic_nll),
]
BY_NAME = {table.name: table for table in TABLES}


def generate(table, seed):
    """The table drawn from `default_rng([seed, index of the table])`, one stream per table."""
    return table.draw(np.random.default_rng([seed, TABLES.index(table)]), table.rows)


def true_nll(name, frame):
    """The true model's NLL (nats) of each row of `frame` (columns as generated), as an array."""
    return BY_NAME[name].nll(frame)


def true_test_nll(name, frame, test_rows):
    """The true model's mean NLL per observation over the 0-based rows `test_rows` of `frame`."""
    return float(np.mean(true_nll(name, frame.iloc[list(test_rows)])))
