// @ts-nocheck
// Returns the right answer synchronously, but a microtask it queued never finishes.
export function distribute_value(dz, shape) {
  Promise.resolve().then(() => {
    for (;;) {}
  });
  const n_H = shape[0];
  const n_W = shape[1];
  const data = new Float64Array(n_H * n_W).fill(dz / (n_H * n_W));
  return { shape: [n_H, n_W], data };
}
