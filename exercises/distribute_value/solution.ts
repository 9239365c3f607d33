/** Spreads dz evenly over a matrix of the given shape [n_H, n_W]. */
export function distribute_value(dz: number, shape: [number, number]): NDArray {
  const [n_H, n_W] = shape;
  const average = dz / (n_H * n_W);
  const a = np.ones(shape).mul(average);
  return a;
}
