// @ts-nocheck
// WebAssembly memory lives outside the isolate's heap limit, so WebAssembly must simply not exist.
export function create_mask_from_window(x) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  for (;;) memory.grow(1024);
}
