import { PassThrough } from "node:stream";
import type { CliCommand } from "./usage.ts";

/** Runs one command as the CLI would, capturing what it writes (for the commands' tests). */
export async function runCaptured(command: CliCommand, args: readonly string[], env: NodeJS.ProcessEnv) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const code = await command.run([...args], { stdout, stderr, isTTY: false, env });
  return { code, out, err };
}
