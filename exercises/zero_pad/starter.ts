/**
 * Pads the height and width of every image in the batch X with zeros.
 * X: (m, n_H, n_W, n_C) -> X_pad: (m, n_H + 2 * pad, n_W + 2 * pad, n_C)
 */
export function zero_pad(X: NDArray, pad: number): NDArray {
  // TODO (1 line): pad axes 1 and 2 of X with `pad` zeros on each side, and leave axes 0 and 3 alone.
  // Hint: np.pad(x, [[before, after], ...one pair per axis], 0) works like numpy's np.pad in "constant" mode.
  const X_pad = np.zeros([0]);
  return X_pad;
}
