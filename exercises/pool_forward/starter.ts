/**
 * The forward pass of a pooling layer (no padding).
 * A_prev: (m, n_H_prev, n_W_prev, n_C); returns A: (m, n_H, n_W, n_C) and the cache for pool_backward.
 */
export function pool_forward(
  A_prev: NDArray,
  hparameters: { f: number; stride: number },
  mode: "max" | "average" = "max",
): [NDArray, [NDArray, { f: number; stride: number }]] {
  // Dimensions from A_prev's shape, and the hyperparameters.
  const [m, n_H_prev, n_W_prev, n_C] = A_prev.shape;
  const f = hparameters.f;
  const stride = hparameters.stride;

  // TODO (2 lines): the output's height and width: floor(1 + (n_prev - f) / stride).
  const n_H = 0;
  const n_W = 0;

  // The output, filled in below.
  const A = np.zeros([m, n_H, n_W, n_C]);

  for (let i = 0; i < m; i++) {
    for (let h = 0; h < n_H; h++) {
      for (let w = 0; w < n_W; w++) {
        for (let c = 0; c < n_C; c++) {
          // TODO (4 lines): the corners of the current window (use the stride).
          // TODO (1 line): a_prev_slice, the window of the i-th image in channel c.
          // TODO: A[i, h, w, c] = the window's maximum when mode is "max", its mean when mode is "average".
          // Hint: A_prev.slice(i, [start, end], [start, end], c) is A_prev[i, start:end, start:end, c];
          // np.max and np.mean work like numpy's.
        }
      }
    }
  }

  // What pool_backward needs.
  const cache: [NDArray, { f: number; stride: number }] = [A_prev, hparameters];
  return [A, cache];
}
