#!/usr/bin/env python3
"""Golden vectors for reference/: numpy's legacy RandomState streams, glibc log samples, and the eight
kernels implemented literally as exercise-spec.md defines them
(reference/fixtures/literal_kernels.py: worksheet loops, both QUIRKs).

Writes reference/fixtures/random_streams.json and reference/fixtures/kernels.json. Kernel inputs are
not stored: each case names a seed, and its inputs are drawn from RandomState(seed) with randn in the
order listed in the case's "draws", so the TypeScript tests rebuild them with reference/RandomState
(itself checked bit for bit against random_streams.json).

Run: python3 scripts/gen_golden.py   (numpy required; the output is deterministic)
"""
import json
import math
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep __pycache__ out of the fixtures folder
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference", "fixtures"))
from literal_kernels import (  # noqa: E402
    conv_backward,
    conv_forward,
    convolve_window,
    create_mask_from_window,
    distribute_value,
    pool_backward,
    pool_forward,
    zero_pad,
)

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference", "fixtures")


def floats(array):
    return [float(v) for v in np.asarray(array, dtype=np.float64).ravel()]


def tensor_json(array):
    array = np.asarray(array, dtype=np.float64)
    return {"shape": list(array.shape), "data": floats(array)}


# ---- random streams ----

def random_streams():
    streams = []
    for seed in [0, 1, 42, 2**32 - 1]:
        rng = np.random.RandomState(seed)
        calls = []

        def randn(*dims):
            values = rng.randn(*dims)
            calls.append({"op": "randn", "dims": list(dims), "values": floats(values)})

        def rand(*dims):
            values = rng.rand(*dims)
            calls.append({"op": "rand", "dims": list(dims), "values": floats(values)})

        def randint(low, high, count):
            values = [int(rng.randint(low, high)) for _ in range(count)]
            calls.append({"op": "randint", "low": low, "high": high, "values": values})

        # Odd counts leave a cached second gaussian for the next call to use.
        randn(7)
        randn(4)
        randn(3, 5)
        randn()
        rand(6)
        randn(1)
        randint(0, 10, 6)
        randn(2, 3)
        randint(-3, 1000, 6)
        randint(5, 6, 2)
        randint(0, 2**32, 3)
        randint(-(2**31), 2**31 - 7, 3)
        rand()
        randn(0)
        randn(1001)
        rand(101)
        streams.append({"seed": seed, "calls": calls})

    rng = np.random.RandomState(2718)
    xs = list(rng.random_sample(1200)) + list(rng.uniform(0.9375, 1.0647, 600))
    xs += list(np.exp(rng.uniform(-700, 700, 150))) + list(rng.random_sample(20) * 2.0**-1060)
    # Inputs where a plain (unfused) evaluation of glibc's algorithm, a correctly rounded log, or V8's
    # Math.log disagree with glibc.
    xs += [0.954122774987424, 0.9710648434796734, 0.9403723619911483, 0.9382183482055052,
           0.9502877210233737, 0.9407288012956788, 0.9432475254488121, 1.0569603601951765,
           0.7148068875531424, 0.5381786477889788, 0.8158412460806527, 0.8487568799165727,
           0.3809411331485384, 0.06593634690590511, 1.0, 0.5, 2.0, 0.9375, 1.0646972656249998]
    logs = [[float(x), math.log(float(x))] for x in xs]
    return {"numpy": np.__version__, "streams": streams, "log": logs}


# ---- kernel cases ----

def conv_params(picker):
    """At least 30 shapes covering stride 1-3, pad 0-2, f from 1 to the padded size, H != W, C = 1, m = 1."""
    cases = []
    forced = [
        # m, H, W, C_prev, C, f, stride, pad, per-input bias
        (1, 3, 3, 1, 1, 2, 1, 0, False),
        (2, 5, 5, 3, 4, 3, 2, 1, False),
        (1, 4, 6, 2, 5, 1, 1, 0, True),
        (2, 5, 7, 3, 3, 9, 1, 2, True),   # f = padded height
        (1, 6, 4, 1, 2, 4, 3, 0, False),  # f = W
        (3, 2, 3, 2, 1, 2, 2, 2, True),
        (1, 7, 5, 3, 7, 5, 3, 1, False),
        (2, 4, 4, 3, 8, 2, 1, 2, True),
    ]
    cases.extend(forced)
    while len(cases) < 36:
        m = int(picker.randint(1, 4))
        H = int(picker.randint(1, 8))
        W = int(picker.randint(1, 8))
        if H == W:
            W = H % 7 + 1
        c_prev = int(picker.randint(1, 4))
        c = int(picker.randint(1, 7))
        stride = int(picker.randint(1, 4))
        pad = int(picker.randint(0, 3))
        f = int(picker.randint(1, min(H, W) + 2 * pad + 1))
        cases.append((m, H, W, c_prev, c, f, stride, pad, bool(picker.randint(0, 2))))
    return cases


def pool_params(picker):
    cases = [
        # m, H, W, C, f, stride
        (1, 3, 3, 1, 2, 1),
        (2, 4, 4, 3, 4, 1),
        (5, 5, 3, 2, 2, 1),   # the worksheet's pool_backward example shape
        (1, 6, 5, 2, 3, 3),
        (2, 7, 4, 1, 1, 2),
        (1, 5, 7, 3, 3, 2),
        (3, 6, 6, 2, 2, 2),
        (1, 2, 5, 1, 2, 3),
    ]
    while len(cases) < 34:
        m = int(picker.randint(1, 4))
        H = int(picker.randint(1, 8))
        W = int(picker.randint(1, 8))
        if H == W:
            W = H % 7 + 1
        C = int(picker.randint(1, 4))
        f = int(picker.randint(1, min(H, W) + 1))
        stride = int(picker.randint(1, 4))
        cases.append((m, H, W, C, f, stride))
    return cases


def kernel_cases():
    picker = np.random.RandomState(31337)
    conv = []
    for index, (m, H, W, c_prev, c, f, stride, pad, per_input) in enumerate(conv_params(picker)):
        seed = 1000 + index
        rng = np.random.RandomState(seed)
        b_shape = [1, 1, c_prev if per_input else 1, c]
        hp = {"stride": stride, "pad": pad}
        A_prev = rng.randn(m, H, W, c_prev)
        Wt = rng.randn(f, f, c_prev, c)
        b = rng.randn(*b_shape)
        Z = conv_forward(A_prev, Wt, b, hp)
        dZ = rng.randn(*Z.shape)
        dA_prev, dW, db = conv_backward(dZ, A_prev, Wt, b, hp)
        conv.append({
            "name": f"x=[{m},{H},{W},{c_prev}] W=[{f},{f},{c_prev},{c}] b={b_shape} s={stride} p={pad}".replace(", ", ","),
            "seed": seed,
            "draws": [["A_prev", [m, H, W, c_prev]], ["W", [f, f, c_prev, c]], ["b", b_shape], ["dZ", list(Z.shape)]],
            "hparameters": hp,
            "zero_pad": tensor_json(zero_pad(A_prev, pad)),
            "Z": tensor_json(Z),
            "dA_prev": tensor_json(dA_prev),
            "dW": tensor_json(dW),
            "db": tensor_json(db),
        })

    window = []
    for index in range(30):
        seed = 3000 + index
        f = int(picker.randint(1, 5))
        c_prev = int(picker.randint(1, 4))
        b_shape = [1, 1, c_prev if index % 2 else 1]
        rng = np.random.RandomState(seed)
        a_slice = rng.randn(f, f, c_prev)
        Wt = rng.randn(f, f, c_prev)
        b = rng.randn(*b_shape)
        window.append({
            "name": f"a=[{f},{f},{c_prev}] b={b_shape}".replace(", ", ","),
            "seed": seed,
            "draws": [["a_slice", [f, f, c_prev]], ["W", [f, f, c_prev]], ["b", b_shape]],
            "Z": convolve_window(a_slice, Wt, b),
        })

    pool = []
    for index, (m, H, W, C, f, stride) in enumerate(pool_params(picker)):
        seed = 2000 + index
        rng = np.random.RandomState(seed)
        hp = {"f": f, "stride": stride}
        A_prev = rng.randn(m, H, W, C)
        A_max = pool_forward(A_prev, hp, "max")
        dA = rng.randn(*A_max.shape)
        pool.append({
            "name": f"x=[{m},{H},{W},{C}] f={f} s={stride}",
            "seed": seed,
            "draws": [["A_prev", [m, H, W, C]], ["dA", list(A_max.shape)]],
            "hparameters": hp,
            "max": tensor_json(A_max),
            "average": tensor_json(pool_forward(A_prev, hp, "average")),
            "backward_max": tensor_json(pool_backward(dA, A_prev, hp, "max", False)),
            "backward_average": tensor_json(pool_backward(dA, A_prev, hp, "average", False)),
            "backward_accumulate_max": tensor_json(pool_backward(dA, A_prev, hp, "max", True)),
            "backward_accumulate_average": tensor_json(pool_backward(dA, A_prev, hp, "average", True)),
        })

    masks = []
    for index, shape in enumerate([[2, 2], [3, 3], [1], [2, 2, 2], [4, 1], [1, 5], [3, 2, 2, 1], [6]]):
        seed = 4000 + index
        x = np.random.RandomState(seed).randn(*shape)
        masks.append({"name": f"x={shape}".replace(", ", ","), "seed": seed, "draws": [["x", shape]],
                      "mask": tensor_json(create_mask_from_window(x).astype(np.float64))})

    distribute = []
    for dz, shape in [(2.0, (2, 2)), (-1.5, (3, 3)), (0.1, (1, 7)), (7.0, (3, 1)), (1e-3, (5, 4))]:
        distribute.append({"name": f"dz={dz} shape={list(shape)}".replace(", ", ","), "dz": dz, "shape": list(shape),
                           "value": tensor_json(distribute_value(dz, shape))})

    return {"numpy": np.__version__, "worksheet": worksheet_examples(), "conv": conv, "convolve_window": window, "pool": pool,
            "create_mask_from_window": masks, "distribute_value": distribute}


def worksheet_examples():
    """The visible cases of exercise-spec.md, each drawn from a fresh RandomState(1)."""
    rng = np.random.RandomState(1)
    x = rng.randn(4, 3, 3, 2)
    examples = {"zero_pad": {"draws": [["x", [4, 3, 3, 2]]], "pad": 2, "value": tensor_json(zero_pad(x, 2))}}

    rng = np.random.RandomState(1)
    a_slice, Wt, b = rng.randn(4, 4, 3), rng.randn(4, 4, 3), rng.randn(1, 1, 3)
    examples["convolve_window"] = {"draws": [["a_slice", [4, 4, 3]], ["W", [4, 4, 3]], ["b", [1, 1, 3]]],
                                   "value": convolve_window(a_slice, Wt, b)}

    rng = np.random.RandomState(1)
    A_prev, Wt, b = rng.randn(10, 4, 4, 3), rng.randn(2, 2, 3, 8), rng.randn(1, 1, 3, 8)
    hp = {"pad": 2, "stride": 1}
    Z = conv_forward(A_prev, Wt, b, hp)
    dA_prev, dW, db = conv_backward(Z, A_prev, Wt, b, hp)
    examples["conv"] = {"draws": [["A_prev", [10, 4, 4, 3]], ["W", [2, 2, 3, 8]], ["b", [1, 1, 3, 8]]],
                        "hparameters": hp, "Z": tensor_json(Z), "Z_mean": float(np.mean(Z)),
                        "dA_prev": tensor_json(dA_prev), "dW": tensor_json(dW), "db": tensor_json(db)}

    rng = np.random.RandomState(1)
    A_prev = rng.randn(2, 4, 4, 3)
    hp = {"stride": 1, "f": 4}
    examples["pool_forward"] = {"draws": [["A_prev", [2, 4, 4, 3]]], "hparameters": hp,
                                "max": tensor_json(pool_forward(A_prev, hp, "max")),
                                "average": tensor_json(pool_forward(A_prev, hp, "average"))}

    rng = np.random.RandomState(1)
    x = rng.randn(2, 2, 2)
    examples["create_mask_from_window"] = {"draws": [["x", [2, 2, 2]]],
                                           "value": tensor_json(create_mask_from_window(x).astype(np.float64))}

    rng = np.random.RandomState(1)
    A_prev = rng.randn(5, 5, 3, 2)
    dA = rng.randn(5, 4, 2, 2)
    hp = {"stride": 1, "f": 2}
    examples["pool_backward"] = {"draws": [["A_prev", [5, 5, 3, 2]], ["dA", [5, 4, 2, 2]]], "hparameters": hp}
    for mode in ["max", "average"]:
        examples["pool_backward"][mode] = tensor_json(pool_backward(dA, A_prev, hp, mode, False))
        examples["pool_backward"][f"accumulate_{mode}"] = tensor_json(pool_backward(dA, A_prev, hp, mode, True))
    return examples


def write(name, payload):
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as handle:
        json.dump(payload, handle, separators=(",", ":"))
        handle.write("\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    os.makedirs(OUT_DIR, exist_ok=True)
    write("random_streams.json", random_streams())
    write("kernels.json", kernel_cases())
