// @ts-nocheck
export function distribute_value(dz, shape) {
  const v = dz / (shape[0] * shape[1]);
  const rows = [];
  for (let h = 0; h < shape[0]; h++) rows.push(new Array(shape[1]).fill(v));
  rows.push(new Array(shape[1] + 1).fill(v));
  return rows;
}

export function create_mask_from_window(x) {
  return [[[1, 0], [0, 1]], [[1, 0], 1]];
}
