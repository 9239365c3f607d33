// @ts-nocheck
// Outputs larger than maxOutputElements (the test sets it to 1e6): refused inside the isolate.
export function distribute_value(dz, shape) {
  return { shape: [2_000_000], data: new Float64Array(2_000_000) };
}

export function create_mask_from_window(x) {
  return new Array(1_500_000).fill(1);
}

export function zero_pad(X, pad) {
  const row = new Array(1000).fill(0);
  return new Array(1500).fill(row);
}
