// @ts-nocheck
// Vandalism at module level, of built-ins the helper module and the model solutions do not need but
// the sandbox's plumbing might (serialisation, promises, error printing): the rest of the submission
// is the model solution and must score as usual. (Not Object.prototype.then: that makes every answer
// a thenable, which the sandbox rightly refuses.)
const poison = () => { throw new Error("tampered built-in called"); };
Object.defineProperty(Object.prototype, "toJSON", { value: () => "tampered", writable: true, configurable: true });
JSON.stringify = JSON.parse = poison;
globalThis.JSON = { stringify: poison, parse: poison };
globalThis.structuredClone = poison;
Error.prototype.toString = poison;
Object.defineProperty(Error.prototype, "message", { get: poison, configurable: true });
Promise.prototype.then = poison;
Promise.resolve = Promise.reject = Promise.all = poison;
Reflect.ownKeys = Reflect.apply = poison;
Symbol.prototype.toString = poison;
Object.defineProperty(globalThis, "ArrayBuffer", { value: poison, writable: true, configurable: true });
