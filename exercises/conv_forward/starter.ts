/**
 * The forward pass of a convolution layer.
 * A_prev: (m, n_H_prev, n_W_prev, n_C_prev); W: (f, f, n_C_prev, n_C); b: (1, 1, 1, n_C) or (1, 1, n_C_prev, n_C).
 * Returns Z: (m, n_H, n_W, n_C) and the cache for conv_backward.
 */
export function conv_forward(
  A_prev: NDArray,
  W: NDArray,
  b: NDArray,
  hparameters: { stride: number; pad: number },
): [NDArray, [NDArray, NDArray, NDArray, { stride: number; pad: number }]] {
  // Dimensions from A_prev's and W's shapes, and the hyperparameters.
  const [m, n_H_prev, n_W_prev, n_C_prev] = A_prev.shape;
  const [f, , , n_C] = W.shape;
  const stride = hparameters.stride;
  const pad = hparameters.pad;

  // TODO (2 lines): the output's height and width: floor((n_prev - f + 2 * pad) / stride) + 1.
  const n_H = 0;
  const n_W = 0;

  // The output volume, filled in below.
  const Z = np.zeros([m, n_H, n_W, n_C]);

  // TODO (1 line): A_prev_pad, A_prev padded with zero_pad.
  const A_prev_pad = A_prev;

  for (let i = 0; i < m; i++) {
    const a_prev_pad = A_prev_pad.slice(i); // the i-th padded image
    for (let h = 0; h < n_H; h++) {
      // TODO (2 lines): where the current window starts and ends vertically (use the stride).
      const vert_start = 0;
      const vert_end = 0;
      for (let w = 0; w < n_W; w++) {
        // TODO (2 lines): where the current window starts and ends horizontally.
        const horiz_start = 0;
        const horiz_end = 0;
        for (let c = 0; c < n_C; c++) {
          // TODO (3 lines): the (f, f, n_C_prev) window of a_prev_pad, then convolve it with the c-th filter and
          // bias and store the result in Z[i, h, w, c].
          // Hint: a_prev_pad.slice([start, end], [start, end], null) is a_prev_pad[start:end, start:end, :];
          // W.slice(null, null, null, c) is W[:, :, :, c]; Z.set([i, h, w, c], value) is Z[i, h, w, c] = value.
        }
      }
    }
  }

  // What conv_backward needs.
  const cache: [NDArray, NDArray, NDArray, { stride: number; pad: number }] = [A_prev, W, b, hparameters];
  return [Z, cache];
}
