import * as yauzl from "yauzl";
import type { Entry, ZipFile } from "yauzl";
import { BatchInputError, DEFAULT_BATCH_LIMITS, isWanted, type BatchEntry, type BatchLimits } from "./entries.ts";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const BOMB_FLOOR_BYTES = 1024 * 1024;

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings off: yauzl would otherwise abort the whole archive on the first unsafe name,
    // and one student's "../" entry must cost only that entry.
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, autoClose: false, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(new BatchInputError(`not a readable zip: ${error.message}`));
      else resolve(zip);
    });
  });
}

/** Why an entry's name is unsafe to use as a path under the output, or undefined when it is safe. */
export function unsafeName(name: string): string | undefined {
  if (name.includes("\0")) return "a NUL byte in its name";
  const invalid = yauzl.validateFileName(name);
  if (invalid !== null) return `its path escapes the archive (${invalid.replace(/: .*$/, "")})`;
  return undefined;
}

function entryName(entry: Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

/** Why an entry is refused before inflating a byte of it, or undefined. */
function refusal(entry: Entry, limits: BatchLimits, readSoFar: number): string | undefined {
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return "a symbolic link (not followed)";
  if (entry.isEncrypted()) return "encrypted";
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) return `compression method ${entry.compressionMethod} is not supported`;
  if (entry.uncompressedSize > limits.maxEntryBytes) return `${entry.uncompressedSize} bytes uncompressed, over the ${limits.maxEntryBytes}-byte limit for one file`;
  const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
  if (entry.uncompressedSize > BOMB_FLOOR_BYTES && ratio > limits.maxCompressionRatio) {
    return `inflates ${Math.round(ratio)} times its compressed size (a zip bomb?)`;
  }
  if (readSoFar + entry.uncompressedSize > limits.maxTotalBytes) return `the archive would exceed ${limits.maxTotalBytes} bytes inflated in all`;
  return undefined;
}

function inflate(zip: ZipFile, entry: Entry, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // yauzl already holds a stream to its declared size; this is the second lock on the door.
        if (size > limit) stream.destroy(new Error(`more than ${limit} bytes inflated`));
        else chunks.push(chunk);
      });
      stream.on("error", reject);
      stream.on("end", () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** Every entry of a zip: wanted files inflated, the rest listed unread, unsafe ones refused with why. */
export async function readZip(path: string, limits: BatchLimits = DEFAULT_BATCH_LIMITS): Promise<BatchEntry[]> {
  const zip = await openZip(path);
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new BatchInputError(`the archive lists ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
  }
  const entries: BatchEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", (error: Error) => reject(new BatchInputError(`the archive is damaged: ${error.message}`)));
      zip.on("end", () => resolve());
      zip.on("entry", (entry: Entry) => {
        const name = entryName(entry);
        const next = () => zip.readEntry();
        const unsafe = unsafeName(name);
        if (unsafe !== undefined) {
          entries.push({ kind: "refused", path: name, reason: unsafe });
          return next();
        }
        if (name.endsWith("/")) return next();
        if (seen.has(name)) {
          entries.push({ kind: "refused", path: name, reason: "a second entry with the same name" });
          return next();
        }
        seen.add(name);
        if (!isWanted(name)) {
          entries.push({ kind: "unread", path: name });
          return next();
        }
        const refused = refusal(entry, limits, total);
        if (refused !== undefined) {
          entries.push({ kind: "refused", path: name, reason: refused });
          return next();
        }
        inflate(zip, entry, Math.min(limits.maxEntryBytes, entry.uncompressedSize))
          .then((bytes) => {
            total += bytes.length;
            entries.push({ kind: "file", path: name, bytes, mtimeMs: entry.getLastModDate().getTime() });
          })
          .catch((error: unknown) => {
            entries.push({ kind: "refused", path: name, reason: `cannot inflate: ${error instanceof Error ? error.message : String(error)}` });
          })
          .finally(next);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return entries;
}
