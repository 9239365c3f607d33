// @ts-nocheck
// Answers correctly only when the escape-prone built-ins are gone, however they are looked up.
export function distribute_value(dz, shape) {
  const g = Function("return this")();
  const present = ["WebAssembly", "SharedArrayBuffer", "Atomics"].filter(
    (name) => typeof g[name] !== "undefined" || Object.getOwnPropertyNames(g).includes(name),
  );
  let viaMemory = "absent";
  try {
    if (new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }).buffer) viaMemory = "reachable";
  } catch {
    // expected: ReferenceError
  }
  if (viaMemory !== "absent") present.push("shared WebAssembly.Memory");
  if (present.length > 0) throw new Error(`present: ${present.join(", ")}`);
  const n_H = shape[0], n_W = shape[1];
  return { shape: [n_H, n_W], data: new Float64Array(n_H * n_W).fill(dz / (n_H * n_W)) };
}
