import { describe, expect, it } from "vitest";
import { NDArray, array, full, ones, pad, shape, sum, zeros, zeros_like, type Index } from "./index.ts";

/** 0, 1, 2, ... in the given shape: every entry names its own row-major offset. */
function ramp(...dims: number[]): NDArray {
  return new NDArray(dims, Float64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i));
}

const plain = (x: NDArray): { shape: number[]; data: number[] } => ({ shape: x.shape, data: [...x.data] });

describe("NDArray constructor", () => {
  it("keeps shape and data, and derives size and ndim", () => {
    const data = Float64Array.of(1, 2, 3, 4, 5, 6);
    const x = new NDArray([2, 3], data);
    expect(x.shape).toEqual([2, 3]);
    expect(x.data).toBe(data);
    expect(x.size).toBe(6);
    expect(x.ndim).toBe(2);
  });

  it("accepts a 0-d array of one value and empty arrays", () => {
    expect(new NDArray([], Float64Array.of(7)).size).toBe(1);
    expect(new NDArray([2, 0], new Float64Array(0)).size).toBe(0);
  });

  it.each([
    { name: "length mismatch", shape: [2, 3], data: new Float64Array(5), message: "NDArray: data has 5 elements but shape (2,3) needs 6" },
    { name: "negative dimension", shape: [2, -1], data: new Float64Array(0), message: "invalid dimension -1 at axis 1" },
    { name: "fractional dimension", shape: [1.5], data: new Float64Array(1), message: "invalid dimension 1.5 at axis 0" },
    { name: "plain number[] data", shape: [2], data: [1, 2], message: "data must be a Float64Array" },
    { name: "shape not an array", shape: 3, data: new Float64Array(3), message: "NDArray: shape must be an array" },
  ])("rejects $name", ({ shape: dims, data, message }) => {
    expect(() => new NDArray(dims as number[], data as Float64Array)).toThrow(message);
  });
});

describe("get and set", () => {
  it.each([
    { name: "x=[2,3,4] at (1,2,3)", index: [1, 2, 3], offset: 23 },
    { name: "x=[2,3,4] at (0,1,0)", index: [0, 1, 0], offset: 4 },
    { name: "x=[2,3,4] at (-1,-1,-1)", index: [-1, -1, -1], offset: 23 },
    { name: "x=[2,3,4] at (1,-3,0)", index: [1, -3, 0], offset: 12 },
  ])("$name", ({ index, offset }) => {
    const x = ramp(2, 3, 4);
    expect(x.get(...index)).toBe(offset);
    x.set(index, -5);
    expect(x.data[offset]).toBe(-5);
  });

  it("reads a 0-d array with no index", () => {
    expect(new NDArray([], Float64Array.of(4.5)).get()).toBe(4.5);
  });

  it.each([
    { name: "too few indices", index: [1, 2], message: "get: expected 3 indices for an array of shape (2,3,4), got 2" },
    { name: "index past the end", index: [0, 3, 0], message: "get: index 3 out of range for axis 1 of size 3" },
    { name: "negative past the start", index: [-3, 0, 0], message: "get: index -3 out of range for axis 0 of size 2" },
    { name: "fractional index", index: [0, 0.5, 0], message: "get: index for axis 1 must be an integer, got 0.5" },
  ])("get rejects $name", ({ index, message }) => {
    expect(() => ramp(2, 3, 4).get(...index)).toThrow(message);
  });

  it("set rejects a non-number value and an index that is not an array", () => {
    expect(() => ramp(2).set([0], "1" as unknown as number)).toThrow('set: value must be a number, got "1"');
    expect(() => ramp(2).set(0 as unknown as number[], 1)).toThrow("set: index must be an array of numbers, got 0");
  });
});

describe("slice", () => {
  /** The expected copy, computed entry by entry from the ramp's offsets. */
  function expectedSlice(dims: number[], index: Index[]): { shape: number[]; data: number[] } {
    const strides = dims.map((_, k) => dims.slice(k + 1).reduce((a, b) => a * b, 1));
    const axes = dims.map((d, k) => {
      const entry = index[k];
      if (typeof entry === "number") return { keep: false, values: [entry < 0 ? entry + d : entry] };
      const [start, end] = entry ? [entry[0] < 0 ? entry[0] + d : entry[0], entry[1] < 0 ? entry[1] + d : entry[1]] : [0, d];
      return { keep: true, values: Array.from({ length: end - start }, (_, i) => start + i) };
    });
    let offsets = [0];
    axes.forEach((axis, k) => {
      offsets = offsets.flatMap((o) => axis.values.map((v) => o + v * strides[k]!));
    });
    return { shape: axes.filter((a) => a.keep).map((a) => a.values.length), data: offsets };
  }

  it.each([
    { name: "x=[2,5,5,3] [1, 1:4, 2:5, :]", dims: [2, 5, 5, 3], index: [1, [1, 4], [2, 5], null] },
    { name: "x=[2,5,5,3] [:, :, :, 2] (strided channel)", dims: [2, 5, 5, 3], index: [null, null, null, 2] },
    { name: "x=[2,5,5,3] [0] (trailing axes omitted)", dims: [2, 5, 5, 3], index: [0] },
    { name: "x=[3,4] [1:-1, -2:4]", dims: [3, 4], index: [[1, -1], [-2, 4]] },
    { name: "x=[3,4] [2:2] (empty)", dims: [3, 4], index: [[2, 2]] },
    { name: "x=[3,4] [1, 3] (every axis picked)", dims: [3, 4], index: [1, 3] },
    { name: "x=[4] [] (whole array)", dims: [4], index: [] },
  ] as { name: string; dims: number[]; index: Index[] }[])("$name", ({ dims, index }) => {
    const x = ramp(...dims);
    expect(plain(x.slice(...index))).toEqual(expectedSlice(dims, index));
  });

  it("copies: writing to the slice leaves the source alone", () => {
    const x = ramp(2, 3);
    const row = x.slice(1);
    row.set([0], 100);
    expect([...x.data]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it.each([
    { name: "index out of range", index: [0, 5], message: "slice: index 5 out of range for axis 1 of size 4" },
    { name: "range past the end", index: [[1, 4]], message: "slice: range [1, 4] out of range for axis 0 of size 3" },
    { name: "reversed range", index: [[2, 1]], message: "slice: range [2, 1] out of range for axis 0 of size 3" },
    { name: "too many indices", index: [0, 0, 0], message: "slice: too many indices (3) for an array of shape (3,4)" },
    { name: "a string", index: ["1"], message: 'slice: index for axis 0 must be an integer, an integer [start, end] pair or null, got "1"' },
    { name: "a triple", index: [[0, 1, 1]], message: "got [0, 1, 1]" },
  ])("rejects $name", ({ index, message }) => {
    expect(() => ramp(3, 4).slice(...(index as Index[]))).toThrow(message);
  });
});

describe("assign and addAt", () => {
  it.each([
    { name: "x=[2,3] [1] = 9", index: [1], value: 9, assigned: [0, 1, 2, 9, 9, 9], added: [0, 1, 2, 12, 13, 14] },
    { name: "x=[2,3] [:, 1:3] = [[7,8],[9,10]]", index: [null, [1, 3]], value: [[7, 8], [9, 10]], assigned: [0, 7, 8, 3, 9, 10], added: [0, 8, 10, 3, 13, 15] },
    { name: "x=[2,3] [:, 0] = [5,6]", index: [null, 0], value: [5, 6], assigned: [5, 1, 2, 6, 4, 5], added: [5, 1, 2, 9, 4, 5] },
    { name: "x=[2,3] [:] = row [1,2,3] broadcast", index: [], value: [1, 2, 3], assigned: [1, 2, 3, 1, 2, 3], added: [1, 3, 5, 4, 6, 8] },
    { name: "x=[2,3] [0, 2] = [[4]] (leading 1s dropped)", index: [0, 2], value: [[4]], assigned: [0, 1, 4, 3, 4, 5], added: [0, 1, 6, 3, 4, 5] },
  ])("$name", ({ index, value, assigned, added }) => {
    const x = ramp(2, 3);
    x.assign(index as Index[], value);
    expect([...x.data]).toEqual(assigned);
    const y = ramp(2, 3);
    y.addAt(index as Index[], value);
    expect([...y.data]).toEqual(added);
  });

  it("writes a strided channel of a 4-D array", () => {
    const x = zeros([1, 2, 2, 3]);
    x.addAt([0, null, null, 1], array([[1, 2], [3, 4]]));
    x.addAt([0, null, null, 1], 10);
    expect([...x.data]).toEqual([0, 11, 0, 0, 12, 0, 0, 13, 0, 0, 14, 0]);
  });

  it("names the shapes that do not broadcast", () => {
    expect(() => ramp(2, 3).assign([null, [0, 2]], [1, 2, 3])).toThrow(
      "assign: cannot broadcast value of shape (3,) into region of shape (2,2)",
    );
    expect(() => ramp(2, 3).addAt([0], [[1, 2, 3], [4, 5, 6]])).toThrow(
      "addAt: cannot broadcast value of shape (2,3) into region of shape (3,)",
    );
  });

  it("rejects a value that is not numeric", () => {
    expect(() => ramp(2).assign([], "x" as unknown as number)).toThrow(
      'assign: expected an NDArray, a number or nested arrays of numbers, got "x"',
    );
  });
});

describe("reshape and copy", () => {
  it.each([
    { name: "(2,3) -> (3,2)", to: [[3, 2]], shape: [3, 2] },
    { name: "(2,3) -> 6 as varargs", to: [6], shape: [6] },
    { name: "(2,3) -> (-1,2)", to: [[-1, 2]], shape: [3, 2] },
    { name: "(2,3) -> (1,2,1,3)", to: [1, 2, 1, 3], shape: [1, 2, 1, 3] },
  ])("$name", ({ to, shape: want }) => {
    const x = ramp(2, 3);
    const y = x.reshape(...(to as number[]));
    expect(plain(y)).toEqual({ shape: want, data: [0, 1, 2, 3, 4, 5] });
    y.set(new Array(want.length).fill(0), 9);
    expect(x.data[0]).toBe(0);
  });

  it("rejects a size change", () => {
    expect(() => ramp(2, 3).reshape(4, 2)).toThrow("reshape: cannot reshape array of size 6 into shape (4,2)");
    expect(() => ramp(2, 3).reshape(-1, 4)).toThrow("reshape: cannot reshape array of size 6 into shape (-1,4)");
  });

  it("copy owns its buffer", () => {
    const x = ramp(3);
    const y = x.copy();
    y.set([0], 5);
    expect(plain(x)).toEqual({ shape: [3], data: [0, 1, 2] });
  });
});

describe("array", () => {
  it.each([
    { name: "nested 2x3", input: [[1, 2, 3], [4, 5, 6]], shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
    { name: "flat with shape (2,2)", input: [1, 2, 3, 4], reshape: [2, 2], shape: [2, 2], data: [1, 2, 3, 4] },
    { name: "scalar", input: 2.5, shape: [], data: [2.5] },
    { name: "booleans", input: [true, false], shape: [2], data: [1, 0] },
    { name: "Float64Array", input: Float64Array.of(1, 2), shape: [2], data: [1, 2] },
    { name: "empty list", input: [], shape: [0], data: [] },
    { name: "tensor-like object", input: { shape: [1, 2], data: [3, 4] }, shape: [1, 2], data: [3, 4] },
  ])("$name", ({ input, reshape, shape: want, data }) => {
    expect(plain(array(input as never, reshape))).toEqual({ shape: want, data });
  });

  it("copies a Float64Array instead of sharing it", () => {
    const source = Float64Array.of(1, 2);
    array(source).set([0], 9);
    expect(source[0]).toBe(1);
  });

  it.each([
    { name: "a ragged row", input: [[1, 2], [3]], message: "array: ragged nested array: [1] should be a list of length 2, got [3]" },
    { name: "a list where a number belongs", input: [1, [2]], message: "array: element at [1] is [2], expected a number" },
    { name: "a string entry", input: [[1, "2"]], message: 'array: element at [0,1] is "2", expected a number' },
    { name: "a shape of the wrong size", input: [1, 2, 3], shape: [2, 2], message: "array: cannot reshape array of size 3 into shape (2,2)" },
  ])("rejects $name", ({ input, shape: dims, message }) => {
    expect(() => array(input as never, dims)).toThrow(message);
  });
});

describe("constructors and shape", () => {
  it("fills zeros, ones and a value", () => {
    expect(plain(zeros([2, 1]))).toEqual({ shape: [2, 1], data: [0, 0] });
    expect(plain(ones([3]))).toEqual({ shape: [3], data: [1, 1, 1] });
    expect(plain(full([2], -1.5))).toEqual({ shape: [2], data: [-1.5, -1.5] });
    expect(plain(zeros_like(ramp(2, 2)))).toEqual({ shape: [2, 2], data: [0, 0, 0, 0] });
  });

  it("shape returns a copy", () => {
    const x = ramp(2, 3);
    const dims = shape(x);
    dims[0] = 9;
    expect(x.shape).toEqual([2, 3]);
    expect(shape(4)).toEqual([]);
  });

  it("rejects bad shapes and values", () => {
    expect(() => zeros([2, -1])).toThrow("full: shape [2, -1] has invalid dimension -1 at axis 1");
    expect(() => full([2], "0" as unknown as number)).toThrow('full: value must be a number, got "0"');
  });
});

describe("pad", () => {
  it.each([
    {
      name: "x=[1,2,2,1] ((0,0),(1,1),(1,1),(0,0))",
      x: ramp(1, 2, 2, 1).add(1),
      widths: [[0, 0], [1, 1], [1, 1], [0, 0]],
      value: 0,
      shape: [1, 4, 4, 1],
      data: [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0],
    },
    { name: "x=[2] (1,2) value 7", x: ramp(2), widths: [[1, 2]], value: 7, shape: [5], data: [7, 0, 1, 7, 7] },
    { name: "x=[1,2] single pair (1,0) for every axis", x: ramp(1, 2), widths: [1, 0], value: 0, shape: [2, 3], data: [0, 0, 0, 0, 0, 1] },
    { name: "x=[2] int 1 for every axis", x: ramp(2), widths: 1, value: 0, shape: [4], data: [0, 0, 1, 0] },
    { name: "x=[1,3] ((0,0),(0,0)) is a copy", x: ramp(1, 3), widths: [[0, 0], [0, 0]], value: 0, shape: [1, 3], data: [0, 1, 2] },
  ])("$name", ({ x, widths, value, shape: want, data }) => {
    expect(plain(pad(x, widths as never, value))).toEqual({ shape: want, data });
  });

  it.each([
    { name: "too few pairs", widths: [[1, 1], [1, 1]], message: "pad: expected one [before, after] pair of non-negative integers per axis (3)" },
    { name: "a negative width", widths: [[0, 0], [-1, 0], [0, 0]], message: "pad: expected one [before, after] pair" },
  ])("rejects $name", ({ widths, message }) => {
    expect(() => pad(ramp(1, 2, 2), widths as never)).toThrow(message);
  });
});

describe("student code replacing globals", () => {
  it("does not break building, checking or slicing arrays", () => {
    const saved = { Float64Array: globalThis.Float64Array, isArray: Array.isArray, isInteger: Number.isInteger };
    const data = Float64Array.of(1, 2, 3, 4);
    let results: () => unknown[];
    try {
      (globalThis as { Float64Array: unknown }).Float64Array = function Fake() {};
      Array.isArray = ((_: unknown) => false) as unknown as typeof Array.isArray;
      Number.isInteger = () => false;
      const x = new NDArray([2, 2], data);
      const row = x.slice(1);
      const column = x.slice([0, 1], 1);
      let error: unknown;
      try {
        x.get(0.5, 0);
      } catch (e) {
        error = e;
      }
      results = () => [[...row.data], column.shape, (error as Error).message];
    } finally {
      globalThis.Float64Array = saved.Float64Array;
      Array.isArray = saved.isArray;
      Number.isInteger = saved.isInteger;
    }
    expect(results()).toEqual([[3, 4], [1], "get: index for axis 0 must be an integer, got 0.5"]);
  });
});

// The modules below the class (shape.ts, tensor.ts) recognise its instances by a mark on its prototype.
describe("telling NDArrays apart below the class", () => {
  it("names an NDArray, a subclass's instance too, by its shape in errors, and a look-alike object by its type", () => {
    class Sub extends NDArray {}
    expect(() => zeros(ramp(2, 3) as never)).toThrow("full: shape must be an array of non-negative integers, got an NDArray of shape (2,3)");
    expect(() => zeros(new Sub([4], new Float64Array(4)) as never)).toThrow("got an NDArray of shape (4,)");
    expect(() => zeros({ shape: [4], data: new Float64Array(4) } as never)).toThrow("got a value of type Object");
  });

  it("takes a subclass's instance as an operand as it is", () => {
    class Sub extends NDArray {}
    expect(sum(new Sub([3], Float64Array.of(1, 2, 3)))).toBe(6);
    expect(new Sub([2], Float64Array.of(1, 2)).add(1).data).toEqual(Float64Array.of(2, 3));
  });

  it("is not fooled by student code redefining NDArray[Symbol.hasInstance]", () => {
    Object.defineProperty(NDArray, Symbol.hasInstance, { value: () => true, configurable: true });
    try {
      expect(() => sum({ shape: [2], data: [1, 2] } as never)).toThrow("sum: expected an NDArray, a number or nested arrays of numbers");
    } finally {
      delete (NDArray as unknown as Record<symbol, unknown>)[Symbol.hasInstance];
    }
  });
});
