/**
 * A submission of seeded noise with the right shapes: every function returns values from a fixed
 * linear congruential sequence, shaped as the right answer would be. No mistake may be named for it.
 */
export const NOISE_SUBMISSION = `import * as np from "@autograde/np";
import type { NDArray } from "@autograde/np";

let state = 20261203;
function noise(shape: number[]): NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const values: number[] = [];
  for (let k = 0; k < size; k++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values.push(state / 1073741824 - 1);
  }
  return np.array(values, shape);
}
const out = (n: number, f: number, s: number, p: number) => Math.floor((n - f + 2 * p) / s) + 1;

export function zero_pad(X: NDArray, pad: number): NDArray {
  const [m, h, w, c] = X.shape;
  return noise([m, h + 2 * pad, w + 2 * pad, c]);
}
export function convolve_window(a: NDArray, W: NDArray, b: NDArray): number {
  return noise([1]).get(0);
}
export function conv_forward(A: NDArray, W: NDArray, b: NDArray, hp: { stride: number; pad: number }) {
  const [m, h, w] = A.shape;
  const [f, , , c] = W.shape;
  return [noise([m, out(h, f, hp.stride, hp.pad), out(w, f, hp.stride, hp.pad), c]), [A, W, b, hp]];
}
export function conv_backward(dZ: NDArray, cache: [NDArray, NDArray, NDArray, unknown]) {
  const [A, W] = cache;
  return [noise(A.shape), noise(W.shape), noise([1, 1, 1, W.shape[3]])];
}
export function pool_forward(A: NDArray, hp: { f: number; stride: number }, mode = "max") {
  const [m, h, w, c] = A.shape;
  return [noise([m, out(h, hp.f, hp.stride, 0), out(w, hp.f, hp.stride, 0), c]), [A, hp]];
}
export function create_mask_from_window(x: NDArray): NDArray {
  return noise(x.shape);
}
export function distribute_value(dz: number, shape: [number, number]): NDArray {
  return noise(shape);
}
export function pool_backward(dA: NDArray, cache: [NDArray, unknown], mode = "max"): NDArray {
  return noise(cache[0].shape);
}
`;
