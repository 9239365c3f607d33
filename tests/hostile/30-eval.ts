// @ts-nocheck
// eval runs, but only inside the isolate: there is no process to exit.
export function distribute_value(dz, shape) {
  (0, eval)("globalThis.sideEffect = 1");
  return eval("process.exit(3)");
}
