import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSandboxPool } from "./pool.ts";
import type { SandboxPool, SandboxResult } from "./protocol.ts";
import { casesOf, compiled, exercise, expectHealthy, returned, silentLog } from "./testing.ts";

// Student code is hostile: every test here ends by checking that the pool still grades correctly.
const MEMORY_MB = 64;
let pool: SandboxPool;

beforeAll(() => {
  pool = createSandboxPool({ size: 1, sandboxMemoryMb: MEMORY_MB, maxOutputElements: 100_000, log: silentLog, moduleTimeoutMs: 300, outputTimeoutMs: 200, watchdogSlackMs: 200 });
});
afterEach(async () => {
  await expectHealthy(pool);
});
afterAll(() => pool.close(2000));

const run = (source: string, caseArgs: unknown[][] = [[]], limits: { timeoutMs?: number; deadlineMs?: number } = {}, deadlineMs = 20_000): Promise<SandboxResult> =>
  pool.run({ code: compiled(source), deadlineMs, exercises: [exercise("zero_pad", caseArgs as never, { timeoutMs: 300, ...limits })] });

describe("runaway code", () => {
  it.each([
    ["sync infinite loop", "while (true) {}"],
    ["infinite loop in a microtask", "Promise.resolve().then(() => { while (true) {} }); return 1;"],
    ["endless microtask chain", "const f = (): unknown => Promise.resolve().then(f); f(); return 1;"],
  ])("%s times out at the case limit and the next case still runs", async (_name, body) => {
    const result = await run(`export function zero_pad(hang: boolean) { if (!hang) return "fine"; ${body} }`, [[true], [false]]);
    expect(casesOf(result)[0]).toEqual({ kind: "timeout", limitMs: 300 });
    expect(returned(casesOf(result)[1])).toBe("fine");
  });

  it("deep recursion throws a RangeError the student can read", async () => {
    const result = await run("const f = (n: number): number => f(n + 1) + 1;\nexport const zero_pad = () => f(0);");
    expect(casesOf(result)[0]).toMatchObject({ kind: "threw", message: expect.stringMatching(/RangeError: Maximum call stack size exceeded/) });
  });

  it("an exercise deadline stops the remaining cases without killing the worker", async () => {
    const before = pool.stats().restarts;
    // Wall-clock busy loops, with room to spare for isolate setup on a loaded machine.
    const source = "export function zero_pad() { const end = Date.now() + 1000; while (Date.now() < end) {} return 1; }";
    const result = await run(source, [[], [], []], { deadlineMs: 1500, timeoutMs: 5000 });
    expect(casesOf(result)).toEqual([expect.objectContaining({ kind: "returned" }), { kind: "timeout", limitMs: 1500 }, { kind: "timeout", limitMs: 1500 }]);
    expect(pool.stats().restarts).toBe(before);
  });

  it("a submission deadline stops everything after it, reported against the submission's limit", async () => {
    const code = compiled("export function zero_pad() { const end = Date.now() + 1000; while (Date.now() < end) {} return 1; }");
    const result = await pool.run({ code, deadlineMs: 1500, exercises: [exercise("zero_pad", [[], []], { timeoutMs: 5000 }), exercise("zero_pad", [[]], { timeoutMs: 5000 })] });
    expect(casesOf(result, 0)[0]?.kind).toBe("returned");
    expect(casesOf(result, 0)[1]).toEqual({ kind: "timeout", limitMs: 1500 });
    expect(casesOf(result, 1)).toEqual([{ kind: "timeout", limitMs: 1500 }]);
  });
});

describe("memory", () => {
  it("Array(1e8).fill(0) (on V8 13 a fill that ignores termination, stopped by the resident-memory watchdog) is memory_limit; the worker is replaced and the next exercise graded", async () => {
    const before = pool.stats().restarts;
    const source = "export const zero_pad = () => Array(1e8).fill(0).length;\nexport const zeroPad = () => 'still graded';";
    const result = await pool.run({ code: compiled(source), deadlineMs: 30_000, exercises: [exercise("zero_pad", [[], []], { timeoutMs: 10_000 }), exercise("zeroPad", [[]])] });
    expect(casesOf(result, 0)).toEqual([{ kind: "memory_limit", limitMb: MEMORY_MB }, { kind: "memory_limit", limitMb: MEMORY_MB }]);
    expect(returned(casesOf(result, 1)[0])).toBe("still graded");
    expect(pool.stats().restarts).toBeGreaterThan(before);
  });

  it("growing the heap past memoryLimit disposes the isolate: memory_limit, and the next case gets a fresh isolate", async () => {
    const source = "export function zero_pad(grow: boolean) { if (!grow) return 'ok'; const a: object[] = []; for (;;) a.push({ n: a.length }); }";
    const result = await run(source, [[true], [false]], { timeoutMs: 10_000 });
    expect(casesOf(result)).toEqual([{ kind: "memory_limit", limitMb: MEMORY_MB }, expect.objectContaining({ kind: "returned", value: "ok" })]);
  });

  it("a string that V8 refuses to grow (RangeError) while the heap is over the limit is memory_limit, without the resident-memory watchdog", async () => {
    // A ceiling the worker never reaches: only the in-worker check after the throw can call it memory.
    const unwatched = createSandboxPool({ size: 1, sandboxMemoryMb: MEMORY_MB, workerRssMb: 16_384, maxOutputElements: 1000, log: silentLog });
    try {
      const source = `export function zero_pad(grow: boolean) {
        if (!grow) return "ok";
        let s = "0123456789abcdef";
        for (;;) { s = s + s; if (s.charCodeAt(s.length >> 1) === 0x7f) return s.length; }
      }`;
      const result = await unwatched.run({ code: compiled(source), deadlineMs: 30_000, exercises: [exercise("zero_pad", [[true], [false]], { timeoutMs: 10_000 })] });
      expect(casesOf(result)).toEqual([{ kind: "memory_limit", limitMb: MEMORY_MB }, expect.objectContaining({ kind: "returned", value: "ok" })]);
    } finally {
      await unwatched.close(1000);
    }
  });

  it("resizable ArrayBuffers, ArrayBuffer transfer and Intl (memory the limit does not count) are closed", async () => {
    const source = `export const zero_pad = () => {
      const refused = (make: () => unknown) => { try { make(); return "made"; } catch (e) { return (e as Error).message; } };
      const Intrinsic = new Float64Array(1).buffer.constructor as ArrayBufferConstructor;
      return [
        refused(() => new ArrayBuffer(8, { maxByteLength: 1024 })),
        refused(() => Reflect.construct(Intrinsic, [8, { maxByteLength: 1024 }])),
        typeof (ArrayBuffer.prototype as any).resize, typeof (ArrayBuffer.prototype as any).transfer, typeof (globalThis as any).Intl,
        new ArrayBuffer(16).byteLength, new Float64Array(2).buffer instanceof ArrayBuffer,
      ].join("|");
    };`;
    const refusal = "resizable ArrayBuffers (maxByteLength) are not available in the sandbox";
    expect(returned(casesOf(await run(source))[0])).toBe(`${refusal}|${refusal}|undefined|undefined|undefined|16|true`);
  });

  it("a 2 GiB ArrayBuffer is refused inside the isolate", async () => {
    const result = await run("export const zero_pad = () => new ArrayBuffer(2 ** 31).byteLength;");
    expect(casesOf(result)[0]).toMatchObject({ kind: "threw", message: expect.stringMatching(/RangeError: Array buffer allocation failed/) });
  });

  it("WebAssembly (memory outside memoryLimit), SharedArrayBuffer and Atomics are absent", async () => {
    const result = await run("export const zero_pad = () => [typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics].join();");
    expect(returned(casesOf(result)[0])).toBe("undefined,undefined,undefined");
  });
});

describe("thrown values are described inside the isolate", () => {
  it.each([
    ["null", "throw null;", "null"],
    ["undefined", "throw undefined;", "undefined"],
    ["a number", "throw 42;", "42"],
    ["a string", 'throw "plain";', "plain"],
    ["a symbol", 'throw Symbol("sym");', "Symbol(sym)"],
    ["a TypeError", 'throw new TypeError("wrong type");', "TypeError: wrong type"],
    ["an object with toString", 'throw { toString() { return "custom"; } };', "custom"],
    ["an Error whose message getter loops", 'const e = new Error("x"); Object.defineProperty(e, "message", { get() { for (;;) {} } }); throw e;', "<unprintable thrown value>"],
    ["an Error whose message getter throws", 'const e = new Error("x"); Object.defineProperty(e, "message", { get() { throw 1; } }); throw e;', "<unprintable thrown value>"],
    ["a Proxy whose traps loop", "throw new Proxy({}, { get() { for (;;) {} }, getPrototypeOf() { for (;;) {} }, has() { for (;;) {} } });", "<unprintable thrown value>"],
    ["a revoked Proxy", "const p = Proxy.revocable({}, {}); p.revoke(); throw p.proxy;", "<unprintable thrown value>"],
    ["an object whose toString loops", "throw { toString() { for (;;) {} } };", "<unprintable thrown value>"],
  ])("%s", async (_name, statement, message) => {
    const result = await run(`export function zero_pad() { ${statement} }`);
    expect(casesOf(result)[0]).toMatchObject({ kind: "threw", message });
  });

  it("a huge message is clipped", async () => {
    const result = await run('export function zero_pad() { throw new Error("m".repeat(1e6)); }');
    const message = (casesOf(result)[0] as { message: string }).message;
    expect(message.startsWith("Error: mmm")).toBe(true);
    // Clipped inside the isolate, with a note of how long it was.
    expect(message.length).toBeLessThan(4200);
    expect(message.endsWith(`… [clipped: ${1e6 + "Error: ".length} characters]`)).toBe(true);
  });

  it("a rejected promise holding a looping Proxy is contained by the case timeout", async () => {
    // isolated-vm inspects unhandled rejections after the call; inside the isolate's timeout that costs a timeout, not a hang.
    const result = await run("export const zero_pad = () => Promise.reject(new Proxy({}, { get() { for (;;) {} } }));");
    expect(casesOf(result)[0]).toEqual({ kind: "timeout", limitMs: 300 });
  });
});

describe("hostile return values", () => {
  it.each([
    ["a Proxy of an array whose get trap loops", "new Proxy([1, 2], { get() { for (;;) {} } })", /took longer than 200 ms/],
    ["a getter that loops", "({ get shape() { for (;;) {} }, data: [] })", /took longer than 200 ms/],
    ["a Proxy claiming a huge length", "new Proxy([], { get: (t, k) => (k === 'length' ? 1e12 : 0) })", /1000000000000 elements/],
  ])("%s becomes bad_output", async (_name, expression, reason) => {
    const result = await run(`export const zero_pad = (): unknown => ${expression};`);
    expect(casesOf(result)[0]).toMatchObject({ kind: "bad_output", reason: expect.stringMatching(reason) });
  });

  it("a benign Proxy of nested arrays converts like the arrays", async () => {
    const result = await run("export const zero_pad = (): unknown => new Proxy([[1, 2]], {});");
    expect(returned(casesOf(result)[0])).toEqual({ shape: [1, 2], data: new Float64Array([1, 2]) });
  });
});

describe("tampering and escapes", () => {
  it("tampering with built-ins does not fool the output conversion of the same case", async () => {
    const source = `export function zero_pad() {
      Array.isArray = () => false; Object.keys = () => []; Math.ceil = () => -1e9;
      Object.defineProperty(Array.prototype, "0", { set() { throw new Error("trap"); }, configurable: true });
      (Object.prototype as any).get = () => 1;
      Float64Array.prototype.constructor = Array as any;
      (Reflect as any).apply = () => { throw new Error("trap"); };
      Object.defineProperty = (() => { throw new Error("trap"); }) as any;
      Object.prototype.toString = () => { for (;;) {} };
      return [[1, 2], [3, 4]];
    }`;
    const result = await run(source);
    expect(returned(casesOf(result)[0])).toEqual({ shape: [2, 2], data: new Float64Array([1, 2, 3, 4]) });
  });

  it("prototype and global tampering stays in its exercise's context", async () => {
    const source = `export function zero_pad() {
      (globalThis as any).leak = 1; (Object.prototype as any).polluted = 1; (Array.prototype as any).push = null; (JSON as any).stringify = null;
      return "tampered";
    }
    export function zeroPad() { return [typeof (globalThis as any).leak, typeof ({} as any).polluted, typeof Array.prototype.push, typeof JSON.stringify].join(); }`;
    const result = await pool.run({ code: compiled(source), deadlineMs: 10_000, exercises: [exercise("zero_pad", [[]]), exercise("zeroPad", [[]])] });
    expect(returned(casesOf(result, 0)[0])).toBe("tampered");
    expect(returned(casesOf(result, 1)[0])).toBe("undefined,undefined,function,function");
  });

  it.each([
    ["process via the constructor chain", '(function () {}).constructor("return typeof process")()', "undefined"],
    ["global object via the constructor chain", '(() => 0).constructor("return this")() === globalThis', true],
    ["process on the global", '(() => 0).constructor("return this")().process === undefined', true],
    ["require via indirect eval", '(0, eval)("typeof require")', "undefined"],
    ["process via direct eval", 'eval("typeof process")', "undefined"],
    ["async function constructor", 'Object.getPrototypeOf(async function () {}).constructor("return typeof process") instanceof Function', true],
    ["no host objects on the global", 'Object.getOwnPropertyNames(globalThis).filter((k) => /^(_?ivm|isolated.*|process|require|module|exports|Buffer|global|setTimeout|setImmediate|queueMicrotask|fetch)$/i.test(k)).join()', ""],
    ["the helper module's require refuses anything else", '(() => { try { (globalThis as any).x = 1; return "n/a"; } catch { return "threw"; } })()', "n/a"],
  ])("escape attempt: %s", async (_name, expression, expected) => {
    const result = await run(`export const zero_pad = (): unknown => ${expression};`);
    expect(returned(casesOf(result)[0])).toEqual(expected);
  });

  it("require captured by the module refuses everything but the helper module", async () => {
    // The compile step refuses \`require\` in source; a hand-made job can still try it at run time.
    const code = '(function (module, exports, require) { exports.zero_pad = () => { try { require("fs"); return "loaded"; } catch (e) { return String(e.message); } }; })';
    const result = await pool.run({ code, deadlineMs: 10_000, exercises: [exercise("zero_pad", [[]])] });
    expect(returned(casesOf(result)[0])).toMatch(/only "@autograde\/np" can be imported in the sandbox, not fs/);
  });

  it("dynamic import() at run time is rejected, not resolved", async () => {
    const code = `(function (module, exports) { let state = "pending"; (0, eval)("import('fs')").then(() => { state = "loaded"; }, (e) => { state = "rejected: " + e.message; });
      exports.zero_pad = () => state; })`;
    const result = await pool.run({ code, deadlineMs: 10_000, exercises: [exercise("zero_pad", [[]])] });
    expect(returned(casesOf(result)[0])).toMatch(/^rejected/);
  });
});
