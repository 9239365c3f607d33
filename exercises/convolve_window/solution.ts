/**
 * Applies one filter W, with bias b, to one window a_slice_prev of the previous layer's output.
 * a_slice_prev, W: (f, f, n_C_prev); b: (1, 1, n_C_prev) or (1, 1, 1). Returns a number.
 */
export function convolve_window(a_slice_prev: NDArray, W: NDArray, b: NDArray): number {
  // As the course's template says: element-wise product, add the bias (to every element), then sum.
  const s = np.multiply(a_slice_prev, W).add(b);
  const Z = np.sum(s);
  return Z;
}
