import { assertPoolMode, poolGeometry, type PoolGeometry } from "./shapes.ts";
import { tensor, type Tensor } from "./tensor.ts";
import type { PoolCache, PoolHparameters, PoolMode } from "./types.ts";

/** Max or mean over each f x f window, per channel, no padding. Returns [A, cache = [A_prev, hparameters]]. */
export function pool_forward(
  A_prev: Tensor,
  hparameters: PoolHparameters,
  mode: PoolMode = "max",
): [Tensor, PoolCache] {
  assertPoolMode(mode);
  const geometry = poolGeometry(A_prev, hparameters);
  const { m, nH, nW, c } = geometry;
  const A = tensor([m, nH, nW, c]);
  if (mode === "max") maxPool(A_prev.data, A.data, geometry);
  else averagePool(A_prev.data, A.data, geometry);
  return [A, [A_prev, hparameters]];
}

function maxPool(a: Float64Array, out: Float64Array, { m, hPrev, wPrev, c, f, stride, nH, nW }: PoolGeometry): void {
  const rowStride = wPrev * c;
  const imageStride = hPrev * rowStride;
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < nH; h++) {
      for (let w = 0; w < nW; w++) {
        const o = ((i * nH + h) * nW + w) * c;
        const windowBase = i * imageStride + h * stride * rowStride + w * stride * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = windowMax(a, windowBase + ch, f, rowStride, c);
      }
    }
  }
}

/** Max of one channel's f x f window starting at `at`; NaN wins, as in numpy's max. */
export function windowMax(a: Float64Array, at: number, f: number, rowStride: number, c: number): number {
  let max = a[at] as number;
  for (let kh = 0; kh < f; kh++) {
    const row = at + kh * rowStride;
    for (let kw = 0; kw < f; kw++) {
      const value = a[row + kw * c] as number;
      if (value > max || value !== value) max = value;
    }
  }
  return max;
}

/**
 * The window loops over an explicit geometry (nH x nW windows of f x f, `stride` apart) and an
 * explicit average divisor: a building block for kernels that change one of them on purpose.
 */
export function poolWindows(a: Float64Array, geometry: PoolGeometry, mode: PoolMode, divisor = geometry.f * geometry.f): Float64Array {
  const out = new Float64Array(geometry.m * geometry.nH * geometry.nW * geometry.c);
  if (mode === "max") maxPool(a, out, geometry);
  else averagePool(a, out, geometry, divisor);
  return out;
}

function averagePool(a: Float64Array, out: Float64Array, { m, hPrev, wPrev, c, f, stride, nH, nW }: PoolGeometry, count = f * f): void {
  const rowStride = wPrev * c;
  const imageStride = hPrev * rowStride;
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < nH; h++) {
      for (let w = 0; w < nW; w++) {
        const o = ((i * nH + h) * nW + w) * c;
        const windowBase = i * imageStride + h * stride * rowStride + w * stride * c;
        for (let kh = 0; kh < f; kh++) {
          const row = windowBase + kh * rowStride;
          for (let kw = 0; kw < f; kw++) {
            const at = row + kw * c;
            for (let ch = 0; ch < c; ch++) out[o + ch] = (out[o + ch] as number) + (a[at + ch] as number);
          }
        }
        for (let ch = 0; ch < c; ch++) out[o + ch] = (out[o + ch] as number) / count;
      }
    }
  }
}
