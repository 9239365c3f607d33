// @ts-nocheck
// One export whose getter never returns: only that exercise may lose its points, not the ones after it.
Object.defineProperty(module.exports, "conv_forward", {
  enumerable: true,
  get() {
    for (;;) {}
  },
});
