#!/usr/bin/env python3
"""The prior precision rules of a KFAC posterior, from the factors `likely laplace` stored.

    python3 Examples/benchmarks/kfac_prior_rules.py MODEL_DIR [--write RULE OUT_DIR]

MODEL_DIR holds a one-member model with a `kfac` or `ekfac` posterior (`likely laplace MODEL_DIR
DATA --structure kfac`). Each layer l's block of the precision is A ⊗ G + δₗ I, whose eigenvalues
are λ = αᵣ γ_c (the two factors' eigenvalues, in laplace.safetensors; for `ekfac` the stored
re-estimated `block_l.eigenvalues`), and its part of the Laplace evidence is

    (Pₗ/2) ln δₗ − δₗ ‖θₗ‖²/2 − ½ Σ ln(λ + δₗ),

θₗ the layer's trained weights and bias (weights.safetensors). Prints the δ of five rules:
`evidence` (one δ maximising the sum over layers, what `--prior-precision auto` stores),
`per-layer` (each layer's own maximum, `auto-per-layer`), `fan-in` (δₗ = fan-inₗ · δ₀ with
δ₀ maximising the evidence) and `init` (the prior the weights were drawn from before training:
Glorot uniform, variance 2 / (fan-in + fan-out), so δₗ = (fan-inₗ + fan-outₗ) / 2) and
`weight-norm` (δₗ = Pₗ / ‖θₗ‖², what `--prior-precision weight-norm` stores), each layer's ‖θₗ‖²
and the share of its λ below the evidence's δ.
With --write it copies MODEL_DIR to OUT_DIR with that rule's δ in model.json (the factors do
not depend on δ), for `likely evaluate OUT_DIR DATA`. Needs numpy and scipy.
"""

import argparse
import json
import shutil
import struct

import numpy as np
from scipy.optimize import minimize_scalar


def safetensors(path):
    """name -> float64 array of a safetensors file."""
    data = open(path, "rb").read()
    size = struct.unpack("<Q", data[:8])[0]
    header, base = json.loads(data[8:8 + size]), 8 + size
    return {name: np.frombuffer(data[base + v["data_offsets"][0]:base + v["data_offsets"][1]], np.float32)
            .reshape(v["shape"]).astype(np.float64) for name, v in header.items() if name != "__metadata__"}


def argmax(evidence):
    """The δ in [1e-4, 1e8] maximising evidence(δ) (bounded search in ln δ)."""
    result = minimize_scalar(lambda u: -evidence(np.exp(u)), bounds=(np.log(1e-4), np.log(1e8)), method="bounded")
    return float(np.exp(result.x))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--write", nargs=2, metavar=("RULE", "OUT_DIR"))
    args = parser.parse_args()
    factors, weights = safetensors(args.model + "/laplace.safetensors"), safetensors(args.model + "/weights.safetensors")
    blocks = len({name.split(".")[0] for name in factors})
    eigenvalues = [np.maximum(factors[f"block_{l}.eigenvalues"], 0).ravel() if f"block_{l}.eigenvalues" in factors
                   else np.outer(np.maximum(factors[f"block_{l}.input_eigenvalues"], 0),
                                 np.maximum(factors[f"block_{l}.output_eigenvalues"], 0)).ravel() for l in range(blocks)]
    # Weights in file order, grouped by layer (kernel, then bias); the covered layers are the weighted ones.
    layers = {}
    for name in weights:
        layers.setdefault(name.rsplit(".", 1)[0], []).append(name)
    groups = list(layers.values())
    assert len(groups) == blocks, f"{len(groups)} weighted layers but {blocks} Kronecker blocks"
    norms = [sum(float((weights[n] ** 2).sum()) for n in g) for g in groups]
    kernels = [next(weights[n] for n in g if weights[n].ndim > 1).shape for g in groups]
    fan_in = [int(np.prod(k[:-1])) for k in kernels]
    # A convolution's kernel [kh, kw, C, F]: fan-out kh·kw·F (Glorot's convention).
    fan_out = [int(np.prod(k[:-2])) * k[-1] if len(k) == 4 else k[-1] for k in kernels]
    for l, g in enumerate(groups):
        assert sum(weights[n].size for n in g) == eigenvalues[l].size, f"layer {l}: weights and factors differ in size"

    def layer_evidence(l, delta):
        return eigenvalues[l].size / 2 * np.log(delta) - delta / 2 * norms[l] - 0.5 * np.log(eigenvalues[l] + delta).sum()

    one = argmax(lambda d: sum(layer_evidence(l, d) for l in range(blocks)))
    d0 = argmax(lambda d: sum(layer_evidence(l, f * d) for l, f in enumerate(fan_in)))
    rules = {"evidence": [one] * blocks,
             "per-layer": [argmax(lambda d, l=l: layer_evidence(l, d)) for l in range(blocks)],
             "fan-in": [f * d0 for f in fan_in],
             "init": [(i + o) / 2 for i, o in zip(fan_in, fan_out)],
             "weight-norm": [min(max(e.size / max(n, 1e-300), 1e-8), 1e12) for e, n in zip(eigenvalues, norms)]}
    for name, deltas in rules.items():
        print(f"{name:10s}", " ".join(f"{d:.4g}" for d in deltas))
    print("fan-in δ0", f"{d0:.4g}")
    for l in range(blocks):
        print(f"layer {l}: {eigenvalues[l].size} weights, |θ|² {norms[l]:.4g}, fan-in {fan_in[l]},"
              f" share of λ below δ {np.mean(eigenvalues[l] < one):.3f}")
    if args.write:
        rule, out = args.write
        shutil.copytree(args.model, out)
        with open(out + "/model.json") as f:
            model = json.load(f)
        model["laplace"]["prior_precision"] = [rules[rule]]
        model["laplace"]["prior"] = "auto-per-layer"
        with open(out + "/model.json", "w") as f:
            json.dump(model, f, indent=2)
        print("wrote", out)


if __name__ == "__main__":
    main()
