#!/usr/bin/env python3
"""numpy baselines for bench/reference.ts: vectorised conv (im2col with sliding_window_view + tensordot)
and pooling (sliding_window_view), float64, one thread (the caller sets OMP_NUM_THREADS=1 and
OPENBLAS_NUM_THREADS=1).

Reads a JSON list of rows on stdin, each {"id", "op", "shape", "filter"?, "f"?, "stride", "pad"?,
"mode"?}, and prints {"numpy": version, "ms": {id: median milliseconds}} on stdout.
"""
import json
import sys
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def windows(A, f, stride):
    # (m, n_H, n_W, C, f, f) view of every window
    return sliding_window_view(A, (f, f), axis=(1, 2))[:, ::stride, ::stride]


def conv_forward(A_prev, W, b, stride, pad):
    f, _, c_prev, _ = W.shape
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    cols = windows(A_pad, f, stride)
    Z = np.tensordot(cols, W.transpose(2, 0, 1, 3), axes=([3, 4, 5], [0, 1, 2]))
    return Z + f * f * c_prev * b.reshape(-1)  # the worksheet's bias QUIRK, as in reference/


def conv_backward(dZ, A_prev, W, stride, pad):
    f = W.shape[0]
    m, n_H, n_W, _ = dZ.shape
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    cols = windows(A_pad, f, stride)
    dW = np.tensordot(cols, dZ, axes=([0, 1, 2], [0, 1, 2])).transpose(1, 2, 0, 3)
    dcols = np.tensordot(dZ, W, axes=([3], [3]))  # (m, n_H, n_W, f, f, C_prev)
    dA_pad = np.zeros_like(A_pad)
    for kh in range(f):
        for kw in range(f):
            dA_pad[:, kh:kh + stride * n_H:stride, kw:kw + stride * n_W:stride, :] += dcols[:, :, :, kh, kw, :]
    db = dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, -1)
    H, Wd = A_prev.shape[1:3]
    return dA_pad[:, pad:pad + H, pad:pad + Wd, :], dW, db


def pool_forward(A_prev, f, stride, mode):
    w = windows(A_prev, f, stride)
    return w.max(axis=(4, 5)) if mode == "max" else w.mean(axis=(4, 5))


def pool_backward(dA, A_prev, f, stride, mode):
    m, n_H, n_W, _ = dA.shape
    dA_prev = np.zeros_like(A_prev)
    if mode == "max":
        w = windows(A_prev, f, stride)
        contributions = (w == w.max(axis=(4, 5), keepdims=True)) * dA[..., None, None]
    else:
        contributions = np.broadcast_to((dA / (f * f))[..., None, None], dA.shape + (f, f))
    for kh in range(f):
        for kw in range(f):
            dA_prev[:, kh:kh + stride * n_H:stride, kw:kw + stride * n_W:stride, :] += contributions[..., kh, kw]
    return dA_prev


def prepare(row, rng):
    A = rng.standard_normal(row["shape"])
    stride = row["stride"]
    if row["op"].startswith("conv"):
        W = rng.standard_normal(row["filter"])
        b = rng.standard_normal((1, 1, 1, row["filter"][3]))
        pad = row["pad"]
        if row["op"] == "conv_forward":
            return lambda: conv_forward(A, W, b, stride, pad)
        dZ = rng.standard_normal(conv_forward(A, W, b, stride, pad).shape)
        return lambda: conv_backward(dZ, A, W, stride, pad)
    f, mode = row["f"], row["mode"]
    if row["op"] == "pool_forward":
        return lambda: pool_forward(A, f, stride, mode)
    dA = rng.standard_normal(pool_forward(A, f, stride, mode).shape)
    return lambda: pool_backward(dA, A, f, stride, mode)


def median_ms(run, warmup, repeats):
    """Median CPU time per call, like bench/reference.ts: single-threaded, so wall time on an idle machine."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1000)
    return float(np.median(times))


def main():
    rows = json.load(sys.stdin)
    warmup = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    rng = np.random.default_rng(0)
    ms = {row["id"]: median_ms(prepare(row, rng), warmup, repeats) for row in rows}
    json.dump({"numpy": np.__version__, "ms": ms}, sys.stdout)


if __name__ == "__main__":
    main()
