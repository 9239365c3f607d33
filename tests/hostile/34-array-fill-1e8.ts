// @ts-nocheck
// 800 MB of doubles in a 64 MB isolate: a fatal OOM for a bare isolate, so it must cost only this exercise.
export function create_mask_from_window(x) {
  const hog = Array(1e8).fill(0);
  return { shape: [hog.length], data: hog };
}
