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
  const [m, n_H_prev, n_W_prev] = A_prev.shape;
  const [f, , , n_C] = W.shape;
  const stride = hparameters.stride;
  const pad = hparameters.pad;

  const n_H = Math.floor((n_H_prev - f + 2 * pad) / stride) + 1;
  const n_W = Math.floor((n_W_prev - f + 2 * pad) / stride) + 1;
  const Z = np.zeros([m, n_H, n_W, n_C]);
  const A_prev_pad = zero_pad(A_prev, pad);

  for (let i = 0; i < m; i++) {
    const a_prev_pad = A_prev_pad.slice(i);
    for (let h = 0; h < n_H; h++) {
      const vert_start = h * stride;
      const vert_end = vert_start + f;
      for (let w = 0; w < n_W; w++) {
        const horiz_start = w * stride;
        const horiz_end = horiz_start + f;
        for (let c = 0; c < n_C; c++) {
          const a_slice_prev = a_prev_pad.slice([vert_start, vert_end], [horiz_start, horiz_end], null);
          const weights = W.slice(null, null, null, c);
          const biases = b.slice(null, null, null, c);
          Z.set([i, h, w, c], convolve_window(a_slice_prev, weights, biases));
        }
      }
    }
  }

  return [Z, [A_prev, W, b, hparameters]];
}
