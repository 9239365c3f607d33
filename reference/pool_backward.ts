import { windowMax } from "./pool_forward.ts";
import { assertPoolMode, poolGeometry, type PoolGeometry } from "./shapes.ts";
import { assertTensor, formatShape, ReferenceInputError, tensor, type Tensor } from "./tensor.ts";
import type { PoolCache, PoolMode } from "./types.ts";

/**
 * Gradient of pool_forward as the worksheet computes it. QUIRK: each window's value is assigned (=),
 * so where windows overlap (stride < f) later windows overwrite earlier ones, zeros included.
 */
export function pool_backward(dA: Tensor, cache: PoolCache, mode: PoolMode = "max"): Tensor {
  return poolBackward(dA, cache, mode, false);
}

/** The true gradient of pool_forward: window values accumulate (+=). Equals pool_backward when stride >= f. */
export function pool_backward_accumulate(dA: Tensor, cache: PoolCache, mode: PoolMode = "max"): Tensor {
  return poolBackward(dA, cache, mode, true);
}

function poolBackward(dA: Tensor, cache: PoolCache, mode: PoolMode, accumulate: boolean): Tensor {
  assertPoolMode(mode);
  if (!Array.isArray(cache) || cache.length !== 2) {
    throw new ReferenceInputError("cache must be [A_prev, hparameters] as returned by pool_forward");
  }
  const [A_prev, hparameters] = cache;
  const geometry = poolGeometry(A_prev, hparameters);
  const daShape = assertTensor(dA, "dA", 4);
  const expected = [geometry.m, geometry.nH, geometry.nW, geometry.c];
  if (daShape.some((dim, axis) => dim !== expected[axis])) {
    throw new ReferenceInputError(
      `dA shape ${formatShape(daShape)} does not match the pool output shape ${formatShape(expected)} of the cache`,
    );
  }
  const dA_prev = tensor(A_prev.shape);
  if (mode === "max") maxBackward(dA.data, A_prev.data, dA_prev.data, geometry, accumulate);
  else averageBackward(dA.data, dA_prev.data, geometry, accumulate);
  return dA_prev;
}

/** What a kernel built on poolBackwardWindows may change on purpose. */
export type PoolBackwardVariation = {
  /** Average mode's divisor (default f*f). */
  readonly divisor?: number;
  /** Max mode: the mask alone, not multiplied by dA. */
  readonly maskOnly?: boolean;
};

/**
 * The backward window loops over an explicit geometry (nH x nW windows of f x f, `stride` apart):
 * a building block for kernels that change one part of it on purpose. `da` holds nH x nW values.
 */
export function poolBackwardWindows(
  da: Float64Array,
  a: Float64Array,
  geometry: PoolGeometry,
  mode: PoolMode,
  accumulate: boolean,
  variation: PoolBackwardVariation = {},
): Float64Array {
  const out = new Float64Array(a.length);
  if (mode === "max") maxBackward(da, a, out, geometry, accumulate, variation.maskOnly === true);
  else averageBackward(da, out, geometry, accumulate, variation.divisor);
  return out;
}

function maxBackward(
  da: Float64Array,
  a: Float64Array,
  out: Float64Array,
  { m, hPrev, wPrev, c, f, stride, nH, nW }: PoolGeometry,
  accumulate: boolean,
  maskOnly = false,
): void {
  const rowStride = wPrev * c;
  const imageStride = hPrev * rowStride;
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < nH; h++) {
      for (let w = 0; w < nW; w++) {
        const d = ((i * nH + h) * nW + w) * c;
        const windowBase = i * imageStride + h * stride * rowStride + w * stride * c;
        // Channels are independent, so per-channel window order (what the assigning QUIRK depends on) holds.
        for (let ch = 0; ch < c; ch++) {
          const at = windowBase + ch;
          const max = windowMax(a, at, f, rowStride, c);
          const gradient = maskOnly ? 1 : (da[d + ch] as number);
          // mask * dA as the worksheet writes it, so 0 * dA (and its sign) is reproduced too.
          for (let kh = 0; kh < f; kh++) {
            const row = at + kh * rowStride;
            if (accumulate) {
              for (let kw = 0; kw < f; kw++) {
                const k = row + kw * c;
                out[k] = (out[k] as number) + (a[k] === max ? 1 : 0) * gradient;
              }
            } else {
              for (let kw = 0; kw < f; kw++) {
                const k = row + kw * c;
                out[k] = (a[k] === max ? 1 : 0) * gradient;
              }
            }
          }
        }
      }
    }
  }
}

function averageBackward(
  da: Float64Array,
  out: Float64Array,
  { m, wPrev, hPrev, c, f, stride, nH, nW }: PoolGeometry,
  accumulate: boolean,
  count = f * f,
): void {
  const rowStride = wPrev * c;
  const imageStride = hPrev * rowStride;
  const share = new Float64Array(c);
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < nH; h++) {
      for (let w = 0; w < nW; w++) {
        const d = ((i * nH + h) * nW + w) * c;
        for (let ch = 0; ch < c; ch++) share[ch] = (da[d + ch] as number) / count;
        const windowBase = i * imageStride + h * stride * rowStride + w * stride * c;
        for (let kh = 0; kh < f; kh++) {
          const row = windowBase + kh * rowStride;
          for (let kw = 0; kw < f; kw++) {
            const at = row + kw * c;
            if (accumulate) {
              for (let ch = 0; ch < c; ch++) out[at + ch] = (out[at + ch] as number) + (share[ch] as number);
            } else {
              out.set(share, at);
            }
          }
        }
      }
    }
  }
}
