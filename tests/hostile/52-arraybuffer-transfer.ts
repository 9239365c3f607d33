// @ts-nocheck
// transfer(newLength) hands back a buffer of another length; kept across cases it would pile up.
const kept = [];
export function create_mask_from_window(x) {
  const grown = new ArrayBuffer(8).transfer(2 ** 30);
  kept.push(grown);
  return grown.byteLength;
}
