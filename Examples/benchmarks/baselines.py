#!/usr/bin/env python3
"""The suite's baselines: test NLL of the same-family GLM and of NGBoost on given splits.

    python3 Examples/benchmarks/baselines.py TABLE.csv --target T --family F --splits DIR \\
        [--features A,B,...] [--seed 1] [--json]

DIR holds `index_train_K.txt` and `index_test_K.txt` (K = 0, 1, ...; one 0-based data row of
the CSV a line, header excluded), as `likely benchmark --write-splits DIR` writes them. For
each split both baselines are fitted on the training rows and scored on the test rows; the
score is the test NLL per observation, -(1/m) Σ log p(yᵢ | xᵢ) in nats. Rows whose target is
missing are left out of both parts.

The design matrix is built from the training rows alone: a numeric column's missing cells
take its training mean, then the column is standardized with the training mean and standard
deviation; a text column (or a column with a cell that is not a number) is one-hot encoded
with its training categories (a missing cell is the category "missing"), the first category
being the reference (all zeros), so a category seen only in test rows is all zeros too.
Columns constant over the training rows are dropped, and so are columns that are linear
combinations of the others over the training rows (as R's lm and glm drop aliased columns).

- GLM (statsmodels), the family's own: normal, OLS with an intercept and the noise variance's
  maximum-likelihood estimate σ̂² = RSS / n, scored by N(y | xβ̂, σ̂²); bernoulli, Logit;
  negbinomial, NegativeBinomial NB2 (variance μ + α μ²), scored by scipy's nbinom with
  n = 1/α̂, p = 1 / (1 + α̂ μ̂).
- NGBoost with the matching distribution (Normal, Bernoulli, Poisson) and its defaults (at
  most 500 trees of depth 3, learning rate 0.01, natural gradient), stopped early as its
  documentation shows: a seeded 10% of the training rows is held out, boosting stops after 50
  rounds without a better held-out NLL, and the trees up to the best round predict. Seeded
  with SEED + K.

A baseline that fails on a split (no convergence, a singular design, a non-finite score) is
reported as failed for that split with the reason; the others go on. Needs numpy, scipy,
pandas, statsmodels and ngboost.
"""

import argparse
import contextlib
import io
import json
import os
import re
import sys
import time
import warnings

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.stats

FAMILIES = ("normal", "bernoulli", "negbinomial")
EARLY_STOPPING_ROUNDS = 50


class SplitError(Exception):
    """A split file that cannot be used: the message names the file and line."""


# MARK: - Splits

def read_indices(path, rows):
    """The 0-based row indices of one split file, each checked to be a data row of the table."""
    indices = []
    with open(path) as file:
        for line_number, line in enumerate(file, 1):
            text = line.strip()
            if not text:
                continue
            if not re.fullmatch(r"\d+", text):
                raise SplitError(f"{path}: line {line_number}: \"{text}\" is not a row index; expected a whole number >= 0")
            index = int(text)
            if index >= rows:
                raise SplitError(f"{path}: line {line_number}: row {index} is beyond the table's {rows} data rows")
            indices.append(index)
    if not indices:
        raise SplitError(f"{path}: no row indices; expected one 0-based row a line")
    return np.array(indices)


def read_splits(directory, rows):
    """[(train, test)] for K = 0, 1, ... from DIR/index_train_K.txt and DIR/index_test_K.txt."""
    numbers = sorted(int(match.group(1)) for name in os.listdir(directory)
                     if (match := re.fullmatch(r"index_train_(\d+)\.txt", name)))
    if not numbers:
        raise SplitError(f"{directory}: no index_train_K.txt files")
    splits = []
    for k in numbers:
        test_path = os.path.join(directory, f"index_test_{k}.txt")
        if not os.path.exists(test_path):
            raise SplitError(f"{test_path}: missing; every index_train_K.txt needs its index_test_K.txt")
        splits.append((read_indices(os.path.join(directory, f"index_train_{k}.txt"), rows),
                       read_indices(test_path, rows)))
    return splits


def read_table(path):
    """The CSV as pandas reads it (missing markers as its default na_values), floats read back exactly."""
    return pd.read_csv(path, float_precision="round_trip")


# MARK: - Design matrix

def is_text(column):
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def design(train, test, features):
    """(X_train, X_test) as float arrays, the encoding fitted on `train` (see the module's doc)."""
    train_columns, test_columns = [], []
    for name in features:
        fitted, applied = train[name], test[name]
        if is_text(fitted) or is_text(applied):
            fitted, applied = fitted.astype("string").fillna("missing"), applied.astype("string").fillna("missing")
            for category in sorted(fitted.unique())[1:]:
                train_columns.append((fitted == category).to_numpy(dtype=float))
                test_columns.append((applied == category).to_numpy(dtype=float))
        else:
            mean = fitted.mean()
            train_columns.append(fitted.fillna(mean).to_numpy(dtype=float))
            test_columns.append(applied.fillna(mean).to_numpy(dtype=float))
    x_train, x_test = np.column_stack(train_columns), np.column_stack(test_columns)
    mean, sd = x_train.mean(axis=0), x_train.std(axis=0)
    kept = sd > 0
    x_train, x_test = (x_train[:, kept] - mean[kept]) / sd[kept], (x_test[:, kept] - mean[kept]) / sd[kept]
    independent = independent_columns(x_train)
    return x_train[:, independent], x_test[:, independent]


def independent_columns(x):
    """The indices, in order, of a largest set of linearly independent columns of the centred x.

    QR with column pivoting, x P = Q R: the first rank(x) pivots span x's columns, the rank
    being the count of |R_jj| > 10⁻⁸ |R_00|. A column that is a linear combination of
    others (PriceDiff = SalePriceMM − SalePriceCH) makes the GLM's information matrix singular;
    R's lm and glm drop such aliased columns too.
    """
    _, r, pivots = scipy.linalg.qr(x, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > 1e-8 * diagonal[0])) if len(diagonal) else 0
    return np.sort(pivots[:rank])


# MARK: - The baselines: each fits on (X, y) and returns the test NLL of every test row

def converged(result, name):
    if not result.mle_retvals.get("converged", False):
        raise RuntimeError(f"{name} did not converge")
    return result


def glm_normal(x_train, y_train, x_test, y_test, seed):
    import statsmodels.api as sm
    result = sm.OLS(y_train, sm.add_constant(x_train)).fit()
    variance = np.mean(result.resid ** 2)                       # the MLE RSS / n, not RSS / (n - p)
    mean = sm.add_constant(x_test, has_constant="add") @ result.params
    return -scipy.stats.norm.logpdf(y_test, mean, np.sqrt(variance))


def glm_bernoulli(x_train, y_train, x_test, y_test, seed):
    import statsmodels.api as sm
    result = converged(sm.Logit(y_train, sm.add_constant(x_train)).fit(disp=0, maxiter=100), "Logit")
    z = sm.add_constant(x_test, has_constant="add") @ result.params
    return np.logaddexp(0, z) - y_test * z                      # -log p(y | z), stable for large |z|


def glm_negbinomial(x_train, y_train, x_test, y_test, seed):
    import statsmodels.api as sm
    model = sm.NegativeBinomial(y_train, sm.add_constant(x_train), loglike_method="nb2")
    result = converged(model.fit(disp=0, maxiter=500), "NegativeBinomial (NB2)")
    beta, alpha = result.params[:-1], result.params[-1]
    if not alpha > 0:
        raise RuntimeError(f"NB2 dispersion α = {alpha} is not positive")
    mean = np.exp(sm.add_constant(x_test, has_constant="add") @ beta)
    return -scipy.stats.nbinom.logpmf(y_test, 1 / alpha, 1 / (1 + alpha * mean))


def ngboost(family):
    def fit_and_score(x_train, y_train, x_test, y_test, seed):
        from ngboost import NGBClassifier, NGBRegressor
        from ngboost.distns import Bernoulli, Normal, Poisson
        from sklearn.base import clone
        from ngboost.learners import default_tree_learner
        # The default trees with a seed of their own: unseeded, ties between splits go by chance.
        trees = clone(default_tree_learner).set_params(random_state=seed)
        options = {"Base": trees, "random_state": seed, "verbose": False, "early_stopping_rounds": EARLY_STOPPING_ROUNDS}
        if family == "bernoulli":
            model, y_train, y_test = NGBClassifier(Dist=Bernoulli, **options), y_train.astype(int), y_test.astype(int)
        else:
            model = NGBRegressor(Dist=Normal if family == "normal" else Poisson, **options)
        validation = np.random.default_rng(seed).permutation(len(y_train))[:max(1, len(y_train) // 10)]
        fitting = np.setdiff1d(np.arange(len(y_train)), validation)
        with contextlib.redirect_stdout(io.StringIO()):              # NGBoost prints where its validation set came from
            model.fit(x_train[fitting], y_train[fitting], X_val=x_train[validation], Y_val=y_train[validation])
        predicted = model.pred_dist(x_test, max_iter=model.best_val_loss_itr + 1)   # the best round's trees
        if family == "normal":
            return -scipy.stats.norm.logpdf(y_test, predicted.loc, predicted.scale)
        if family == "bernoulli":
            z = predicted.logits[1] - predicted.logits[0]          # the log-odds of class 1
            return np.logaddexp(0, z) - y_test * z
        return -scipy.stats.poisson.logpmf(y_test, predicted.mu)
    return fit_and_score


GLMS = {"normal": glm_normal, "bernoulli": glm_bernoulli, "negbinomial": glm_negbinomial}


def baselines_of(family):
    return {"glm": GLMS[family], "ngboost": ngboost(family)}


# MARK: - Running

def summary(per_split):
    """Mean and standard error (sd / √K, sd with K - 1) of the splits that did not fail."""
    values = [entry["nll"] for entry in per_split if "nll" in entry]
    result = {"per_split": per_split, "splits_ok": len(values)}
    if values:
        result["nll_mean"] = float(np.mean(values))
        result["nll_se"] = float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) > 1 else float("nan")
        result["seconds"] = float(sum(entry["seconds"] for entry in per_split))
    return result


def run_baselines(csv, target, family, splits_directory, features=None, seed=1):
    """{"glm": summary, "ngboost": summary} for the table at `csv` on the splits of the directory."""
    if family not in FAMILIES:
        raise ValueError(f"family \"{family}\": expected one of {', '.join(FAMILIES)}")
    table = read_table(csv)
    if target not in table.columns:
        raise ValueError(f"{csv}: no column \"{target}\"; the columns are {', '.join(table.columns)}")
    features = features or [column for column in table.columns if column != target]
    unknown = [name for name in features if name not in table.columns]
    if unknown:
        raise ValueError(f"{csv}: no feature column {', '.join(unknown)}")
    y = pd.to_numeric(table[target], errors="coerce")
    splits = read_splits(splits_directory, len(table))
    results = {}
    for name, fit_and_score in baselines_of(family).items():
        per_split = []
        for k, (train, test) in enumerate(splits):
            train, test = train[y.iloc[train].notna().to_numpy()], test[y.iloc[test].notna().to_numpy()]
            start = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    x_train, x_test = design(table.iloc[train], table.iloc[test], features)
                    nll = fit_and_score(x_train, y.iloc[train].to_numpy(), x_test, y.iloc[test].to_numpy(), seed + k)
                mean = float(np.mean(nll))
                if not np.isfinite(mean):
                    raise RuntimeError(f"the test NLL is {mean}")
                per_split.append({"split": k, "nll": mean, "seconds": time.perf_counter() - start})
            except Exception as error:                            # any failure of a fit is that split's result
                per_split.append({"split": k, "failed": f"{type(error).__name__}: {error}",
                                  "seconds": time.perf_counter() - start})
        results[name] = summary(per_split)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv")
    parser.add_argument("--target", required=True)
    parser.add_argument("--family", required=True, choices=FAMILIES)
    parser.add_argument("--splits", required=True, help="directory of index_train_K.txt / index_test_K.txt")
    parser.add_argument("--features", help="comma-separated feature columns (default: every column but the target)")
    parser.add_argument("--seed", type=int, default=1, help="NGBoost's seed for split K is SEED + K")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    arguments = parser.parse_args()
    try:
        results = run_baselines(arguments.csv, arguments.target, arguments.family, arguments.splits,
                                arguments.features.split(",") if arguments.features else None, arguments.seed)
    except (OSError, ValueError, SplitError, pd.errors.ParserError) as error:
        print(f"baselines: {error}", file=sys.stderr)
        sys.exit(2)
    if arguments.json:
        print(json.dumps(results))
        return
    for name, result in results.items():
        failed = [f"split {entry['split']}: {entry['failed']}" for entry in result["per_split"] if "failed" in entry]
        score = f"{result['nll_mean']:.4f} ± {result['nll_se']:.4f}" if result["splits_ok"] else "failed"
        print(f"{name:8s} test NLL {score}  ({result['splits_ok']} of {len(result['per_split'])} splits)"
              + "".join(f"\n  {line}" for line in failed))


if __name__ == "__main__":
    main()
