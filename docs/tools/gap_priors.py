"""Gap splits of the benchmark suite's continuous tables, with several Laplace prior rules and
MC dropout scored on the same fitted network (docs/uncertainty.md, "Choosing the prior precision").

For every table of family normal in SUITE (the manifest `export_tables.py` writes, see
docs/benchmarks.md) and every numeric feature F with more than ten distinct values, the rows
are split as `likely benchmark T --gap F` splits them (sorted by F, ties by row; the middle
third is the test set). One model is fitted on the rest (`--dropout 0.1 --seed SEED`, the
fit's defaults otherwise: the same-family GLM is kept in the network's place unless the
network is clearly better on the validation rows, and `"glm": true` records it; pass
`--no-glm-candidate` in FIT OPTIONS to score the dropout network always), then
scored with `--predictive network`, with `--predictive dropout --mc-samples 50`, and with a
full Laplace posterior under each `--prior-precision` rule (`likely laplace --structure full`,
refitted in place for each rule; `gridsearch`, which needs the fit's validation rows, is fitted by
the fit itself with `--laplace full --prior-precision gridsearch` and scored first), scored with each Laplace predictive asked for (`laplace`, the
linearised one, recorded under the rule's name; `laplace-nn`, the sampled networks, under
"RULE nn"). Test categories unseen in training are encoded as missing
(`--unknown-category ignore`). One JSON line per (table, feature) is appended to OUT; pairs
already in OUT are skipped, so a run can be resumed.

Run: python3 gap_priors.py LIKELY SUITE SEED OUT [RULE,RULE,...] [MAX_ROWS] [FIT OPTIONS] [PREDICTIVE,...]
     (rules default to auto,weight-norm; MAX_ROWS keeps the smaller tables only; FIT OPTIONS,
     one string, go to every fit, e.g. "--no-glm-candidate"; predictives default to laplace)
"""
import csv
import json
import os
import shutil
import struct
import subprocess
import sys


def run(command):
    return subprocess.run(["nice", "-n", "10"] + command, capture_output=True, text=True)


def last_json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    likely, suite_path, seed, out = sys.argv[1:5]
    rules = sys.argv[5].split(",") if len(sys.argv) > 5 else ["auto", "weight-norm"]
    max_rows = int(sys.argv[6]) if len(sys.argv) > 6 else 10**9
    fit_options = sys.argv[7].split() if len(sys.argv) > 7 else []
    predictives = sys.argv[8].split(",") if len(sys.argv) > 8 else ["laplace"]
    folder = os.path.dirname(os.path.abspath(suite_path))
    tables = [t for t in list(json.load(open(suite_path)).values())[0] if t["family"] == "normal" and t["rows"] <= max_rows]
    tables.sort(key=lambda t: t["rows"])
    done = set()
    if os.path.exists(out):
        done = {(r["table"], r["feature"]) for r in map(json.loads, open(out))}
    work = os.path.join(os.path.dirname(os.path.abspath(out)), "gap-work")
    for table in tables:
        rows = list(csv.DictReader(open(os.path.join(folder, table["csv"]))))
        header = list(rows[0].keys())

        def numeric(column):
            try:
                return len({float(r[column]) for r in rows}) > 10
            except ValueError:
                return False

        for feature in [c for c in table["features"] if numeric(c)]:
            if (table["name"], feature) in done:
                continue
            # Rounded to float32 like likely's own sort, ties by row.
            values = [struct.unpack("f", struct.pack("f", float(r[feature])))[0] for r in rows]
            n = len(values)
            order = sorted(range(n), key=lambda i: (values[i], i))
            test = sorted(order[n // 3: 2 * n // 3])
            train = sorted(order[: n // 3] + order[2 * n // 3:])
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            for name, chosen in [("train", train), ("test", test)]:
                with open(os.path.join(work, name + ".csv"), "w", newline="") as f:
                    writer = csv.DictWriter(f, fieldnames=header)
                    writer.writeheader()
                    writer.writerows(rows[i] for i in chosen)
            model, train_csv, test_csv = (os.path.join(work, x) for x in ("m", "train.csv", "test.csv"))
            record = {"table": table["name"], "feature": feature, "seed": seed, "n_train": len(train), "n_test": len(test)}
            in_fit = ["--laplace", "full", "--prior-precision", "gridsearch"] if "gridsearch" in rules else []
            fitted = run([likely, "fit", train_csv, "--out", model, "--family", "normal", "--dropout", "0.1", "--seed", seed, "--quiet",
                          "--target", table["target"], "--features", ",".join(table["features"]), *table.get("likely_options", []), *fit_options, *in_fit])
            if fitted.returncode != 0:
                record["error"] = fitted.stderr[-300:]
            else:
                def score(predictive, *extra):
                    result = run([likely, "evaluate", model, test_csv, "--json", "--quiet", "--unknown-category", "ignore",
                                  "--predictive", predictive, *extra])
                    if result.returncode != 0:
                        return {"error": result.stderr[-300:]}
                    j = last_json(result)
                    return {"nll": j["nll"], "cov90": j["coverage"]["0.9"], "rmse": j["rmse"]}

                # A kept GLM is one Dense layer (it has no dropout: its MC-dropout predictive is the GLM's own).
                record["glm"] = len(json.load(open(os.path.join(model, "model.json")))["layers"]) == 1
                record["network"] = score("network")
                record["dropout"] = score("dropout", "--mc-samples", "50")
                for rule in sorted(rules, key=lambda r: r != "gridsearch"):
                    if rule == "gridsearch":
                        entry = json.load(open(os.path.join(model, "model.json")))["laplace"]
                    else:
                        posterior = run([likely, "laplace", model, train_csv, "--structure", "full", "--prior-precision", rule, "--quiet", "--json"])
                        if posterior.returncode != 0:
                            record[rule] = {"error": posterior.stderr[-300:]}
                            continue
                        entry = last_json(posterior)
                    delta = {"delta": entry["prior_precision"]}
                    for predictive in predictives:
                        key = rule if predictive == "laplace" else rule + " " + predictive.removeprefix("laplace-")
                        record[key] = score(predictive) | delta
            with open(out, "a") as f:
                f.write(json.dumps(record) + "\n")
            print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
