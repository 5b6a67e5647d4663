#!/usr/bin/env python3
"""Run the benchmark suite: `likely benchmark` and the baselines on every table, then write the page.

    /path/to/venv/bin/python Examples/benchmarks/export_tables.py
    /path/to/venv/bin/python Examples/benchmarks/run_suite.py [--likely .build/release/likely]

For every table of DATA/suite.json (written by export_tables.py) it runs

    likely benchmark DATA/T.csv --target TARGET --family FAMILY --features F1,F2,... \\
        --splits 3 --seed S --write-splits WORK/T/splits --json [the table's likely_options]

(default options otherwise; likely_options is `--missing impute` for a table with missing
feature cells), then the GLM and NGBoost baselines of baselines.py on the same splits, and
for a synthetic table the true model's test NLL on each split's test rows. It writes
WORK/results.json and replaces the "## Results" section of --page (docs/benchmarks.md) with
a table per family: n, Likely's test NLL ± se over the splits against each baseline's, marked
win (Likely at least 0.05 nats better, on the mean over the splits that both finished), tie or
loss; the tallies; each synthetic table's gap to the true model; the seconds of each part.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np

import baselines
import synthetic_tables
from export_tables import write_atomically, write_json, write_text

MARGIN = 0.05
RESULTS_HEADING = "## Results"
BASELINES = {"glm": "GLM", "ngboost": "NGBoost"}


# MARK: - Running one table

def likely_command(arguments, table, splits_directory):
    return ([arguments.likely, "benchmark", os.path.join(arguments.data, table["csv"]),
             "--target", table["target"], "--family", table["family"], "--features", ",".join(table["features"]),
             "--splits", str(arguments.splits), "--seed", str(arguments.seed),
             "--write-splits", splits_directory, "--json"] + table["likely_options"])


def run_likely(command):
    """Likely's summary (the JSON object on stdout), or {"failed": reason} when the run fails."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return {"failed": f"exit {result.returncode}: {result.stderr.strip()[-500:]}"}
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    try:
        summary = json.loads(lines[-1])
        nll = [entry["nll"] for entry in summary["per_split"]]
    except (IndexError, ValueError, KeyError, TypeError) as error:
        return {"failed": f"unexpected output ({type(error).__name__}: {error}): {result.stdout.strip()[-300:]}"}
    absent = [key for key in ("nll_mean", "nll_se") if key not in summary]
    if absent:
        return {"failed": f"the JSON has no {', '.join(absent)}: {lines[-1][:300]}"}
    if not all(np.isfinite(nll)):
        return {"failed": f"a non-finite test NLL: {nll}"}
    return summary


def true_model(table, csv, splits_directory):
    """The true model's test NLL on each split (synthetic tables only)."""
    frame = baselines.read_table(csv)
    splits = baselines.read_splits(splits_directory, len(frame))
    return [synthetic_tables.true_test_nll(table["name"], frame, test) for _, test in splits]


def earlier_record(arguments, table):
    """The record of `table` in --baselines-from's results.json when it has baselines, else None."""
    if not arguments.baselines_from:
        return None
    with open(os.path.join(arguments.baselines_from, "results.json")) as file:
        records = {record["table"]["name"]: record for record in json.load(file)}
    record = records.get(table["name"])
    return record if record and "baselines" in record else None


def run_table(arguments, table):
    """One table's record: Likely's summary, each baseline's, and the true model's per split.

    With --baselines-from, a table that run scored keeps its splits (Likely reads them with
    --splits-from), its baselines and its true model's NLLs; only Likely runs again."""
    splits_directory = os.path.join(arguments.work, table["name"], "splits")
    os.makedirs(splits_directory, exist_ok=True)
    for name in os.listdir(splits_directory):                 # never score on an earlier run's splits
        os.remove(os.path.join(splits_directory, name))
    command = likely_command(arguments, table, splits_directory)
    earlier = earlier_record(arguments, table)
    if earlier:
        earlier_splits = os.path.join(arguments.baselines_from, table["name"], "splits")
        for name in os.listdir(earlier_splits):
            shutil.copyfile(os.path.join(earlier_splits, name), os.path.join(splits_directory, name))
        position = command.index("--write-splits")
        command[position:position + 2] = ["--splits-from", splits_directory]
    start = time.perf_counter()
    record = {"table": table, "command": command, "likely": run_likely(command)}
    record["likely"]["wall_seconds"] = time.perf_counter() - start
    if "failed" in record["likely"]:
        return record
    if earlier:
        record.update({key: earlier[key] for key in ("baselines", "true_nll") if key in earlier})
        return record
    csv = os.path.join(arguments.data, table["csv"])
    try:
        record["baselines"] = baselines.run_baselines(csv, table["target"], table["family"], splits_directory,
                                                      table["features"], arguments.seed)
        if "synthetic" in table:
            record["true_nll"] = true_model(table, csv, splits_directory)
    except (OSError, ValueError, baselines.SplitError) as error:
        record["baselines_failed"] = f"{type(error).__name__}: {error}"
    return record


# MARK: - Comparing

def per_split_nll(summary):
    """{split: nll} of the splits that finished (Likely's per_split in order, a baseline's by "split")."""
    return {entry.get("split", k): entry["nll"] for k, entry in enumerate(summary.get("per_split", [])) if "nll" in entry}


def verdict(likely, baseline):
    """("win" | "tie" | "loss", baseline - Likely) on the mean over the splits both finished, or None."""
    ours, theirs = per_split_nll(likely), per_split_nll(baseline)
    common = sorted(set(ours) & set(theirs))
    if not common:
        return None
    difference = float(np.mean([theirs[k] - ours[k] for k in common]))
    return ("win" if difference >= MARGIN else "loss" if difference <= -MARGIN else "tie"), difference


def mean_se(values):
    values = list(values)
    se = np.std(values, ddof=1) / np.sqrt(len(values)) if len(values) > 1 else float("nan")
    return float(np.mean(values)), float(se)


# MARK: - The page

def score(summary):
    if "failed" in summary or not summary.get("splits_ok", len(summary.get("per_split", []))):
        return "failed"
    text = f"{summary['nll_mean']:.3f} ± {summary['nll_se']:.3f}"
    finished, total = len(per_split_nll(summary)), len(summary["per_split"])
    return text if finished == total else f"{text} ({finished} of {total} splits)"


def results_rows(records):
    """The per-table lines of the results table, and the tallies {baseline: {verdict: count}}."""
    tallies = {name: {"win": 0, "tie": 0, "loss": 0, "not compared": 0} for name in BASELINES}
    lines = ["| table | family | n | Likely | GLM | vs GLM | NGBoost | vs NGBoost | seconds (Likely / GLM / NGBoost) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for record in records:
        table, likely = record["table"], record["likely"]
        cells = [table["name"], table["family"], str(table["rows"]), score(likely)]
        seconds = [f"{likely['wall_seconds']:.0f}"]
        for name in BASELINES:
            baseline = record.get("baselines", {}).get(name)
            outcome = verdict(likely, baseline) if baseline and "failed" not in likely else None
            tallies[name][outcome[0] if outcome else "not compared"] += 1
            cells += [score(baseline) if baseline else "not run", f"{outcome[0]} ({outcome[1]:+.3f})" if outcome else "–"]
            seconds.append(f"{baseline['seconds']:.0f}" if baseline and "seconds" in baseline else "–")
        lines.append("| " + " | ".join(cells + [" / ".join(seconds)]) + " |")
    return lines, tallies


def synthetic_rows(records):
    lines = ["| table | true model's NLL | Likely − true | GLM − true | NGBoost − true |", "|---|---|---|---|---|"]
    for record in records:
        if "true_nll" not in record:
            continue
        truth = record["true_nll"]
        cells = [record["table"]["name"], "{:.3f} ± {:.3f}".format(*mean_se(truth))]
        for summary in [record["likely"]] + [record["baselines"][name] for name in BASELINES]:
            nll = per_split_nll(summary)
            cells.append("{:+.3f} ± {:.3f}".format(*mean_se(nll[k] - truth[k] for k in nll)) if nll else "failed")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def failures(records):
    lines = []
    for record in records:
        name = record["table"]["name"]
        if "failed" in record["likely"]:
            lines.append(f"- {name}: `likely benchmark` failed: {record['likely']['failed']}")
        if "baselines_failed" in record:
            lines.append(f"- {name}: the baselines could not run: {record['baselines_failed']}")
        for baseline, summary in record.get("baselines", {}).items():
            lines += [f"- {name}: {BASELINES[baseline]} split {entry['split']}: {entry['failed']}"
                      for entry in summary["per_split"] if "failed" in entry]
    return lines


def results_section(records, arguments, seconds):
    rows, tallies = results_rows(records)
    lines = [RESULTS_HEADING, "",
             f"Run of {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
             f"({platform.machine()}), {len(records)} tables, {arguments.splits} splits each, seed {arguments.seed}, "
             f"{seconds / 60:.1f} minutes in all. Test NLL per observation (nats), mean ± standard error over the "
             f"splits; the verdict is Likely's against the baseline with the mean difference baseline − Likely "
             f"(positive: Likely is better; win at ≥ {MARGIN}, loss at ≤ −{MARGIN})."
             + (f" The splits, baselines and true models' NLLs of the tables it had scored are those of the earlier run "
                f"in `{os.path.basename(os.path.normpath(arguments.baselines_from))}` (its seconds too); only Likely ran "
                f"again." if arguments.baselines_from else ""), ""]
    lines += ["| against | wins | ties | losses | not compared |", "|---|---|---|---|---|"]
    lines += [f"| {BASELINES[name]} | {t['win']} | {t['tie']} | {t['loss']} | {t['not compared']} |" for name, t in tallies.items()]
    lines += ["", *rows, "", "### Synthetic tables: the gap to the true model", "",
              "Test NLL minus the true model's test NLL on the same rows, mean ± standard error over the splits.", "",
              *synthetic_rows(records)]
    failed = failures(records)
    lines += ["", "### Failures", ""] + (failed or ["None: every run finished on every split."])
    return "\n".join(lines) + "\n"


def write_page(path, section):
    """Replaces the page's results section (from its heading to the end) by `section`."""
    text = "# Benchmarks\n\n"
    if os.path.exists(path):
        with open(path) as file:
            text = file.read()
    head = text.split("\n" + RESULTS_HEADING + "\n")[0].rstrip("\n")
    write_atomically(path, lambda temporary: write_text(temporary, head + "\n\n" + section))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--likely", default=".build/release/likely", help="the likely executable")
    parser.add_argument("--data", default="benchmark-data", help="the directory export_tables.py wrote")
    parser.add_argument("--work", default=None, help="directory for the splits and results.json (default DATA/runs)")
    parser.add_argument("--tables", help="comma-separated table names (default: every table of suite.json)")
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--page", default="docs/benchmarks.md", help="the page whose results section is rewritten")
    parser.add_argument("--baselines-from", help="an earlier run's WORK directory: reuse its splits, baselines and true "
                        "NLLs (same --seed and --splits), running only likely again; tables it did not score run in full")
    arguments = parser.parse_args()
    arguments.work = arguments.work or os.path.join(arguments.data, "runs")
    manifest = os.path.join(arguments.data, "suite.json")
    try:
        with open(manifest) as file:
            tables = json.load(file)["tables"]
    except (OSError, ValueError, KeyError) as error:
        sys.exit(f"run_suite: {manifest}: {error} (run export_tables.py first)")
    if arguments.tables:
        chosen = arguments.tables.split(",")
        unknown = set(chosen) - {table["name"] for table in tables}
        if unknown:
            sys.exit(f"run_suite: no table {', '.join(sorted(unknown))} in {manifest}")
        tables = [table for table in tables if table["name"] in chosen]
    if not os.access(arguments.likely, os.X_OK):
        sys.exit(f"run_suite: {arguments.likely} is not an executable; build it with `swift build -c release`")

    start, records = time.perf_counter(), []
    for table in tables:
        records.append(run_table(arguments, table))
        likely = records[-1]["likely"]
        print(f"{table['name']}: Likely {score(likely)} "
              + " ".join(f"{BASELINES[name]} {score(summary)}" for name, summary in records[-1].get("baselines", {}).items())
              + f" ({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    write_atomically(os.path.join(arguments.work, "results.json"), lambda temporary: write_json(temporary, records))
    write_page(arguments.page, results_section(records, arguments, seconds))
    print(f"wrote {arguments.page} and {os.path.join(arguments.work, 'results.json')} in {seconds / 60:.1f} minutes", file=sys.stderr)


if __name__ == "__main__":
    main()
