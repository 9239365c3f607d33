import { assertInteger, ReferenceInputError, tensor, type Tensor } from "./tensor.ts";

/** An (n_H, n_W) tensor filled with dz / (n_H * n_W). */
export function distribute_value(dz: number, shape: readonly [number, number]): Tensor {
  if (typeof dz !== "number") throw new ReferenceInputError(`dz must be a number, got ${typeof dz}`);
  if (!Array.isArray(shape) || shape.length !== 2) {
    throw new ReferenceInputError(`shape must be [n_H, n_W], got ${JSON.stringify(shape)}`);
  }
  const [nH, nW] = shape;
  assertInteger(nH, "shape n_H", 1);
  assertInteger(nW, "shape n_W", 1);
  return tensor([nH, nW], new Float64Array(nH * nW).fill(dz / (nH * nW)));
}
