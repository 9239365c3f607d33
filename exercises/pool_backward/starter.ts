/**
 * The backward pass of a pooling layer.
 * dA: (m, n_H, n_W, n_C), the gradient with respect to pool_forward's output; cache: pool_forward's cache.
 * Returns dA_prev with A_prev's shape.
 */
export function pool_backward(
  dA: NDArray,
  cache: [NDArray, { f: number; stride: number }],
  mode: "max" | "average" = "max",
): NDArray {
  // What pool_forward saved, and the dimensions.
  const [A_prev, hparameters] = cache;
  const stride = hparameters.stride;
  const f = hparameters.f;
  const [m, n_H_prev, n_W_prev, n_C_prev] = A_prev.shape;
  const [, n_H, n_W, n_C] = dA.shape;

  // TODO (1 line): dA_prev filled with zeros, with A_prev's shape.
  const dA_prev = np.zeros([0]);

  for (let i = 0; i < m; i++) {
    // TODO (1 line): a_prev, the i-th image of A_prev.
    for (let h = 0; h < n_H; h++) {
      for (let w = 0; w < n_W; w++) {
        for (let c = 0; c < n_C; c++) {
          // TODO (4 lines): the corners of the current window (use the stride).
          if (mode === "max") {
            // TODO (3 lines): the window of a_prev in channel c, its mask (create_mask_from_window), and
            // dA_prev[i, window, c] = mask * dA[i, h, w, c].
            // Hint: dA_prev.assign([i, [start, end], [start, end], c], value) is dA_prev[i, start:end, start:end, c] = value.
          } else if (mode === "average") {
            // TODO (2 lines): dA[i, h, w, c], spread over the window with distribute_value, into dA_prev[i, window, c].
          }
        }
      }
    }
  }

  return dA_prev;
}
