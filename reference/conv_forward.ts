import { convGeometry, type ConvGeometry } from "./shapes.ts";
import { tensor, type Tensor } from "./tensor.ts";
import type { ConvCache, ConvHparameters } from "./types.ts";
import { padSpatial } from "./zero_pad.ts";

/** Output channels computed together; the weight copy is padded with zero filters to a multiple of this. */
const CHANNEL_BLOCK = 4;

/**
 * Z[i,h,w,c] = convolve_window(A_pad window, W[...,c], b[...,c]). Because of the bias QUIRK that is
 * sum(window * W[...,c]) plus the bias once per window element: f*f*C_prev*b[c] for b (1,1,1,C),
 * f*f*sum over c' of b[c',c] for b (1,1,C_prev,C). Padded zeros count as window elements too.
 */
export function conv_forward(
  A_prev: Tensor,
  W: Tensor,
  b: Tensor,
  hparameters: ConvHparameters,
): [Tensor, ConvCache] {
  const geometry = convGeometry(A_prev, W, b, hparameters);
  const { m, hPrev, wPrev, cPrev, f, cOut, stride, pad, nH, nW } = geometry;
  const Z = tensor([m, nH, nW, cOut]);
  const a = pad === 0 ? A_prev.data : padSpatial(A_prev.data, m, hPrev, wPrev, cPrev, pad);
  const windowSize = f * f * cPrev;
  const segment = f * cPrev; // one kernel row of a window: contiguous in A_pad and in W
  const channelBlocks = Math.ceil(cOut / CHANNEL_BLOCK);
  const weights = filtersByChannel(W.data, windowSize, cOut, channelBlocks * CHANNEL_BLOCK);
  const biasTerm = windowBiasTerm(b.data, geometry);
  const z = Z.data;
  const rowStride = (wPrev + 2 * pad) * cPrev;
  const imageStride = (hPrev + 2 * pad) * rowStride;
  const pixelStep = stride * cPrev;

  for (let i = 0; i < m; i++) {
    for (let h = 0; h < nH; h++) {
      const windowRowBase = i * imageStride + h * stride * rowStride;
      const zRowBase = (i * nH + h) * nW * cOut;
      for (let block = 0; block < channelBlocks; block++) {
        const c = block * CHANNEL_BLOCK;
        const w0 = c * windowSize;
        const w1 = w0 + windowSize;
        const w2 = w1 + windowSize;
        const w3 = w2 + windowSize;
        const channelsHere = Math.min(CHANNEL_BLOCK, cOut - c);
        // Two output pixels at once; an odd last pixel is computed twice and stored once.
        for (let x = 0; x < nW; x += 2) {
          const hasSecond = x + 1 < nW;
          const a0Base = windowRowBase + x * pixelStep;
          const a1Base = hasSecond ? a0Base + pixelStep : a0Base;
          let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
          for (let kh = 0; kh < f; kh++) {
            const a0 = a0Base + kh * rowStride;
            const a1 = a1Base + kh * rowStride;
            const k = kh * segment;
            for (let j = 0; j < segment; j++) {
              const x0 = a[a0 + j] as number;
              const x1 = a[a1 + j] as number;
              const y0 = weights[w0 + k + j] as number;
              const y1 = weights[w1 + k + j] as number;
              const y2 = weights[w2 + k + j] as number;
              const y3 = weights[w3 + k + j] as number;
              s00 += x0 * y0;
              s01 += x0 * y1;
              s02 += x0 * y2;
              s03 += x0 * y3;
              s10 += x1 * y0;
              s11 += x1 * y1;
              s12 += x1 * y2;
              s13 += x1 * y3;
            }
          }
          const z0 = zRowBase + x * cOut + c;
          storeBlock(z, z0, biasTerm, c, channelsHere, s00, s01, s02, s03);
          if (hasSecond) storeBlock(z, z0 + cOut, biasTerm, c, channelsHere, s10, s11, s12, s13);
        }
      }
    }
  }
  return [Z, [A_prev, W, b, hparameters]];
}

function storeBlock(
  z: Float64Array,
  at: number,
  biasTerm: Float64Array,
  c: number,
  count: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
): void {
  z[at] = s0 + (biasTerm[c] as number);
  if (count > 1) z[at + 1] = s1 + (biasTerm[c + 1] as number);
  if (count > 2) z[at + 2] = s2 + (biasTerm[c + 2] as number);
  if (count > 3) z[at + 3] = s3 + (biasTerm[c + 3] as number);
}

/** W (k, C) transposed to (C padded, k) so each filter is contiguous; padding filters are zero. */
function filtersByChannel(w: Float64Array, windowSize: number, cOut: number, cOutPadded: number): Float64Array {
  const out = new Float64Array(cOutPadded * windowSize);
  for (let k = 0; k < windowSize; k++) {
    for (let c = 0; c < cOut; c++) out[c * windowSize + k] = w[k * cOut + c] as number;
  }
  return out;
}

/** What the bias QUIRK adds to every output of channel c. */
function windowBiasTerm(bias: Float64Array, { f, cPrev, cOut, biasPerInputChannel }: ConvGeometry): Float64Array {
  const term = new Float64Array(cOut + CHANNEL_BLOCK);
  for (let c = 0; c < cOut; c++) {
    if (biasPerInputChannel) {
      let sum = 0;
      for (let cp = 0; cp < cPrev; cp++) sum += bias[cp * cOut + c] as number;
      term[c] = f * f * sum;
    } else {
      term[c] = f * f * cPrev * (bias[c] as number);
    }
  }
  return term;
}
