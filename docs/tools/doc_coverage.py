"""The fraction of public symbols with a doc comment, read from the symbol graphs of the five
library modules (`make doc-coverage`; needs a release build).

A symbol counts when its access level is public (package and internal ones are left out) and
it is declared in this package: members that Swift synthesises or inherits from a protocol
declared elsewhere (`::SYNTHESIZED::`, `Equatable.==`) are not ours to document. A symbol is
documented when it has a doc comment of its own. Run from the repository root:

    python3 docs/tools/doc_coverage.py [--build .build/release] [--list]

`--list` prints every undocumented symbol with its file and line.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

MODULES = ["LikelyTensor", "Distributions", "LikelyNN", "LikelyData", "Likely"]


def extract(module, build, out):
    """Runs swift-symbolgraph-extract for `module` against the built modules in `build`."""
    modules = os.path.join(build, "Modules")
    triple = subprocess.run(["swiftc", "-print-target-info"], capture_output=True, text=True, check=True)
    target = json.loads(triple.stdout)["target"]["triple"]
    includes = ["-I", modules]
    for c_module in ["CGSL", "CZlib"]:
        includes += ["-I", os.path.join("Sources", c_module)]
    # The C targets' module maps, which SwiftPM generates into the build folder.
    for module_map in glob.glob(os.path.join(build, "*.build", "module.modulemap")):
        includes += ["-Xcc", "-fmodule-map-file=" + module_map]
    subprocess.run(["swift-symbolgraph-extract", "-module-name", module, "-target", target, *includes,
                    "-minimum-access-level", "public", "-skip-synthesized-members", "-skip-inherited-docs", "-output-dir", out],
                   check=True)


def count(out, listing):
    documented, total, missing = 0, 0, []
    for path in sorted(glob.glob(os.path.join(out, "*.symbols.json"))):
        graph = json.load(open(path))
        for symbol in graph["symbols"]:
            if symbol.get("accessLevel") != "public":
                continue
            identifier = symbol["identifier"]["precise"]
            if "::SYNTHESIZED::" in identifier:
                continue
            location = symbol.get("location", {})
            if not location.get("uri", "").startswith("file://" + os.getcwd()):
                continue  # declared elsewhere (inherited from a protocol of another package)
            total += 1
            if symbol.get("docComment", {}).get("lines"):
                documented += 1
            elif listing:
                where = location["uri"].replace("file://" + os.getcwd() + "/", "")
                missing.append(f"{where}:{location['position']['line'] + 1}: {'.'.join(symbol['pathComponents'])}")
    return documented, total, missing


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=".build/release")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    grand_documented = grand_total = 0
    with tempfile.TemporaryDirectory() as scratch:
        for module in MODULES:
            out = os.path.join(scratch, module)
            os.makedirs(out)
            extract(module, args.build, out)
            documented, total, missing = count(out, args.list)
            grand_documented += documented
            grand_total += total
            print(f"{module:14s} {documented:5d} of {total:5d} public symbols documented ({100 * documented / max(total, 1):.1f}%)")
            for line in missing:
                print("  " + line)
    print(f"{'all':14s} {grand_documented:5d} of {grand_total:5d} ({100 * grand_documented / max(grand_total, 1):.1f}%)")


if __name__ == "__main__":
    sys.exit(main())
