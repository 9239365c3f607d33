// @ts-nocheck
// Doubling alone builds a rope that stays small; reading a character flattens it, so the memory is real.
export function create_mask_from_window(x) {
  let s = "0123456789abcdef";
  for (;;) {
    s = s + s;
    if (s.charCodeAt(s.length >> 1) === 0x7f) break;
  }
  return s.length;
}
