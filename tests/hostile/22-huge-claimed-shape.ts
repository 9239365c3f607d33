// @ts-nocheck
// Claims a shape far larger than its data; a reader that trusts `shape` allocates terabytes.
export function zero_pad(X, pad) {
  return { shape: [1e6, 1e6, 1e6, 2], data: new Float64Array(8) };
}

export function distribute_value(dz, shape) {
  return { shape: [-1, Number.POSITIVE_INFINITY], data: [dz] };
}

export function create_mask_from_window(x) {
  const data = new Float64Array(4);
  return { shape: { length: 2 ** 32 - 1 }, data };
}
