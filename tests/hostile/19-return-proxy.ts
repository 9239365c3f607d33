// @ts-nocheck
const spin = () => { for (;;) {} };

// Looks like a tensor to anything that asks, and hangs whoever asks.
export function distribute_value(dz, shape) {
  return new Proxy({ shape: [2, 2], data: new Float64Array(4) }, { get: spin, has: spin, ownKeys: spin, getPrototypeOf: spin, getOwnPropertyDescriptor: spin });
}

// Every property read throws something odd.
export function zero_pad(X, pad) {
  return new Proxy({}, { get() { throw Symbol("trap"); }, has() { throw null; }, ownKeys() { throw undefined; }, getPrototypeOf() { throw 0; } });
}
