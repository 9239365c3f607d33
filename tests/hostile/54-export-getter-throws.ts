// @ts-nocheck
// One export whose getter throws: the other exercises are graded as usual.
Object.defineProperty(module.exports, "pool_forward", {
  enumerable: true,
  get() {
    throw new Error("this getter refuses");
  },
});
