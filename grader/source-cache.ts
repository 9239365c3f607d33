import { createHash } from "node:crypto";

/**
 * A bounded memo keyed by a SHA-256 of its key text (a source, with whatever else decides the
 * answer), least recently used first out. Regrades and resubmissions of the same source skip the
 * work; distinct sources cost one hash. Hashing rather than keeping the text bounds memory by
 * entry count alone.
 */
export interface SourceCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  readonly size: number;
}

export function createSourceCache<V>(maxEntries: number): SourceCache<V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`createSourceCache: maxEntries must be a positive integer, got ${maxEntries}`);
  const entries = new Map<string, V>();
  const digest = (key: string) => createHash("sha256").update(key).digest("base64");
  return {
    get(key) {
      const k = digest(key);
      const value = entries.get(k);
      if (value !== undefined) {
        // Map keeps insertion order: re-inserting makes this the most recently used.
        entries.delete(k);
        entries.set(k, value);
      }
      return value;
    },
    set(key, value) {
      const k = digest(key);
      entries.delete(k);
      entries.set(k, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
  };
}
