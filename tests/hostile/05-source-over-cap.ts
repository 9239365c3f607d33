// @ts-nocheck
// The test pads this past maxSourceBytes: the grader must refuse it before compiling.
export function distribute_value(dz, shape) {
  return dz;
}
