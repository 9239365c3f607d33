// @ts-nocheck
// A redeclared `let` is an early SyntaxError in JavaScript (tsc only reports it as a type error).
import * as np from "@autograde/np";

export function zero_pad(X, pad) {
  let padded = np.pad(X, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
  let padded = padded.copy(); // SYNTAX-ERROR-HERE
  return padded;
}
