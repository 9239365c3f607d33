// @ts-nocheck
// Function("return this")() is the isolate's global: it must hold nothing of the host (no process,
// require, isolated-vm References or copies), and dynamic import from generated code must not load.
let imported = "not settled";
try {
  Function('return import("node:fs")')().then(
    () => { imported = "loaded node:fs"; },
    () => { imported = "refused"; },
  );
} catch {
  imported = "refused synchronously";
}

const HOST_METHODS = ["applySync", "applySyncPromise", "derefInto", "copySync", "setSync", "getSync", "compileScriptSync"];

function hostish(value) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    return HOST_METHODS.some((name) => typeof value[name] === "function");
  } catch {
    return false;
  }
}

export function distribute_value(dz, shape) {
  const g = Function("return this")();
  const found = [];
  for (const name of ["process", "require", "module", "global", "Buffer", "ivm", "_ivm", "setImmediate", "fetch"]) {
    if (typeof g[name] !== "undefined") found.push(name);
  }
  for (const name of Object.getOwnPropertyNames(g)) {
    let value;
    try { value = g[name]; } catch { continue; }
    if (hostish(value)) found.push(`${name} looks like an isolated-vm handle`);
    if (value && typeof value === "object") {
      for (const inner of Object.getOwnPropertyNames(value)) {
        let v;
        try { v = value[inner]; } catch { continue; }
        if (hostish(v)) found.push(`${name}.${inner} looks like an isolated-vm handle`);
      }
    }
  }
  if (imported === "loaded node:fs") found.push("dynamic import loaded node:fs");
  if (found.length > 0) throw new Error(`ESCAPED: ${found.join(" | ")}`);

  const n_H = shape[0], n_W = shape[1];
  return { shape: [n_H, n_W], data: new Float64Array(n_H * n_W).fill(dz / (n_H * n_W)) };
}
