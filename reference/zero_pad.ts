import { assertInteger, assertTensor, tensor, type Tensor } from "./tensor.ts";

/** Pads H and W of an NHWC tensor with `pad` zeros on each side. */
export function zero_pad(X: Tensor, pad: number): Tensor {
  const [m, h, w, c] = assertTensor(X, "X", 4) as [number, number, number, number];
  assertInteger(pad, "pad", 0);
  return tensor([m, h + 2 * pad, w + 2 * pad, c], padSpatial(X.data, m, h, w, c, pad));
}

/** The padded copy of NHWC data, for kernels that validated their inputs already. */
export function padSpatial(src: Float64Array, m: number, h: number, w: number, c: number, pad: number): Float64Array {
  const rowLength = w * c;
  const paddedRowLength = (w + 2 * pad) * c;
  const paddedImageSize = (h + 2 * pad) * paddedRowLength;
  const dst = new Float64Array(m * paddedImageSize);
  for (let i = 0; i < m; i++) {
    for (let y = 0; y < h; y++) {
      const from = (i * h + y) * rowLength;
      dst.set(src.subarray(from, from + rowLength), i * paddedImageSize + (y + pad) * paddedRowLength + pad * c);
    }
  }
  return dst;
}

/** The interior of padded NHWC data: the inverse of padSpatial. */
export function cropSpatial(src: Float64Array, m: number, h: number, w: number, c: number, pad: number): Float64Array {
  const rowLength = w * c;
  const paddedRowLength = (w + 2 * pad) * c;
  const paddedImageSize = (h + 2 * pad) * paddedRowLength;
  const dst = new Float64Array(m * h * rowLength);
  for (let i = 0; i < m; i++) {
    for (let y = 0; y < h; y++) {
      const from = i * paddedImageSize + (y + pad) * paddedRowLength + pad * c;
      dst.set(src.subarray(from, from + rowLength), (i * h + y) * rowLength);
    }
  }
  return dst;
}
