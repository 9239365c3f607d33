/**
 * Closes the ways student code can make V8 commit memory that the isolate's limit does not count.
 * isolated-vm limits V8's heap and the ArrayBuffers its allocator hands out; a resizable buffer
 * reserves its maximum up front and commits pages on `resize` without asking the allocator, and
 * `transfer` can hand back a buffer of a new length the same way. WebAssembly memory is allocated
 * outside the limit; SharedArrayBuffer (growable too) and Atomics only serve shared-memory tricks;
 * Intl objects live in ICU's malloc. No exercise needs any of them.
 */
export function closeUncountedMemory(global: Record<string, unknown>): void {
  delete global.WebAssembly;
  delete global.SharedArrayBuffer;
  delete global.Atomics;
  delete global.Intl;

  const Original = ArrayBuffer;
  const prototype = Original.prototype as unknown as Record<string, unknown>;
  for (const name of ["resize", "transfer", "transferToFixedLength"]) delete prototype[name];

  const reflectConstruct = Reflect.construct;
  const TypeErrorCtor = TypeError;
  // Every way back to the intrinsic constructor (the global, any buffer's .constructor) leads here,
  // so a buffer with a maximum length cannot be made at all: not even its address space is reserved.
  const Guarded = function ArrayBuffer(this: unknown, length?: number, options?: unknown): ArrayBuffer {
    if (new.target === undefined) throw new TypeErrorCtor("Constructor ArrayBuffer requires 'new'");
    if (typeof options === "object" && options !== null && (options as { maxByteLength?: unknown }).maxByteLength !== undefined) {
      throw new TypeErrorCtor("resizable ArrayBuffers (maxByteLength) are not available in the sandbox");
    }
    return reflectConstruct(Original, [length], new.target) as ArrayBuffer;
  };
  Object.defineProperty(Guarded, "prototype", { value: Original.prototype, writable: false, enumerable: false, configurable: false });
  Object.defineProperty(Guarded, "isView", { value: Original.isView, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(Guarded, Symbol.species, { get() { return this; }, enumerable: false, configurable: true });
  Object.defineProperty(prototype, "constructor", { value: Guarded, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(global, "ArrayBuffer", { value: Guarded, writable: true, enumerable: false, configurable: true });
}
