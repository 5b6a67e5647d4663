"""laplace-torch's diagonal Laplace of a small classifier, for LaplaceStructureTests.swift.

A network Linear(3 -> 5), tanh, Linear(5 -> 3) with a softmax (categorical) likelihood, its
weights drawn here (not trained: the GGN needs no optimum), 30 inputs and class labels drawn
here. laplace-torch's DiagLaplace (its exact diagonal GGN, BackPack's DiagGGNExact) with the
prior precision delta fixed gives the posterior precision's diagonal and the log marginal
likelihood log p(D | theta) - (log det P - log det P0 + theta' P0 theta) / 2.

Writes laplace_diag_torch.json with everything in Likely's order: the kernel W[input, output]
row-major then the bias, layer by layer (torch stores Linear weights as [output, input]).

Run with an environment that has torch and laplace-torch:
    python generate_laplace_diag_torch.py
"""
import json
import torch
from laplace import Laplace

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)
n, delta = 30, 0.8
x = torch.randn(n, 3)
y = torch.randint(0, 3, (n,))
model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
with torch.no_grad():
    for p in model.parameters():
        p.mul_(1.5)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=10)
la = Laplace(model, "classification", subset_of_weights="all", hessian_structure="diag", prior_precision=delta)
la.fit(loader)


def likely_order(vector):
    """Torch's parameter vector (W[out, in] then b, per layer) in Likely's (W[in, out] then b)."""
    out, offset = [], 0
    for layer in [model[0], model[2]]:
        w = layer.weight
        count = w.numel()
        out += vector[offset:offset + count].reshape(w.shape).T.reshape(-1).tolist()
        offset += count
        out += vector[offset:offset + layer.bias.numel()].tolist()
        offset += layer.bias.numel()
    return out


theta = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
json.dump({
    "x": x.reshape(-1).tolist(),
    "y": y.tolist(),
    "delta": delta,
    "theta": likely_order(theta),
    "precision_diagonal": likely_order(la.posterior_precision.detach()),
    "evidence": float(la.log_marginal_likelihood(prior_precision=torch.tensor(delta))),
}, open("laplace_diag_torch.json", "w"), indent=1)
