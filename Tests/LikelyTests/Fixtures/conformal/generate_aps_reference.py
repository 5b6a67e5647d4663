"""Reference set sizes of randomised APS from MAPIE (Romano, Sesia & Candès 2020).

Writes, beside this script:
- probabilities.npy: float32 [N, K] class probabilities of an over-confident classifier
  (softmax of 1.8 z + noise, where the labels come from softmax(z));
- labels.npy: int32 [N] labels;
- splits.npy: int32 [S, N] one random permutation of 0..N-1 per split; the first N/2 rows
  calibrate, the rest are the test inputs;
- aps_reference.json: level, and per split the mean size of MAPIE's randomised APS sets on
  the test half (SplitConformalClassifier(conformity_score="aps", prefit=True),
  include_last_label="randomized"), and their coverage.

Run with the venv that has MAPIE: /work/venv/bin/python generate_aps_reference.py
"""
import json
import os

import mapie
import numpy as np
from mapie.classification import SplitConformalClassifier
from sklearn.base import BaseEstimator, ClassifierMixin

HERE = os.path.dirname(os.path.abspath(__file__))
N, K, S, LEVEL = 4000, 10, 20, 0.9


class FixedProbabilities(ClassifierMixin, BaseEstimator):
    """A prefit classifier whose input is a row index into fixed probabilities."""

    def __init__(self, probabilities=None):
        self.probabilities = probabilities

    def fit(self, X, y):
        self.classes_ = np.arange(K)
        return self

    def predict_proba(self, X):
        return self.probabilities[np.asarray(X, dtype=int).ravel()].astype(np.float64)

    def predict(self, X):
        return self.predict_proba(X).argmax(axis=1)


def main():
    rng = np.random.default_rng(2020)
    z = rng.normal(0.0, 2.5, size=(N, K))
    truth = np.exp(z - z.max(axis=1, keepdims=True))
    truth /= truth.sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(K, p=row) for row in truth], dtype=np.int32)
    logits = 1.8 * z + rng.normal(0.0, 0.5, size=(N, K))
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p = p.astype(np.float32)
    splits = np.stack([rng.permutation(N) for _ in range(S)]).astype(np.int32)

    estimator = FixedProbabilities(p).fit(np.arange(N).reshape(-1, 1), labels)
    sizes, coverages = [], []
    for s in range(S):
        cal, test = splits[s, : N // 2], splits[s, N // 2 :]
        scc = SplitConformalClassifier(estimator, confidence_level=LEVEL, conformity_score="aps",
                                       prefit=True, random_state=s)
        scc.conformalize(cal.reshape(-1, 1), labels[cal])
        _, sets = scc.predict_set(test.reshape(-1, 1), conformity_score_params={"include_last_label": "randomized"})
        sets = sets[:, :, 0]
        sizes.append(float(sets.sum(axis=1).mean()))
        coverages.append(float(sets[np.arange(len(test)), labels[test]].mean()))

    np.save(os.path.join(HERE, "probabilities.npy"), p)
    np.save(os.path.join(HERE, "labels.npy"), labels)
    np.save(os.path.join(HERE, "splits.npy"), splits)
    with open(os.path.join(HERE, "aps_reference.json"), "w") as f:
        json.dump({"source": "MAPIE %s randomised APS" % mapie.__version__, "level": LEVEL,
                   "mean_set_size": sizes, "coverage": coverages}, f, indent=1)
        f.write("\n")
    print("MAPIE randomised APS: mean set size %.4f, coverage %.4f" % (np.mean(sizes), np.mean(coverages)))


if __name__ == "__main__":
    main()
