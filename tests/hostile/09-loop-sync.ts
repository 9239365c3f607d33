// @ts-nocheck
export function distribute_value(dz, shape) {
  let spins = 0;
  while (dz === dz) spins++;
  return spins;
}
