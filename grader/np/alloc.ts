// Where results' storage comes from. A Float64Array past 64 bytes gets a backing store of its own
// outside V8's heap, and that allocation (with its bookkeeping and the GC work it causes) cost several
// times the copying worksheet code does per window. Small arrays are carved from shared slabs
// instead: one allocation per slab, views are cheap. A slab lives as long as any array on it, so at
// most SLAB_BYTES are held for a small array kept alive alone; the isolate's memory limit counts
// slabs as it counts any ArrayBuffer. Slabs are never reused, so new storage is zero-filled.
import { Bytes, Float64 } from "./builtins.ts";

const SLAB_BYTES = 32 * 1024;
/** Up to this many elements (2 KiB) an array shares a slab, so a slab holds at least 16. */
const MAX_SHARED_ELEMENTS = 256;

let slab: ArrayBuffer = new Bytes(0);
let used = 0;

/** Zero-filled storage for n elements. */
export function allocate(n: number): Float64Array {
  if (n > MAX_SHARED_ELEMENTS) return new Float64(n);
  const bytes = n * 8;
  if (used + bytes > slab.byteLength) {
    slab = new Bytes(SLAB_BYTES);
    used = 0;
  }
  const out = new Float64(slab, used, n);
  used += bytes;
  return out;
}
