// @ts-nocheck
import fs from "node:fs";

export function zero_pad(X, pad) {
  fs.writeFileSync("/tmp/autograde-hostile-02", "escaped");
  return X;
}
