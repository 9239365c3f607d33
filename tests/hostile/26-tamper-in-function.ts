// @ts-nocheck
// Vandalises the built-ins on its first call, then answers correctly (every call) without using any of
// them. Its own answers must still be read correctly, and no other exercise (fresh context) or later
// submission (fresh isolate) may notice. distribute_value takes no tensors, so its next cases need no helpers.
const { defineProperty, getPrototypeOf, create } = Object;
let tampered = false;

function tamper() {
  const poison = () => { throw new Error("tampered built-in called"); };
  const typedArrayPrototype = getPrototypeOf(Float64Array.prototype);
  defineProperty(Object.prototype, "toJSON", { value: () => "tampered", writable: true, configurable: true });
  defineProperty(Object.prototype, "shape", { get: () => [1], configurable: true });
  defineProperty(Object.prototype, "data", { get: () => new Float64Array(1), configurable: true });
  Array.prototype.map = Array.prototype.forEach = Array.prototype.reduce = Array.prototype.push = poison;
  Array.prototype.slice = Array.prototype.concat = Array.prototype.join = poison;
  Array.prototype[Symbol.iterator] = function* () { yield 13; };
  Array.isArray = () => false;
  Array.from = poison;
  Float64Array.prototype.slice = Float64Array.prototype.subarray = Float64Array.prototype.set = poison;
  defineProperty(typedArrayPrototype, "length", { get: () => 0, configurable: true });
  typedArrayPrototype[Symbol.iterator] = function* () { yield NaN; };
  Object.keys = Object.entries = Object.getOwnPropertyNames = Object.getPrototypeOf = poison;
  Reflect.ownKeys = Reflect.get = Reflect.apply = poison;
  Function.prototype.call = Function.prototype.apply = Function.prototype.bind = poison;
  JSON.stringify = JSON.parse = poison;
  Math.max = Math.min = Math.abs = Math.floor = () => NaN;
  Number.isFinite = Number.isInteger = Number.isNaN = () => true;
  String.prototype.slice = String.prototype.toString = poison;
  Error.prototype.toString = poison;
  globalThis.Promise = undefined;
  globalThis.String = poison;
}

export function distribute_value(dz, shape) {
  const n_H = shape[0], n_W = shape[1];
  const data = new Float64Array(n_H * n_W);
  for (let k = 0; k < n_H * n_W; k++) data[k] = dz / (n_H * n_W);
  if (!tampered) {
    tampered = true;
    tamper();
  }
  const out = create(null);
  out.shape = [n_H, n_W];
  out.data = data;
  return out;
}
