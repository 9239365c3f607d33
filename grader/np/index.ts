// "@autograde/np", the helper module students import. The sandbox bundles these files (bundles.ts) and
// runs the bundle inside the isolate, so nothing here may import anything but its sibling files, use
// host APIs, or reach beyond ECMAScript built-ins. What this file exports is the public API, and
// scripts/build-np-dts.ts turns exactly that into the one declaration file students get.
export { NDArray, type ArrayInput, type Index, type Nested, type PadWidths } from "./ndarray.ts";
export { array, full, ones, pad, shape, zeros, zeros_like } from "./constructors.ts";
export { add, divide, equal, max, mean, min, multiply, subtract, sum } from "./math.ts";
