import { assertTensor, ReferenceInputError, tensor, type Tensor } from "./tensor.ts";

/** 1 where x equals its maximum, else 0 (all 0 when x holds a NaN, as with numpy's x == max(x)). */
export function create_mask_from_window(x: Tensor): Tensor {
  assertTensor(x, "x");
  const values = x.data;
  if (values.length === 0) throw new ReferenceInputError("x must have at least one element to take its max");
  let max = values[0] as number;
  for (let index = 1; index < values.length; index++) max = Math.max(max, values[index] as number);
  const mask = tensor(x.shape);
  const out = mask.data;
  for (let index = 0; index < values.length; index++) out[index] = values[index] === max ? 1 : 0;
  return mask;
}
