/**
 * Applies one filter W, with bias b, to one window a_slice of the previous layer's output.
 * a_slice, W: (f, f, C_prev); b: (1, 1, C_prev) or (1, 1, 1). Returns a number.
 */
export function convolve_window(a_slice: NDArray, W: NDArray, b: NDArray): number {
  // As the course's template says: element-wise product, add the bias (to every element), then sum.
  const s = np.multiply(a_slice, W).add(b);
  const Z = np.sum(s);
  return Z;
}
