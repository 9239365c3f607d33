import { describe, expect, it } from "vitest";
import { asTensor, describeValue, formatShape, isTensor, toFloat64Tensor } from "./values.ts";

describe("describeValue", () => {
  it.each([
    ["number", 3.5, "a number (3.5)"],
    ["NaN", Number.NaN, "a number (NaN)"],
    ["boolean", false, "a boolean (false)"],
    ["string", "x", "a string"],
    ["null", null, "null"],
    ["undefined", undefined, "undefined"],
    ["one-item array", [1], "an array of 1 item"],
    ["array", [1, 2, 3], "an array of 3 items"],
    ["tensor", { shape: [4, 3, 3, 2], data: new Float64Array(72) }, "a tensor of shape (4, 3, 3, 2)"],
    ["1-D tensor", { shape: [3], data: new Int32Array(3) }, "a tensor of shape (3,)"],
    ["malformed tensor", { shape: [2, 2], data: new Float64Array(5) }, "a malformed tensor (shape (2, 2) but 5 values)"],
    ["object", { a: 1, b: 2 }, "an object with keys a, b"],
    ["empty object", {}, "an empty object"],
    ["function", () => 1, "a function"],
  ])("%s", (_name, value, description) => {
    expect(describeValue(value)).toBe(description);
  });
});

describe("isTensor", () => {
  it.each([
    ["Float64Array data", { shape: [2], data: new Float64Array(2) }, true],
    ["0-D tensor", { shape: [], data: new Float64Array(1) }, true],
    ["Uint8Array data", { shape: [2], data: new Uint8Array(2) }, true],
    ["number[] data", { shape: [2], data: [1, 2] }, false],
    ["DataView data", { shape: [2], data: new DataView(new ArrayBuffer(16)) }, false],
    ["negative dimension", { shape: [-1], data: new Float64Array(0) }, false],
    ["length mismatch", { shape: [3], data: new Float64Array(2) }, false],
    ["array", [1, 2], false],
  ])("%s -> %s", (_name, value, expected) => {
    expect(isTensor(value)).toBe(expected);
  });
});

describe("toFloat64Tensor", () => {
  it("copies other typed arrays into a Float64Array and keeps Float64Array tensors as they are", () => {
    const ints = { shape: [2], data: Int16Array.from([3, -4]) } as never;
    const converted = toFloat64Tensor(ints);
    expect(converted.data).toBeInstanceOf(Float64Array);
    expect([...converted.data]).toEqual([3, -4]);
    const f64 = { shape: [1], data: new Float64Array(1) };
    expect(toFloat64Tensor(f64)).toBe(f64);
  });
});

describe("formatShape", () => {
  it.each([
    [[4, 7, 7, 2], "(4, 7, 7, 2)"],
    [[3], "(3,)"],
    [[], "()"],
  ])("%j -> %s", (shape, text) => {
    expect(formatShape(shape)).toBe(text);
  });
});

describe("asTensor", () => {
  it.each([
    ["a tensor", { shape: [2], data: Float64Array.from([1, 2]) }, [2], [1, 2]],
    ["a nested number array", [[1, 2, 3], [4, 5, 6]], [2, 3], [1, 2, 3, 4, 5, 6]],
    ["a nested boolean array", [[true], [false]], [2, 1], [1, 0]],
    ["a flat array", [7, 8], [2], [7, 8]],
    ["an empty array", [], [0], []],
    ["{ shape, data: boolean[] }", { shape: [1, 2], data: [false, true] }, [1, 2], [0, 1]],
  ])("converts %s", (_name, value, shape, data) => {
    const tensor = asTensor(value);
    expect(tensor?.shape).toEqual(shape);
    expect(tensor?.data).toBeInstanceOf(Float64Array);
    expect([...(tensor?.data ?? [])]).toEqual(data);
  });

  it.each([
    ["a ragged array", [[1, 2], [3]]],
    ["mixed depth", [[1], 2]],
    ["strings inside", [["a"]]],
    ["an array of tensors", [{ shape: [1], data: new Float64Array(1) }]],
    ["a number", 3],
    ["{ shape, data } of the wrong length", { shape: [3], data: [1, 2] }],
  ])("refuses %s", (_name, value) => {
    expect(asTensor(value)).toBeUndefined();
  });
});
