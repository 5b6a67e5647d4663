"""Reference outputs of keyed RandomSource streams, computed independently of GSL.

The state of the stream of key (seed, purpose, epoch, example) is written out from the
formula in RandomSource.swift (two SplitMix64 sequences from two digests of the key), and
numpy's own MT19937 (set to that 624-word state, position 624 so the first draw twists)
produces the first raw 32-bit outputs. RandomSourceTests checks that GSL, given the same
state through gsl_rng_state, draws the same numbers.

Run: python3 Tests/LikelyTensorTests/Fixtures/stream_outputs.py
"""
import numpy as np

MASK = (1 << 64) - 1


def mix(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def digest(key, salt):
    h = mix(salt)
    for word in key:
        h = mix(h ^ word)
    return h


def state(key):
    a, b = digest(key, 1), digest(key, 2)
    words = []
    for _ in range(312):
        a = (a + 0x9E3779B97F4A7C15) & MASK
        b = (b + 0xD1B54A32D192ED03) & MASK
        w = mix(a) ^ mix(b)
        words += [w & 0xFFFFFFFF, w >> 32]
    return np.array(words, dtype=np.uint32)


def outputs(key, count=4):
    g = np.random.MT19937()
    g.state = {"bit_generator": "MT19937", "state": {"key": state(key), "pos": 624}}
    return [int(v) for v in g.random_raw(count)]


# (seed, purpose raw value, epoch, example); purposes: 0 general, 4 dropout, 6 monteCarloDropout
for key in [(0, 0, 0, 0), (42, 4, 3, 17), (2**64 - 1, 6, 0, 999_999)]:
    print(key, outputs(key))
