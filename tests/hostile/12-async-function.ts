// @ts-nocheck
// Correct values, but wrapped in a Promise: the worksheet's functions are synchronous.
export async function distribute_value(dz, shape) {
  const n_H = shape[0];
  const n_W = shape[1];
  return { shape: [n_H, n_W], data: new Float64Array(n_H * n_W).fill(dz / (n_H * n_W)) };
}
