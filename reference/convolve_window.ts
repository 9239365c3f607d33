import { assertTensor, formatShape, ReferenceInputError, type Tensor } from "./tensor.ts";

/**
 * One convolution step. QUIRK (the worksheet's template): the bias is added to every element before
 * the sum, Z = sum over (h,w,c) of (a_slice[h,w,c] * W[h,w,c] + b[0,0,c or 0]).
 */
export function convolve_window(a_slice: Tensor, W: Tensor, b: Tensor): number {
  const sliceShape = assertTensor(a_slice, "a_slice", 3);
  const wShape = assertTensor(W, "W", 3);
  const bShape = assertTensor(b, "b", 3);
  if (sliceShape.some((dim, axis) => dim !== wShape[axis])) {
    throw new ReferenceInputError(`a_slice ${formatShape(sliceShape)} and W ${formatShape(wShape)} must have the same shape`);
  }
  const channels = sliceShape[2] as number;
  const biasChannels = bShape[2] as number;
  if (bShape[0] !== 1 || bShape[1] !== 1 || (biasChannels !== 1 && biasChannels !== channels)) {
    throw new ReferenceInputError(`b must have shape (1,1,1) or (1,1,${channels}), got ${formatShape(bShape)}`);
  }
  const a = a_slice.data;
  const w = W.data;
  const bias = b.data;
  const biasStride = biasChannels === 1 ? 0 : 1;
  let sum = 0;
  for (let index = 0, c = 0; index < a.length; index++) {
    sum += (a[index] as number) * (w[index] as number) + (bias[c * biasStride] as number);
    c = c + 1 === channels ? 0 : c + 1;
  }
  return sum;
}
