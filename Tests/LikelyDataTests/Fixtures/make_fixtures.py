#!/usr/bin/env python3
"""Writes the LikelyData test fixtures with numpy, gzip and the csv module (independent of
the Swift readers), plus expected.json holding the values those libraries put in the files.

Run from anywhere: python3 Tests/LikelyDataTests/Fixtures/make_fixtures.py
"""
import csv
import gzip
import io
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
expected = {}


def path(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def write_bytes(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def write_gz(name, data):
    # mtime=0 keeps the fixture bytes reproducible.
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as g:
        g.write(data)
    write_bytes(name, buffer.getvalue())


# --- NPY round trips -------------------------------------------------------------------
rng = np.random.default_rng(20240601)
arrays = {
    "f32.npy": (rng.normal(size=(3, 4)) * 10).astype("<f4"),
    "f64.npy": rng.normal(size=(2, 3, 2)).astype("<f8"),
    "u8.npy": rng.integers(0, 256, size=(5,)).astype("u1"),
    "i32.npy": rng.integers(-1000, 1000, size=(2, 2)).astype("<i4"),
    "i64.npy": rng.integers(-(2**40), 2**40, size=(4,)).astype("<i8"),
    "bool.npy": np.array([True, False, True]),
    "scalar.npy": np.array(2.5, dtype="<f4"),
    "empty.npy": np.zeros((0, 3), dtype="<f4"),
}
for name, a in arrays.items():
    np.save(path("npy", name), a)
    expected["npy/" + name] = {"shape": list(a.shape), "values": [float(np.float32(v)) for v in a.ravel()]}

# Format versions 2.0 and 3.0 (4-byte header length).
v2 = np.arange(6, dtype="<f4").reshape(2, 3) / 4
with open(path("npy", "v2.npy"), "wb") as f:
    np.lib.format.write_array(f, v2, version=(2, 0))
expected["npy/v2.npy"] = {"shape": [2, 3], "values": [float(v) for v in v2.ravel()]}
with open(path("npy", "v3.npy"), "wb") as f:
    np.lib.format.write_array(f, v2, version=(3, 0))
expected["npy/v3.npy"] = {"shape": [2, 3], "values": [float(v) for v in v2.ravel()]}

# Bad NPY files.
np.save(path("npy-bad", "fortran.npy"), np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
np.save(path("npy-bad", "object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.save(path("npy-bad", "bigendian.npy"), np.arange(3, dtype=">f4"))
np.save(path("npy-bad", "float16.npy"), np.arange(3, dtype="<f2"))
np.save(path("npy-bad", "structured.npy"), np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
np.save(path("npy-bad", "nan.npy"), np.array([[1.0, 2.0], [np.nan, 4.0]], dtype="<f4"))
good = open(path("npy", "f32.npy"), "rb").read()
write_bytes("npy-bad/truncated.npy", good[:-5])
write_bytes("npy-bad/extra.npy", good + b"\x00\x00\x00\x00")
write_bytes("npy-bad/notnpy.npy", b"just some text, not numpy\n")
# A header claiming a huge shape over a tiny payload.
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 784), }"
header = header + " " * (63 - len(header) % 64) + "\n"
write_bytes("npy-bad/huge.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\x00" * 16)

# A directory with x.npy and y.npy.
x = rng.normal(size=(6, 2)).astype("<f4")
y = np.array([0, 2, 1, 2, 0, 1], dtype="<i8")
np.save(path("npydir", "x.npy"), x)
np.save(path("npydir", "y.npy"), y)
expected["npydir"] = {"x": [float(v) for v in x.ravel()], "y": [int(v) for v in y]}
np.save(path("npydir-mismatch", "x.npy"), x)
np.save(path("npydir-mismatch", "y.npy"), y[:5])

# --- IDX ---------------------------------------------------------------------------------
def idx(array, magic_type=0x08):
    shape = array.shape
    head = struct.pack(">BBBB", 0, 0, magic_type, len(shape)) + b"".join(struct.pack(">I", d) for d in shape)
    return head + array.astype("u1").tobytes()


images = rng.integers(0, 256, size=(3, 4, 5)).astype("u1")
labels = np.array([7, 0, 3], dtype="u1")
write_bytes("idx/images-idx3-ubyte", idx(images))
write_gz("idx/images-idx3-ubyte.gz", idx(images))
write_bytes("idx/labels-idx1-ubyte", idx(labels))
write_gz("idx/labels-idx1-ubyte.gz", idx(labels))
expected["idx/images"] = {"shape": [3, 4, 5, 1], "values": [float(np.float32(v) / np.float32(255)) for v in images.ravel()]}
expected["idx/labels"] = [int(v) for v in labels]

for split, n in (("train", 5), ("t10k", 3)):
    ims = rng.integers(0, 256, size=(n, 28, 28)).astype("u1")
    lab = rng.integers(0, 10, size=(n,)).astype("u1")
    write_gz(f"mnist/{split}-images-idx3-ubyte.gz", idx(ims))
    write_gz(f"mnist/{split}-labels-idx1-ubyte.gz", idx(lab))
    expected[f"mnist/{split}"] = {"labels": [int(v) for v in lab], "pixel_sum": float(ims.astype(np.float64).sum() / 255)}
write_gz("mnist-mismatch/train-images-idx3-ubyte.gz", idx(rng.integers(0, 256, size=(4, 28, 28))))
write_gz("mnist-mismatch/train-labels-idx1-ubyte.gz", idx(np.zeros(3)))

good_images = idx(images)
write_bytes("idx-bad/wrong-magic-idx3-ubyte", b"\x00\x00\x08\x01" + good_images[4:])
write_bytes("idx-bad/not-idx-idx3-ubyte", b"PK\x03\x04" + good_images[4:])
write_bytes("idx-bad/float-idx3-ubyte", b"\x00\x00\x0d\x03" + good_images[4:])
write_bytes("idx-bad/short-idx3-ubyte", good_images[:-7])
write_bytes("idx-bad/long-idx3-ubyte", good_images + b"\x00\x01")
billion = struct.pack(">BBBBIII", 0, 0, 8, 3, 1_000_000_000, 28, 28) + b"\x00" * 784 * 2
write_bytes("idx-bad/billion-idx3-ubyte", billion)
write_gz("idx-bad/billion-idx3-ubyte.gz", billion)
gz = io.BytesIO()
with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as g:
    g.write(idx(rng.integers(0, 256, size=(50, 28, 28))))
write_bytes("idx-bad/truncated-idx3-ubyte.gz", gz.getvalue()[: len(gz.getvalue()) // 2])
write_bytes("idx-bad/header-only-idx3-ubyte", good_images[:6])

# --- CSV (written by the csv module; expected values parsed back by it) --------------------
rows = [
    ["x1", "note", "x2", "species"],
    ["1.5", "plain", "-2", "setosa"],
    ["2.25", "has, comma", "3e2", "virginica"],
    ["-0.5", 'has "quotes"', "4", "setosa"],
    ["10", "two\nlines", "0.125", "versicolor"],
]
with open(path("csv", "quoted.csv"), "w", newline="") as f:
    csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
with open(path("csv", "quoted.csv"), newline="") as f:
    parsed = list(csv.reader(f))
expected["csv/quoted.csv"] = {
    "x1": [float(r[0]) for r in parsed[1:]],
    "x2": [float(r[2]) for r in parsed[1:]],
    "species": [r[3] for r in parsed[1:]],
}
with open(path("csv", "semicolon.csv"), "w", newline="") as f:
    csv.writer(f, delimiter=";", lineterminator="\n").writerows(
        [["a", "b", "y"], ["1.5", "2", "0.5"], ["3", "4", "1.5"]])
with open(path("csv", "tab.tsv"), "w", newline="") as f:
    csv.writer(f, delimiter="\t", lineterminator="\n").writerows([["a", "y"], ["1", "2"], ["3", "4"]])

with open(path("expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print("wrote fixtures to", HERE)
