#!/usr/bin/env python3
"""Outside-style check of `likely dist` against scipy.stats on random everyday parameters
(scales 0.01..100, rates up to 100, df 1..100). Run from the package root after
`swift build -c release`: python3 Tests/DistributionsTests/Fixtures/check_cli_against_scipy.py"""
import json, subprocess, numpy as np
from scipy import stats
rng = np.random.default_rng(7)
B = ".build/release/likely"
bad = 0; total = 0
def close(a, b):
    if np.isinf(b): return a == b
    return abs(a - b) <= 1e-4 + 1e-4 * max(abs(a), abs(b))
for trial in range(120):
    fam = ["normal","lognormal","studentt","laplace","gamma","beta","poisson","negbinomial"][trial % 8]
    if fam in ("normal","laplace","lognormal"):
        loc = float(rng.uniform(-5,5)) if fam=="lognormal" else float(rng.uniform(-100,100)); sc = float(10**rng.uniform(-2,2 if fam!="lognormal" else 0.5))
        args = ["--loc", str(loc), "--scale", str(sc)]
        d = {"normal": stats.norm(loc, sc), "laplace": stats.laplace(loc, sc), "lognormal": stats.lognorm(s=sc, scale=np.exp(loc))}[fam]
    elif fam == "studentt":
        df = float(rng.uniform(1,100)); loc = float(rng.uniform(-10,10)); sc = float(10**rng.uniform(-2,2))
        args = ["--df", str(df), "--loc", str(loc), "--scale", str(sc)]; d = stats.t(df, loc, sc)
    elif fam == "gamma":
        a = float(10**rng.uniform(-1,2)); r = float(10**rng.uniform(-2,2)); args=["--concentration",str(a),"--rate",str(r)]; d=stats.gamma(a, scale=1/r)
    elif fam == "beta":
        a = float(10**rng.uniform(-0.5,2)); b=float(10**rng.uniform(-0.5,2)); args=["--alpha",str(a),"--beta",str(b)]; d=stats.beta(a,b)
    elif fam == "poisson":
        r = float(rng.uniform(0.01,100)); args=["--rate",str(r)]; d=stats.poisson(r)
    else:
        n = float(rng.uniform(0.5,50)); p=float(rng.uniform(0.01,0.95)); args=["--total-count",str(n),"--probs",str(p)]; d=stats.nbinom(n,1-p)
    qs = rng.uniform(0.001, 0.999, 5)
    xs = d.ppf(rng.uniform(0.001,0.999,5))
    if fam in ("poisson","negbinomial"): xs = np.floor(xs)
    out = json.loads(subprocess.run([B,"dist",fam,*args,"--logpdf",",".join(map(str,map(float,xs))),"--cdf",",".join(map(str,map(float,xs))),"--quantile",",".join(map(str,map(float,qs))),"--json"],capture_output=True,text=True).stdout)
    lp = d.logpmf(xs) if fam in ("poisson","negbinomial") else d.logpdf(xs)
    for key, ref in [("logpdf", lp), ("cdf", d.cdf(xs)), ("quantile", d.ppf(qs))]:
        for a, b in zip(out[key], ref):
            total += 1
            if not close(a, b): bad += 1; print(fam, args, key, a, b)
print(f"{bad} disagreements of {total}")
