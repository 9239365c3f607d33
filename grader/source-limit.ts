// The one rule for how big a submission may be: its UTF-8 bytes against maxSourceBytes. The grader,
// the compiler and the CLI ask it; each words its own refusal. No imports, so the CLI can answer an
// oversized file without loading TypeScript or esbuild.

export interface SourceOverLimit {
  readonly bytes: number;
  readonly limitBytes: number;
}

/** The source's size and the limit when it is over; undefined when it fits. */
export function sourceOverLimit(source: string, maxSourceBytes: number): SourceOverLimit | undefined {
  const bytes = Buffer.byteLength(source, "utf8");
  return bytes > maxSourceBytes ? { bytes, limitBytes: maxSourceBytes } : undefined;
}
