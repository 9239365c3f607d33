/** Spreads dz evenly over a matrix of the given shape [n_H, n_W]. */
export function distribute_value(dz: number, shape: [number, number]): NDArray {
  // The matrix's dimensions.
  const [n_H, n_W] = shape;

  // TODO (1 line): the value each entry of the matrix gets.
  const average = 0;

  // TODO (1 line): a matrix of the given shape where every entry is `average`.
  // Hint: np.ones(shape), np.full(shape, value).
  const a = np.zeros([0]);
  return a;
}
