// @ts-nocheck
function depth(n) {
  return depth(n + 1) + 1;
}

export function distribute_value(dz, shape) {
  return depth(0);
}
