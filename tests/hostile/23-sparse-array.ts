// @ts-nocheck
// Nested arrays with holes: every row's first element, and every element of the flat data, is missing.
export function distribute_value(dz, shape) {
  const row = new Array(shape[1]);
  for (let w = 1; w < shape[1]; w++) row[w] = dz / (shape[0] * shape[1]);
  const rows = [];
  for (let h = 0; h < shape[0]; h++) rows.push(row);
  return rows;
}

export function create_mask_from_window(x) {
  const flat = new Array(x.data.length);
  return { shape: x.shape.slice(), data: flat };
}
