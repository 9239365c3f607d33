// @ts-nocheck
class StubbornError extends Error {
  get message() { for (;;) {} }
  set message(_ignored) {}
  get stack() { for (;;) {} }
}

export function distribute_value(dz, shape) {
  throw new StubbornError();
}
