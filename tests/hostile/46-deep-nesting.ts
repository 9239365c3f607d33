// @ts-nocheck
// A constant nested 1,500 arrays deep: esbuild and V8 take it, TypeScript's recursive parser overflows its
// stack on it. The corpus table writes the nesting out in place of the placeholder (this file is type-checked too).
// Typed `any` so that the type checker, which does get to run on it, need not compare 1,500 levels of array types.
export const DEEP: any = DEEP_ARRAY;

export function distribute_value(dz: number, shape: [number, number]): NDArray {
  let depth = 0;
  for (let level = DEEP; level.length > 0; level = level[0]) depth++;
  const [n_H, n_W] = shape;
  return np.full([n_H, n_W], (dz / (n_H * n_W)) * (depth === 1499 ? 1 : 0));
}
