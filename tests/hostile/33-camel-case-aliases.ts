// @ts-nocheck
// Appended to the model solution with its `export` keywords removed: only the camelCase names are exported.
export {
  zero_pad as zeroPad,
  convolve_window as convolveWindow,
  conv_forward as convForward,
  conv_backward as convBackward,
  pool_forward as poolForward,
  create_mask_from_window as createMaskFromWindow,
  distribute_value as distributeValue,
  pool_backward as poolBackward,
};
