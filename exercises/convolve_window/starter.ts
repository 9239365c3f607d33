/**
 * Applies one filter W, with bias b, to one window a_slice of the previous layer's output.
 * a_slice, W: (f, f, C_prev); b: (1, 1, C_prev) or (1, 1, 1). Returns a number.
 */
export function convolve_window(a_slice: NDArray, W: NDArray, b: NDArray): number {
  // TODO (1 line): element-wise product between a_slice and W, then add the bias b.
  // Hint: np.multiply(x, y) and x.add(y) broadcast like numpy's * and +.
  const s = np.zeros([0]);
  // TODO (1 line): sum over all entries of s.
  const Z = NaN;
  return Z;
}
