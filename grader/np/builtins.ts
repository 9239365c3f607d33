// Captured when the module loads, before student code runs: replacing these globals must not break
// how the sandbox builds arguments or how these helpers check them.
export const Float64 = Float64Array;
export const isArray = Array.isArray;
export const isInteger = Number.isInteger;
export const Bytes = ArrayBuffer;
