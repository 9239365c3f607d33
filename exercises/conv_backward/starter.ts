/**
 * The backward pass of a convolution layer.
 * dZ: (m, n_H, n_W, n_C), the gradient of the cost with respect to conv_forward's Z; cache: conv_forward's cache.
 * Returns [dA_prev, dW, db] with the shapes of A_prev, W and (1, 1, 1, n_C).
 */
export function conv_backward(
  dZ: NDArray,
  cache: [NDArray, NDArray, NDArray, { stride: number; pad: number }],
): [NDArray, NDArray, NDArray] {
  // What conv_forward saved, and the dimensions.
  const [A_prev, W, b, hparameters] = cache;
  const [m, n_H_prev, n_W_prev, n_C_prev] = A_prev.shape;
  const [f, , , n_C] = W.shape;
  const stride = hparameters.stride;
  const pad = hparameters.pad;
  const [, n_H, n_W] = dZ.shape;

  // TODO (3 lines): dA_prev, dW and db filled with zeros, with the right shapes.
  const dA_prev = np.zeros([0]);
  const dW = np.zeros([0]);
  const db = np.zeros([0]);

  // TODO (2 lines): pad A_prev and dA_prev with zero_pad.
  const A_prev_pad = A_prev;
  const dA_prev_pad = dA_prev;

  for (let i = 0; i < m; i++) {
    // TODO (2 lines): the i-th image of A_prev_pad and of dA_prev_pad.
    for (let h = 0; h < n_H; h++) {
      for (let w = 0; w < n_W; w++) {
        for (let c = 0; c < n_C; c++) {
          // TODO (4 lines): the corners of the current window (use the stride).
          // TODO (1 line): a_slice, the window of the i-th padded image.
          // TODO (3 lines): update the gradients for the window and the filter's parameters:
          //   da_prev_pad[window, :] += W[:, :, :, c] * dZ[i, h, w, c]
          //   dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
          //   db[:, :, :, c] += dZ[i, h, w, c]
          // Hint: x.addAt([[start, end], [start, end], null], value) is x[start:end, start:end, :] += value;
          // dZ.get(i, h, w, c) is dZ[i, h, w, c].
        }
      }
    }
    // TODO (1 line): dA_prev[i, :, :, :] = the i-th padded gradient without its padding (careful when pad is 0).
    // Hint: slices are copies here, so write the result back with dA_prev.assign([i], ...).
  }

  return [dA_prev, dW, db];
}
