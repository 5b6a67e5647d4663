#!/usr/bin/env python3
"""The targets of the synthetic tables that a test NLL alone does not show, after run_suite.py.

    /path/to/venv/bin/python Examples/benchmarks/synthetic_checks.py --likely .build/release/likely \\
        --data benchmark-data [--work benchmark-data/runs]

On each split that run_suite.py wrote (WORK/T/splits), with no option but --family:

- heteroscedastic: `likely fit` on the training rows, `likely predict` on a grid of 201 points
  of x in [0, 10]; the mean over the grid of |σ̂(x) / σ(x) − 1|, σ(x) = 0.15 + 0.6 |sin(x/2)|
  the true noise sd and σ̂ the predicted sd of the deterministic network;
- logistic: the test accuracy of `likely fit` (the predicted class of `likely predict`) and of
  scikit-learn's unpenalized logistic regression on the same rows.

Prints one line per table and split and the means over the splits.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

import baselines
import synthetic_tables


def fit_and_predict(likely, train, predict_rows, family, directory):
    """The predictions CSV of `likely fit` (only --family) on `train`, for `predict_rows`."""
    train_csv, rows_csv = os.path.join(directory, "train.csv"), os.path.join(directory, "rows.csv")
    model, out = os.path.join(directory, "model"), os.path.join(directory, "predictions.csv")
    train.to_csv(train_csv, index=False)
    predict_rows.to_csv(rows_csv, index=False)
    for command in ([likely, "fit", train_csv, "--target", "y", "--family", family, "--out", model, "--quiet"],
                    [likely, "predict", model, rows_csv, "--out", out]):
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"synthetic_checks: {' '.join(command)} failed: {result.stderr.strip()[-500:]}")
    return pd.read_csv(out)


def heteroscedastic_ratio(likely, frame, train, directory):
    grid = pd.DataFrame({"x": np.linspace(0, 10, 201)})
    predicted = fit_and_predict(likely, frame.iloc[train], grid, "normal", directory)
    _, sd = synthetic_tables.heteroscedastic_moments(grid["x"].to_numpy())
    return float(np.mean(np.abs(predicted["sd"].to_numpy() / sd - 1)))


def logistic_accuracies(likely, frame, train, test, directory):
    features = synthetic_tables.FIVE
    predicted = fit_and_predict(likely, frame.iloc[train], frame.iloc[test][features], "bernoulli", directory)
    y_test = frame.iloc[test]["y"].to_numpy()
    ours = float(np.mean(predicted["predicted"].astype(float).to_numpy() == y_test))
    regression = LogisticRegression(penalty=None, max_iter=1000).fit(frame.iloc[train][features], frame.iloc[train]["y"])
    return ours, float(np.mean(regression.predict(frame.iloc[test][features]) == y_test))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--likely", default=".build/release/likely")
    parser.add_argument("--data", default="benchmark-data")
    parser.add_argument("--work", default=None, help="run_suite.py's directory (default DATA/runs)")
    arguments = parser.parse_args()
    work = arguments.work or os.path.join(arguments.data, "runs")
    ratios, accuracies = [], []
    for name in ("heteroscedastic", "logistic"):
        frame = baselines.read_table(os.path.join(arguments.data, f"{name}.csv"))
        for k, (train, test) in enumerate(baselines.read_splits(os.path.join(work, name, "splits"), len(frame))):
            with tempfile.TemporaryDirectory() as directory:
                if name == "heteroscedastic":
                    ratios.append(heteroscedastic_ratio(arguments.likely, frame, train, directory))
                    print(f"heteroscedastic split {k}: mean |σ̂/σ − 1| = {ratios[-1]:.3f}")
                else:
                    accuracies.append(logistic_accuracies(arguments.likely, frame, train, test, directory))
                    print(f"logistic split {k}: accuracy {accuracies[-1][0]:.3f}, logistic regression {accuracies[-1][1]:.3f}")
    print(f"heteroscedastic: mean |σ̂/σ − 1| over the splits {np.mean(ratios):.3f} (target ≤ 0.10)")
    ours, theirs = np.mean(accuracies, axis=0)
    print(f"logistic: accuracy {ours:.3f} against logistic regression's {theirs:.3f} (target ≥ {theirs - 0.01:.3f})")


if __name__ == "__main__":
    main()
