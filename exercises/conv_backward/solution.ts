/**
 * The backward pass of a convolution layer.
 * dZ: (m, n_H, n_W, n_C), the gradient of the cost with respect to conv_forward's Z; cache: conv_forward's cache.
 * Returns [dA_prev, dW, db] with the shapes of A_prev, W and (1, 1, 1, n_C).
 */
export function conv_backward(
  dZ: NDArray,
  cache: [NDArray, NDArray, NDArray, { stride: number; pad: number }],
): [NDArray, NDArray, NDArray] {
  const [A_prev, W, , hparameters] = cache;
  const [m, n_H_prev, n_W_prev, n_C_prev] = A_prev.shape;
  const [f, , , n_C] = W.shape;
  const stride = hparameters.stride;
  const pad = hparameters.pad;
  const [, n_H, n_W] = dZ.shape;

  const dA_prev = np.zeros([m, n_H_prev, n_W_prev, n_C_prev]);
  const dW = np.zeros([f, f, n_C_prev, n_C]);
  const db = np.zeros([1, 1, 1, n_C]);
  const A_prev_pad = zero_pad(A_prev, pad);
  const dA_prev_pad = zero_pad(dA_prev, pad);

  for (let i = 0; i < m; i++) {
    const a_prev_pad = A_prev_pad.slice(i);
    const da_prev_pad = dA_prev_pad.slice(i);
    for (let h = 0; h < n_H; h++) {
      for (let w = 0; w < n_W; w++) {
        for (let c = 0; c < n_C; c++) {
          const vert_start = h * stride;
          const vert_end = vert_start + f;
          const horiz_start = w * stride;
          const horiz_end = horiz_start + f;
          const a_slice = a_prev_pad.slice([vert_start, vert_end], [horiz_start, horiz_end], null);
          const dz = dZ.get(i, h, w, c);
          da_prev_pad.addAt([[vert_start, vert_end], [horiz_start, horiz_end], null], W.slice(null, null, null, c).mul(dz));
          dW.addAt([null, null, null, c], a_slice.mul(dz));
          db.addAt([null, null, null, c], dz);
        }
      }
    }
    // Slices are copies here (not numpy views), so the image's gradient is copied back without its padding;
    // [pad, pad + n_H_prev] rather than numpy's pad:-pad keeps pad = 0 correct.
    dA_prev.assign([i], da_prev_pad.slice([pad, pad + n_H_prev], [pad, pad + n_W_prev], null));
  }

  return [dA_prev, dW, db];
}
