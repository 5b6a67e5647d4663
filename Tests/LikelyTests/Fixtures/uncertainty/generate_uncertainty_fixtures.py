"""Reference values for the OOD detection scores and the risk-coverage area.

Run: python3 generate_uncertainty_fixtures.py  (numpy, scikit-learn) -> uncertainty_reference.json
AUROC: sklearn.metrics.roc_auc_score; AUPR: average_precision_score with OOD as positive;
FPR95: roc_curve's fpr at the first threshold whose tpr reaches 0.95.
AURC: the mean over k of the mean loss of the k most certain inputs (continuous
uncertainties, so no ties), computed with numpy's cumulative sums.
"""
import json
import numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score, roc_curve

rng = np.random.default_rng(20261202)
cases = []
for name, n_in, n_out, shift, rounding in [("separated", 200, 150, 1.5, None), ("overlapping", 300, 100, 0.3, None),
                                            ("ties", 120, 80, 0.8, 1), ("inverted", 50, 60, -1.0, None)]:
    s_in = rng.normal(0.0, 1.0, n_in)
    s_out = rng.normal(shift, 1.0, n_out)
    if rounding is not None:
        s_in, s_out = np.round(s_in, rounding), np.round(s_out, rounding)
    y = np.r_[np.zeros(n_in), np.ones(n_out)]
    s = np.r_[s_in, s_out]
    fpr, tpr, _ = roc_curve(y, s)
    cases.append({"name": name, "in": s_in.tolist(), "out": s_out.tolist(),
                  "auroc": roc_auc_score(y, s), "aupr": average_precision_score(y, s),
                  "fpr95": float(fpr[np.argmax(tpr >= 0.95)])})

n = 400
u = rng.uniform(0, 1, n)
loss = (rng.uniform(0, 1, n) < 0.1 + 0.6 * u).astype(float) * rng.exponential(1.0, n)
order = np.argsort(u)
risk = np.cumsum(loss[order]) / np.arange(1, n + 1)
aurc = {"losses": loss.tolist(), "uncertainties": u.tolist(), "risks": risk.tolist(), "area": float(risk.mean())}

with open("uncertainty_reference.json", "w") as f:
    json.dump({"ood": cases, "aurc": aurc}, f)
