import { parseArgs, type ParseArgsConfig } from "node:util";
import { pino, type Logger } from "pino";

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  /** One line for `autograde --help`. */
  summary: string;
  /** Full usage text, shown by `autograde <command> --help` and after a usage error. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Bad usage or unreadable input: main prints the message on stderr and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const EXIT_OK = 0;
/** Graded but below --min-score, or `check` found a problem. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** Something broke inside autograde itself (not the student's code, not the caller's input). */
export const EXIT_INTERNAL = 3;

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * node:util parseArgs in strict mode, with its errors reworded so every command reports an unknown
 * flag, a missing value or a stray argument the same way.
 */
export function parseFlags<O extends Options>(command: string, args: string[], options: O, positionals: { min: number; max: number; name: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${rewordParseError(error)}`);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`${command}: missing ${positionals.name}`);
  if (count > positionals.max) {
    const extra = parsed.positionals.slice(positionals.max).map((p) => JSON.stringify(p)).join(", ");
    throw new UsageError(`${command}: unexpected argument${count - positionals.max > 1 ? "s" : ""} ${extra}`);
  }
  return parsed;
}

function rewordParseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  const quoted = /'([^']+)'/.exec(error.message)?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown flag ${quoted ?? error.message}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return quoted ? `flag ${quoted.replace(/ <value>$/, "")} needs a value` : error.message;
    default:
      return error.message;
  }
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Logs go to stderr at warn (stdout is reserved for the command's output, e.g. a JSON report). */
export function createCliLogger(io: CliIo): Logger {
  return pino({ level: io.env.AUTOGRADE_LOG_LEVEL ?? "warn", base: undefined }, io.stderr);
}
