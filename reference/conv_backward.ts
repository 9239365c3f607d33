import { convGeometry } from "./shapes.ts";
import { assertTensor, formatShape, ReferenceInputError, tensor, type Tensor } from "./tensor.ts";
import type { ConvCache } from "./types.ts";
import { cropSpatial, padSpatial } from "./zero_pad.ts";

const CHANNEL_BLOCK = 4;

/**
 * Gradients of conv_forward: [dA_prev, dW, db]. The bias QUIRK does not reach them: db sums dZ as the
 * worksheet does, with shape (1,1,1,C).
 */
export function conv_backward(dZ: Tensor, cache: ConvCache): [Tensor, Tensor, Tensor] {
  if (!Array.isArray(cache) || cache.length !== 4) {
    throw new ReferenceInputError("cache must be [A_prev, W, b, hparameters] as returned by conv_forward");
  }
  const [A_prev, W, b, hparameters] = cache;
  const geometry = convGeometry(A_prev, W, b, hparameters);
  const { m, hPrev, wPrev, cPrev, f, cOut, stride, pad, nH, nW } = geometry;
  const dzShape = assertTensor(dZ, "dZ", 4);
  const expected = [m, nH, nW, cOut];
  if (dzShape.some((dim, axis) => dim !== expected[axis])) {
    throw new ReferenceInputError(
      `dZ shape ${formatShape(dzShape)} does not match the conv output shape ${formatShape(expected)} of the cache`,
    );
  }
  const layout: Layout = {
    m, f, cPrev, cOut, stride, nH, nW,
    segment: f * cPrev,
    rowStride: (wPrev + 2 * pad) * cPrev,
    imageStride: (hPrev + 2 * pad) * (wPrev + 2 * pad) * cPrev,
    pixelStep: stride * cPrev,
  };
  const aPad = pad === 0 ? A_prev.data : padSpatial(A_prev.data, m, hPrev, wPrev, cPrev, pad);
  const dAPad = inputGradient(dZ.data, W.data, layout, m * layout.imageStride);
  const dW = filterGradient(dZ.data, aPad, layout);
  const db = new Float64Array(cOut);
  const dz = dZ.data;
  for (let p = 0; p < dz.length; p += cOut) {
    for (let c = 0; c < cOut; c++) db[c] = (db[c] as number) + (dz[p + c] as number);
  }
  return [
    tensor(A_prev.shape, pad === 0 ? dAPad : cropSpatial(dAPad, m, hPrev, wPrev, cPrev, pad)),
    tensor(W.shape, dW),
    tensor([1, 1, 1, cOut], db),
  ];
}

type Layout = {
  readonly m: number;
  readonly f: number;
  readonly cPrev: number;
  readonly cOut: number;
  readonly stride: number;
  readonly nH: number;
  readonly nW: number;
  /** f * C_prev: one kernel row of a window, contiguous in A_pad and in W. */
  readonly segment: number;
  readonly rowStride: number;
  readonly imageStride: number;
  readonly pixelStep: number;
};

/** Where window element k = (kh, kw, c_prev) sits relative to its window's corner in A_pad. */
function windowOffsets({ f, segment, rowStride }: Layout): Int32Array {
  const offsets = new Int32Array(f * segment);
  for (let kh = 0; kh < f; kh++) {
    for (let j = 0; j < segment; j++) offsets[kh * segment + j] = kh * rowStride + j;
  }
  return offsets;
}

/**
 * dA_pad[window of pixel p][k] += sum over c of W[k, c] * dZ[p, c], four window elements k by two
 * pixels at a time. Neighbouring windows may overlap (stride < f); each adds separately.
 */
function inputGradient(dz: Float64Array, w: Float64Array, layout: Layout, size: number): Float64Array {
  const { m, f, cOut, nH, nW, segment, rowStride, imageStride, pixelStep, stride } = layout;
  const dA = new Float64Array(size);
  const offsets = windowOffsets(layout);
  const windowSize = f * segment;
  const lastK = windowSize - 1;
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < nH; h++) {
      const windowRowBase = i * imageStride + h * stride * rowStride;
      for (let x = 0; x < nW; x += 2) {
        const hasSecond = x + 1 < nW;
        const dz0 = ((i * nH + h) * nW + x) * cOut;
        const dz1 = hasSecond ? dz0 + cOut : dz0;
        const a0 = windowRowBase + x * pixelStep;
        const a1 = a0 + pixelStep;
        for (let k = 0; k < windowSize; k += 4) {
          // Past the window's end, rows repeat the last one and are not stored.
          const w0 = k * cOut;
          const w1 = Math.min(k + 1, lastK) * cOut;
          const w2 = Math.min(k + 2, lastK) * cOut;
          const w3 = Math.min(k + 3, lastK) * cOut;
          let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
          for (let c = 0; c < cOut; c++) {
            const d0 = dz[dz0 + c] as number;
            const d1 = dz[dz1 + c] as number;
            const y0 = w[w0 + c] as number;
            const y1 = w[w1 + c] as number;
            const y2 = w[w2 + c] as number;
            const y3 = w[w3 + c] as number;
            s00 += y0 * d0;
            s01 += y1 * d0;
            s02 += y2 * d0;
            s03 += y3 * d0;
            s10 += y0 * d1;
            s11 += y1 * d1;
            s12 += y2 * d1;
            s13 += y3 * d1;
          }
          const count = Math.min(4, windowSize - k);
          scatterAdd(dA, a0, offsets, k, count, s00, s01, s02, s03);
          if (hasSecond) scatterAdd(dA, a1, offsets, k, count, s10, s11, s12, s13);
        }
      }
    }
  }
  return dA;
}

function scatterAdd(
  out: Float64Array,
  corner: number,
  offsets: Int32Array,
  k: number,
  count: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
): void {
  let at = corner + (offsets[k] as number);
  out[at] = (out[at] as number) + s0;
  if (count < 2) return;
  at = corner + (offsets[k + 1] as number);
  out[at] = (out[at] as number) + s1;
  if (count < 3) return;
  at = corner + (offsets[k + 2] as number);
  out[at] = (out[at] as number) + s2;
  if (count < 4) return;
  at = corner + (offsets[k + 3] as number);
  out[at] = (out[at] as number) + s3;
}

function addBlock(out: Float64Array, at: number, count: number, s0: number, s1: number, s2: number, s3: number): void {
  out[at] = (out[at] as number) + s0;
  if (count > 1) out[at + 1] = (out[at + 1] as number) + s1;
  if (count > 2) out[at + 2] = (out[at + 2] as number) + s2;
  if (count > 3) out[at + 3] = (out[at + 3] as number) + s3;
}

/**
 * dW[k, c] = sum over pixels p of A_pad[window of p][k] * dZ[p, c], two window elements k by four
 * channels at a time, reducing over one image's pixels in registers.
 */
function filterGradient(dzData: Float64Array, a: Float64Array, layout: Layout): Float64Array {
  const { m, f, cOut, nH, nW, segment, rowStride, imageStride, pixelStep, stride } = layout;
  const channelBlocks = Math.ceil(cOut / CHANNEL_BLOCK);
  const cPadded = channelBlocks * CHANNEL_BLOCK;
  const dz = cPadded === cOut ? dzData : padChannels(dzData, cOut, cPadded);
  const offsets = windowOffsets(layout);
  const windowSize = f * segment;
  const dW = new Float64Array(windowSize * cOut);
  const rowStep = stride * rowStride;
  for (let i = 0; i < m; i++) {
    const imageBase = i * imageStride;
    for (let k = 0; k < windowSize; k += 2) {
      const hasSecond = k + 1 < windowSize;
      const offset0 = offsets[k] as number;
      const offset1 = offsets[hasSecond ? k + 1 : k] as number;
      for (let block = 0; block < channelBlocks; block++) {
        const c = block * CHANNEL_BLOCK;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        for (let h = 0; h < nH; h++) {
          const rowCorner = imageBase + h * rowStep;
          const dzRow = (i * nH + h) * nW * cPadded + c;
          for (let x = 0; x < nW; x++) {
            const corner = rowCorner + x * pixelStep;
            const x0 = a[corner + offset0] as number;
            const x1 = a[corner + offset1] as number;
            const dzAt = dzRow + x * cPadded;
            const d0 = dz[dzAt] as number;
            const d1 = dz[dzAt + 1] as number;
            const d2 = dz[dzAt + 2] as number;
            const d3 = dz[dzAt + 3] as number;
            s00 += x0 * d0;
            s01 += x0 * d1;
            s02 += x0 * d2;
            s03 += x0 * d3;
            s10 += x1 * d0;
            s11 += x1 * d1;
            s12 += x1 * d2;
            s13 += x1 * d3;
          }
        }
        const count = Math.min(CHANNEL_BLOCK, cOut - c);
        addBlock(dW, k * cOut + c, count, s00, s01, s02, s03);
        if (hasSecond) addBlock(dW, (k + 1) * cOut + c, count, s10, s11, s12, s13);
      }
    }
  }
  return dW;
}

function padChannels(data: Float64Array, channels: number, paddedChannels: number): Float64Array {
  const pixels = data.length / channels;
  const out = new Float64Array(pixels * paddedChannels);
  for (let p = 0; p < pixels; p++) out.set(data.subarray(p * channels, (p + 1) * channels), p * paddedChannels);
  return out;
}
