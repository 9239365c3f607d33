// @ts-nocheck
// Answers correctly but leaves a rejected promise nobody handles (here via an async function made from
// the AsyncFunction constructor, as an escape attempt would).
export function distribute_value(dz, shape) {
  (async () => 0).constructor("return process")();
  Promise.reject(new Error("nobody handles this rejection"));
  const n_H = shape[0], n_W = shape[1];
  return { shape: [n_H, n_W], data: new Float64Array(n_H * n_W).fill(dz / (n_H * n_W)) };
}
