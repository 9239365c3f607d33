// @ts-nocheck
// The same through the intrinsic constructor, reached from a buffer instead of the global name.
export function create_mask_from_window(x) {
  const Intrinsic = new Float64Array(1).buffer.constructor;
  const buffer = Reflect.construct(Intrinsic, [8, { maxByteLength: 2 ** 32 }]);
  buffer.resize(2 ** 30);
  return buffer.byteLength;
}
