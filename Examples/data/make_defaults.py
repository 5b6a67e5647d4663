"""Writes defaults.csv, the table of Examples/CSVClassifier: 2000 made-up loan accounts.

Columns: balance (in thousands), income (in thousands), student (0/1), default (0/1, the
target). The true model is logistic: P(default = 1) = σ(−6 + 2.6·balance − 0.02·income + 0.7·student),
about 19% positives. Run `python3 make_defaults.py` in this folder; numpy's seeded generator
makes the same file every time.
"""
import numpy as np

rng = np.random.default_rng(25)
n = 2000
student = (rng.uniform(size=n) < 0.3).astype(int)
income = np.where(student == 1, rng.normal(18, 5, n), rng.normal(40, 12, n)).clip(5, None)
balance = rng.gamma(4.0, 0.4, n)
logit = -6 + 2.6 * balance - 0.02 * income + 0.7 * student
default = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
with open("defaults.csv", "w") as f:
    f.write("balance,income,student,default\n")
    for row in zip(balance, income, student, default):
        f.write(f"{row[0]:.3f},{row[1]:.2f},{row[2]},{row[3]}\n")
print(f"{n} rows, {default.mean():.3f} positive")
