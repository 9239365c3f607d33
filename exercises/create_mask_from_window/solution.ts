/** A mask of x's shape: 1 where x holds its maximum, 0 elsewhere. */
export function create_mask_from_window(x: NDArray): NDArray {
  const mask = x.eq(np.max(x));
  return mask;
}
