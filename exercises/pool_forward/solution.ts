/**
 * The forward pass of a pooling layer (no padding).
 * A_prev: (m, n_H_prev, n_W_prev, n_C); returns A: (m, n_H, n_W, n_C) and the cache for pool_backward.
 */
export function pool_forward(
  A_prev: NDArray,
  hparameters: { f: number; stride: number },
  mode: "max" | "average" = "max",
): [NDArray, [NDArray, { f: number; stride: number }]] {
  const [m, n_H_prev, n_W_prev, n_C] = A_prev.shape;
  const f = hparameters.f;
  const stride = hparameters.stride;

  const n_H = Math.floor(1 + (n_H_prev - f) / stride);
  const n_W = Math.floor(1 + (n_W_prev - f) / stride);
  const A = np.zeros([m, n_H, n_W, n_C]);

  for (let i = 0; i < m; i++) {
    for (let h = 0; h < n_H; h++) {
      const vert_start = h * stride;
      const vert_end = vert_start + f;
      for (let w = 0; w < n_W; w++) {
        const horiz_start = w * stride;
        const horiz_end = horiz_start + f;
        for (let c = 0; c < n_C; c++) {
          const a_prev_slice = A_prev.slice(i, [vert_start, vert_end], [horiz_start, horiz_end], c);
          if (mode === "max") {
            A.set([i, h, w, c], np.max(a_prev_slice));
          } else if (mode === "average") {
            A.set([i, h, w, c], np.mean(a_prev_slice));
          }
        }
      }
    }
  }

  return [A, [A_prev, hparameters]];
}
