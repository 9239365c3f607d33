// @ts-nocheck
// The shape reads fine; reading the data never finishes.
export function distribute_value(dz, shape) {
  return {
    shape: [shape[0], shape[1]],
    get data() { for (;;) {} },
  };
}

export function zero_pad(X, pad) {
  return {
    get shape() { throw new Error("shape getter refuses"); },
    data: new Float64Array(1),
  };
}
