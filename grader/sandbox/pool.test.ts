import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Value } from "../../exercises/types.ts";
import { createSandboxPool } from "./pool.ts";
import type { SandboxPool } from "./protocol.ts";
import { casesOf, compiled, exercise, expectHealthy, returned, silentLog, tensor, ZERO_PAD_SOURCE } from "./testing.ts";

const MAX_OUTPUT_ELEMENTS = 100_000;
let pool: SandboxPool;

beforeAll(() => {
  pool = createSandboxPool({ size: 1, sandboxMemoryMb: 64, maxOutputElements: MAX_OUTPUT_ELEMENTS, log: silentLog, moduleTimeoutMs: 500, outputTimeoutMs: 300, watchdogSlackMs: 1500 });
});
afterAll(() => pool.close(2000));

type T = { shape: number[]; data: Float64Array };

describe("grading a well-behaved submission", () => {
  it("runs a correct zero_pad built on @autograde/np and returns a plain tensor", async () => {
    const result = await pool.run({ code: compiled(ZERO_PAD_SOURCE), deadlineMs: 30_000, exercises: [exercise("zero_pad", [[tensor([1, 2, 2, 1]), 1], [tensor([2, 1, 1, 1]), 0]])] });
    const [padded, unpadded] = casesOf(result).map(returned) as T[];
    expect(padded!.shape).toEqual([1, 4, 4, 1]);
    expect([...padded!.data]).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
    expect(padded!.data).toBeInstanceOf(Float64Array);
    expect(unpadded).toEqual({ shape: [2, 1, 1, 1], data: new Float64Array([1, 2]) });
    expect(result.timings.dispatchMs).toBeGreaterThan(0);
    expect(result.timings.isolateMs).toBeGreaterThan(0);
    expect(result.timings.runMs).toBeGreaterThan(0);
    expect(casesOf(result)[0]).toHaveProperty("durationMs");
  });

  it("gives tensors to student code as NDArray instances with shape and data", async () => {
    const code = compiled(`import { NDArray } from "@autograde/np";\nexport const zero_pad = (x: NDArray) => [x instanceof NDArray, x.shape.length, x.data.length, x.data instanceof Float64Array];`);
    const result = await pool.run({ code, deadlineMs: 10_000, exercises: [exercise("zero_pad", [[tensor([2, 3])]])] });
    // A tuple of booleans is a numeric nested array: it comes back as a tensor of 0/1.
    expect(returned(casesOf(result)[0])).toEqual({ shape: [4], data: new Float64Array([1, 2, 6, 1]) });
  });

  it("accepts the camelCase alias and prefers the snake_case name when both exist", async () => {
    const code = compiled(`export const distributeValue = () => "camel";\nexport const conv_forward = () => "snake";\nexport const convForward = () => "camel";`);
    const result = await pool.run({
      code,
      deadlineMs: 10_000,
      exercises: [exercise(["distribute_value", "distributeValue"], [[]], { id: "distribute_value" }), exercise(["conv_forward", "convForward"], [[]], { id: "conv_forward" })],
    });
    expect(returned(casesOf(result, 0)[0])).toBe("camel");
    expect(returned(casesOf(result, 1)[0])).toBe("snake");
  });

  it.each([
    ["no such export", "export const other = 1;", /does not export "zero_pad" or "zeroPad"/],
    ["export is a number", "export const zero_pad = 3;", /"zero_pad" is number, not a function/],
    ["export is null", "export const zeroPad = null;", /"zeroPad" is null, not a function/],
  ])("reports a missing exercise (%s)", async (_name, source, message) => {
    const result = await pool.run({ code: compiled(source), deadlineMs: 10_000, exercises: [exercise(["zero_pad", "zeroPad"], [[]])] });
    expect(result.exercises[0]).toMatchObject({ id: "zero_pad", kind: "missing" });
    expect((result.exercises[0] as { message: string }).message).toMatch(message);
  });

  it.each([
    ["top-level throw", 'throw new TypeError("bad module");\nexport const zero_pad = () => 1;', /evaluating the module threw: TypeError: bad module/],
    ["top-level infinite loop", "while (true) {}\nexport const zero_pad = () => 1;", /took longer than 500 ms/],
    ["require of another module at run time", 'const r = (globalThis as any).eval("typeof require");\nexport const zero_pad = () => r;', null],
  ])("module evaluation failure (%s) becomes module_error for every exercise", async (name, source, message) => {
    const result = await pool.run({ code: compiled(source), deadlineMs: 10_000, exercises: [exercise("zero_pad", [[]]), exercise("zero_pad", [[]])] });
    if (message === null) {
      // eval sees the context's globals, where there is no require at all.
      expect(returned(casesOf(result)[0])).toBe("undefined");
      return;
    }
    for (const r of result.exercises) {
      expect(r.kind, name).toBe("module_error");
      expect((r as { message: string }).message).toMatch(message);
    }
  });

  it("copies inputs per case, so a case that mutates its input does not change the next case's", async () => {
    const code = compiled(`export function zero_pad(x: { data: Float64Array }, pad: number) { const before = x.data[0]; x.data[0] = 999; return before; }`);
    const X = tensor([1, 1, 1, 2], [5, 6]);
    const result = await pool.run({ code, deadlineMs: 10_000, exercises: [exercise("zero_pad", [[X, 0], [X, 0]])] });
    expect(casesOf(result).map(returned)).toEqual([5, 5]);
    expect([...X.data]).toEqual([5, 6]);
  });
});

describe("converting outputs inside the isolate", () => {
  const cases: [string, string, Value][] = [
    ["-0 stays -0", "-0", -0],
    ["NaN", "NaN", NaN],
    ["Infinity", "Infinity", Infinity],
    ["-Infinity", "-Infinity", -Infinity],
    ["a string", '"hello"', "hello"],
    ["null", "null", null],
    ["true", "true", true],
    ["Float64Array keeps NaN and -0", "new Float64Array([NaN, -0, Infinity])", { shape: [3], data: new Float64Array([NaN, -0, Infinity]) }],
    ["nested numbers get an inferred shape", "[[1, 2, 3], [4, 5, 6]]", { shape: [2, 3], data: new Float64Array([1, 2, 3, 4, 5, 6]) }],
    ["nested booleans become 0/1", "[[true, false], [false, true]]", { shape: [2, 2], data: new Float64Array([1, 0, 0, 1]) }],
    ["empty array", "[]", { shape: [0], data: new Float64Array([]) }],
    ["tensor-like with number[] data", "({ shape: [2, 1], data: [3, 4] })", { shape: [2, 1], data: new Float64Array([3, 4]) }],
    ["tensor-like with boolean[] data", "({ shape: [2], data: [true, false] })", { shape: [2], data: new Float64Array([1, 0]) }],
    ["tensor-like with Int32Array data", "({ shape: [3], data: new Int32Array([1, -2, 3]) })", { shape: [3], data: new Float64Array([1, -2, 3]) }],
    ["tuple [tensor, cache]", "[{ shape: [1], data: new Float64Array([1]) }, [{ shape: [1], data: [2] }, { stride: 1, pad: 0 }]]", [{ shape: [1], data: new Float64Array([1]) }, [{ shape: [1], data: new Float64Array([2]) }, { stride: 1, pad: 0 }]]],
    ["plain object", '({ a: 1, b: [1, 2], c: { d: "x" } })', { a: 1, b: { shape: [2], data: new Float64Array([1, 2]) }, c: { d: "x" } }],
    ["getter on a plain object is read", "({ get a() { return 5; } })", { a: 5 }],
    ["null-prototype object", "Object.assign(Object.create(null), { k: 2 })", { k: 2 }],
  ];
  it.each(cases)("%s", async (_name, expression, expected) => {
    const result = await pool.run({ code: compiled(`export const zero_pad = (): unknown => (${expression});`), deadlineMs: 10_000, exercises: [exercise("zero_pad", [[]])] });
    expect(returned(casesOf(result)[0])).toEqual(expected);
    if (typeof expected === "number") expect(Object.is(returned(casesOf(result)[0]), expected)).toBe(true);
  });

  const rejected: [string, string, RegExp][] = [
    ["ragged at the second row", "[[1, 2], [3]]", /ragged nested array: \[1\] has length 1/],
    ["ragged deeper", "[[[1], [2]], [[3], 4]]", /ragged nested array: \[1\]\[1\] is a number where an array was expected/],
    ["number where an array is expected at the top", "[[1, 2], 3]", /ragged nested array: \[1\] is a number/],
    ["sparse array", "[1, , 3]", /index \[1\] is a hole/],
    ["sparse data of a tensor-like", "({ shape: [3], data: [1, , 3] })", /data\[1\] is a hole/],
    ["undefined", "undefined", /undefined \(did the function forget to return\?\)/],
    ["a function", "() => 1", /is a function/],
    ["a nested function", "({ f: () => 1 })", /at \.f is a function/],
    ["a symbol", 'Symbol("s")', /is a symbol/],
    ["a BigInt", "10n", /BigInt/],
    ["a Promise", "Promise.resolve(1)", /Promise or thenable/],
    ["a never-settling Promise", "new Promise(() => {})", /Promise or thenable/],
    ["a thenable", "({ then() {} })", /Promise or thenable/],
    ["a Map", "new Map([[1, 2]])", /unsupported kind \(\[object Map\]\)/],
    ["a Date", "new Date(0)", /unsupported kind/],
    ["huge claimed shape", "({ shape: [1e9, 1e9], data: [] })", /claims 1000000000000000000 elements; the output limit is 100000/],
    ["negative dimension", "({ shape: [2, -1], data: [] })", /shape\[1\] is -1, not a non-negative integer/],
    ["shape and data disagree", "({ shape: [2, 2], data: [1, 2, 3] })", /data has 3 elements but shape \[2,2\] needs 4/],
    ["typed array over the cap", `new Float64Array(${MAX_OUTPUT_ELEMENTS + 1})`, /limit is 100000/],
    ["nested arrays over the cap", `Array.from({ length: 400 }, () => new Array(400).fill(0))`, /more than 100000 elements/],
    ["one 4 MB string referenced 1200 times", 'Array(1200).fill("x".repeat(4 * 1024 * 1024))', /more than 100000 elements/],
    ["a cycle", "(() => { const a: unknown[] = [{}]; a.push(a); return a; })()", /nested more than 64 levels/],
    ["a getter that throws", '({ get a() { throw new RangeError("nope"); } })', /RangeError: nope/],
    ["a BigInt64Array", "new BigInt64Array(2)", /BigInt64Array; use numbers/],
    ["a __proto__ key", 'JSON.parse(\'{"__proto__": 1}\')', /"__proto__" key/],
  ];
  it.each(rejected)("rejects %s as bad_output with a clear reason", async (_name, expression, reason) => {
    const result = await pool.run({ code: compiled(`export const zero_pad = (): unknown => (${expression});`), deadlineMs: 10_000, exercises: [exercise("zero_pad", [[]])] });
    const [only] = casesOf(result);
    expect(only?.kind).toBe("bad_output");
    expect((only as { reason: string }).reason).toMatch(reason);
  });

  it("still grades correctly after all of that", async () => {
    await expectHealthy(pool);
  });
});

describe("the pool's contract", () => {
  it("reports its size and counts", () => {
    expect(pool.stats()).toMatchObject({ size: 1, busy: 0, queued: 0 });
  });

  it("queues jobs beyond its size and finishes them all", async () => {
    const code = compiled("export const zero_pad = (n: number) => n * 2;");
    const jobs = [1, 2, 3].map((n) => pool.run({ code, deadlineMs: 10_000, exercises: [exercise("zero_pad", [[n]])] }));
    expect(pool.stats().queued).toBeGreaterThanOrEqual(1);
    const results = await Promise.all(jobs);
    expect(results.map((r) => returned(casesOf(r)[0]))).toEqual([2, 4, 6]);
  });

  it.each([
    ["a missing code string", { exercises: [], deadlineMs: 1000 }, /code must be the compiled JavaScript string/],
    ["a zero deadline", { code: "", exercises: [], deadlineMs: 0 }, /SandboxJob.deadlineMs must be a positive integer/],
    ["a case without a timeout", { code: "", deadlineMs: 1000, exercises: [{ id: "zero_pad", exportNames: ["zero_pad"], deadlineMs: 100, cases: [{ name: "c", args: [], timeoutMs: -1 }] }] }, /timeoutMs of case "c" of zero_pad/],
  ])("refuses a malformed job (%s) with a clear error", async (_name, job, message) => {
    await expect(pool.run(job as never)).rejects.toThrow(message);
  });

  it.each([
    ["memory below isolated-vm's minimum", { sandboxMemoryMb: 4 }, /at least 8/],
    ["a fractional size", { size: 1.5 }, /size must be a positive integer/],
    ["no output cap", { maxOutputElements: 0 }, /maxOutputElements must be a positive integer/],
  ])("refuses bad options (%s)", (_name, override, message) => {
    expect(() => createSandboxPool({ size: 1, sandboxMemoryMb: 64, maxOutputElements: 10, log: silentLog, ...override })).toThrow(message);
  });
});
