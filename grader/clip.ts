/**
 * The one clipping rule for text that student code can influence (thrown messages, reasons for a bad
 * output, keys, printouts, diagnostics). It runs inside the sandbox's prelude as well as on the host,
 * so it uses only language built-ins, and the prelude passes its own captured `slice` because student
 * code may have replaced String.prototype.slice by then.
 */

/** A few KB: enough for any honest message, and every exercise of the catalogue x ~10 cases of it stay far below a report cap. */
export const MAX_STUDENT_TEXT_CHARS = 4096;

/** Keys in a returned object: an honest key is a short name, and a path joins up to 64 of them. */
export const MAX_KEY_CHARS = 200;

export type Slice = (text: string, start: number, end: number) => string;

const nativeSlice: Slice = (text, start, end) => text.slice(start, end);

/** The text itself when short enough; otherwise its start and a note giving its full length. */
export function clipText(text: string, maxChars: number = MAX_STUDENT_TEXT_CHARS, slice: Slice = nativeSlice): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  // Never keep half of a surrogate pair: the stored report must stay valid UTF-16.
  const last = text[end - 1];
  if (last !== undefined && last >= "\uD800" && last <= "\uDBFF") end -= 1;
  return `${slice(text, 0, end)}… [clipped: ${text.length} characters]`;
}
