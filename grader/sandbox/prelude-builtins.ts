import { clipText, MAX_STUDENT_TEXT_CHARS } from "../clip.ts";

/**
 * Built-ins the prelude captures while the context is pristine: student code runs in the same
 * context afterwards and may replace any global, prototype method or accessor.
 */
export function captureBuiltins() {
  const reflectApply = Reflect.apply;
  const getPrototypeOf = Object.getPrototypeOf;
  const defineProperty = Object.defineProperty;
  const objectKeys = Object.keys;
  const isArray = Array.isArray;
  const isSafeInteger = Number.isSafeInteger;
  const StringOf = String;
  const ErrorCtor = Error;
  const Float64ArrayCtor = Float64Array;
  const Int32ArrayCtor = Int32Array;
  const ObjectPrototype = Object.prototype;
  const typedArrayPrototype = getPrototypeOf(Uint8Array.prototype) as object;
  const typedArrayTag = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag)!.get!;
  const symbolToString = Symbol.prototype.toString;
  const stringSlice = String.prototype.slice;
  const arrayJoin = Array.prototype.join;
  const ceil = Math.ceil;
  const stringify = JSON.stringify;
  const RangeErrorCtor = RangeError;
  const typedArrayLength = Object.getOwnPropertyDescriptor(typedArrayPrototype, "length")!.get!;
  const objectToString = Object.prototype.toString;

  const tagOf = (x: unknown): string | undefined => reflectApply(typedArrayTag, x, []) as string | undefined;
  const lengthOfTypedArray = (x: unknown): number => reflectApply(typedArrayLength, x, []) as number;
  const joinShape = (shape: number[]): string => `[${reflectApply(arrayJoin, shape, [","]) as string}]`;
  const clip = (s: string): string => clipText(s, MAX_STUDENT_TEXT_CHARS, (text, start, end) => reflectApply(stringSlice, text, [start, end]) as string);
  /** Own data property on our own objects; a null-prototype descriptor ignores a tampered Object.prototype. */
  const put = (target: object, key: string | number, value: unknown): void => {
    defineProperty(target, key, { __proto__: null, value, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
  };

  function describeThrown(error: unknown): string {
    try {
      if (error === null) return "null";
      const type = typeof error;
      if (type === "undefined") return "undefined";
      if (type === "symbol") return clip(reflectApply(symbolToString, error, []) as string);
      if (type === "string") return clip(error as string);
      if (type !== "object" && type !== "function") return clip(StringOf(error));
      const name: unknown = (error as { name?: unknown }).name;
      const message: unknown = (error as { message?: unknown }).message;
      if (typeof name === "string" || typeof message === "string") {
        const n = typeof name === "string" && name !== "" ? name : "Error";
        return clip(typeof message === "string" && message !== "" ? `${n}: ${message}` : n);
      }
      const text: unknown = StringOf(error);
      return typeof text === "string" ? clip(text) : "<unprintable thrown value>";
    } catch {
      return "<unprintable thrown value>";
    }
  }

  return {
    reflectApply, getPrototypeOf, defineProperty, objectKeys, isArray, isSafeInteger, StringOf, ErrorCtor, Float64ArrayCtor, Int32ArrayCtor,
    ObjectPrototype, objectToString, ceil, stringify, RangeErrorCtor,
    tagOf, lengthOfTypedArray, joinShape, clip, put, describeThrown,
  };
}

export type Builtins = ReturnType<typeof captureBuiltins>;
