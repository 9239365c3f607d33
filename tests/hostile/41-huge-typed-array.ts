// @ts-nocheck
// ArrayBuffers are allocated outside the V8 heap; the isolate's limit must still hold.
export function create_mask_from_window(x) {
  const buffers = [];
  for (;;) buffers.push(new Float64Array(16 * 1024 * 1024));
}
