/**
 * Pads the height and width of every image in the batch X with zeros.
 * X: (m, n_H, n_W, n_C) -> X_pad: (m, n_H + 2 * pad, n_W + 2 * pad, n_C)
 */
export function zero_pad(X: NDArray, pad: number): NDArray {
  const X_pad = np.pad(X, [[0, 0], [pad, pad], [pad, pad], [0, 0]], 0);
  return X_pad;
}
