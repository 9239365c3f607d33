import { createGlibcLog, type ScalarLog } from "./glibc_log.ts";
import { assertInteger, ReferenceInputError, tensor, type Tensor } from "./tensor.ts";

const STATE_LENGTH = 624;
const SHIFT = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const MAX_SEED = 0xffffffff;

/**
 * numpy's legacy `np.random.RandomState`, bit for bit: MT19937 seeded with init_genrand (what
 * `np.random.seed(n)` does for an integer n), 53-bit doubles, polar Box-Muller gauss that caches its
 * second value, masked rejection for randint.
 */
export class RandomState {
  readonly #key = new Uint32Array(STATE_LENGTH);
  #position = STATE_LENGTH;
  #hasGauss = false;
  #gauss = 0;
  readonly #log: ScalarLog = createGlibcLog();

  constructor(seed: number) {
    if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new ReferenceInputError(`seed must be an integer between 0 and 2**32 - 1, got ${String(seed)}`);
    }
    const key = this.#key;
    let value = seed >>> 0;
    for (let position = 0; position < STATE_LENGTH; position++) {
      key[position] = value;
      value = (Math.imul(1812433253, (value ^ (value >>> 30)) >>> 0) + position + 1) >>> 0;
    }
  }

  /** Standard normal samples in C order; no dims gives a shape-[] tensor holding one value. */
  randn(...dims: number[]): Tensor {
    const out = tensor(validateDims(dims, "randn"));
    const data = out.data;
    for (let index = 0; index < data.length; index++) data[index] = this.#nextGauss();
    return out;
  }

  /** Uniform samples in [0, 1) (numpy's random_sample). */
  rand(...dims: number[]): Tensor {
    const out = tensor(validateDims(dims, "rand"));
    const data = out.data;
    for (let index = 0; index < data.length; index++) data[index] = this.#nextDouble();
    return out;
  }

  /** One integer in [low, high), as `RandomState.randint(low, high)` draws it. */
  randint(low: number, high: number): number {
    assertInteger(low, "randint low", Number.MIN_SAFE_INTEGER);
    assertInteger(high, "randint high", Number.MIN_SAFE_INTEGER);
    if (low >= high) throw new ReferenceInputError(`randint: low (${low}) must be < high (${high})`);
    const range = high - 1 - low;
    if (range > MAX_SEED) {
      throw new ReferenceInputError(`randint: high - low must be at most 2**32, got ${high - low}`);
    }
    if (range === 0) return low;
    if (range === MAX_SEED) return low + this.#nextUint32();
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value: number;
    do value = (this.#nextUint32() & mask) >>> 0;
    while (value > range);
    return low + value;
  }

  #nextUint32(): number {
    if (this.#position === STATE_LENGTH) this.#regenerate();
    let y = this.#key[this.#position++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  #regenerate(): void {
    const key = this.#key;
    for (let i = 0; i < STATE_LENGTH; i++) {
      const y = ((key[i] as number) & UPPER_MASK) | ((key[(i + 1) % STATE_LENGTH] as number) & LOWER_MASK);
      key[i] = (key[(i + SHIFT) % STATE_LENGTH] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.#position = 0;
  }

  #nextDouble(): number {
    const a = this.#nextUint32() >>> 5;
    const b = this.#nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  #nextGauss(): number {
    if (this.#hasGauss) {
      this.#hasGauss = false;
      return this.#gauss;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.#nextDouble() - 1;
      x2 = 2 * this.#nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const factor = Math.sqrt((-2 * this.#log(r2)) / r2);
    this.#gauss = factor * x1;
    this.#hasGauss = true;
    return factor * x2;
  }
}

function validateDims(dims: readonly number[], what: string): number[] {
  return dims.map((dim, axis) => {
    assertInteger(dim, `${what} dimension ${axis}`, 0);
    return dim;
  });
}
