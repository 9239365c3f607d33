/**
 * The backward pass of a pooling layer.
 * dA: (m, n_H, n_W, n_C), the gradient with respect to pool_forward's output; cache: pool_forward's cache.
 * Returns dA_prev with A_prev's shape.
 */
export function pool_backward(
  dA: NDArray,
  cache: [NDArray, { f: number; stride: number }],
  mode: "max" | "average" = "max",
): NDArray {
  const [A_prev, hparameters] = cache;
  const stride = hparameters.stride;
  const f = hparameters.f;
  const [m, n_H, n_W, n_C] = dA.shape;

  const dA_prev = np.zeros(A_prev.shape);

  for (let i = 0; i < m; i++) {
    const a_prev = A_prev.slice(i);
    for (let h = 0; h < n_H; h++) {
      for (let w = 0; w < n_W; w++) {
        for (let c = 0; c < n_C; c++) {
          const vert_start = h * stride;
          const vert_end = vert_start + f;
          const horiz_start = w * stride;
          const horiz_end = horiz_start + f;
          const window: (number | [number, number])[] = [i, [vert_start, vert_end], [horiz_start, horiz_end], c];
          // Assigned, as in the course's worksheet: where windows overlap, the later window's value wins.
          if (mode === "max") {
            const a_prev_slice = a_prev.slice([vert_start, vert_end], [horiz_start, horiz_end], c);
            const mask = create_mask_from_window(a_prev_slice);
            dA_prev.assign(window, np.multiply(mask, dA.get(i, h, w, c)));
          } else if (mode === "average") {
            const da = dA.get(i, h, w, c);
            dA_prev.assign(window, distribute_value(da, [f, f]));
          }
        }
      }
    }
  }

  return dA_prev;
}
