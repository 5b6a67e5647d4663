#!/usr/bin/env python3
"""Writes rare_category_counts.csv: 400 rows of negative-binomial counts whose column `kind` has
a category seen in one row only (`rare`). x ~ U(0, 1), kind 'a' or 'b' at random, row 200 'rare';
y ~ NB with mean exp(3 + 3x) and total count r = 1.5 (numpy's negative_binomial(r, r/(r + mean))).
Standardized by its sd, that one row's one-hot input would be sqrt(400) = 20.

    python3 generate_rare_category_counts.py > rare_category_counts.csv
"""
import numpy as np

rng = np.random.default_rng(5)
n = 400
x = rng.uniform(0, 1, n)
kind = np.where(rng.uniform(size=n) < 0.5, "a", "b").astype(object)
kind[n // 2] = "rare"
mean = np.exp(3 + 3 * x)
y = rng.negative_binomial(1.5, 1.5 / (1.5 + mean))
print("x,kind,y")
for i in range(n):
    print(f"{x[i]:.4f},{kind[i]},{y[i]}")
