import { stat } from "node:fs/promises";
import { BatchInputError, DEFAULT_BATCH_LIMITS, readFolder, type BatchEntry, type BatchLimits } from "./entries.ts";
import { readZip } from "./zip.ts";

/** A folder is walked, any other file is read as a zip; what cannot be opened at all is bad input. */
export async function loadEntries(input: string, limits: BatchLimits = DEFAULT_BATCH_LIMITS): Promise<BatchEntry[]> {
  let info;
  try {
    info = await stat(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BatchInputError(code === "ENOENT" ? "no such file or folder" : code === "EACCES" ? "permission denied" : (error as Error).message);
  }
  if (info.isDirectory()) return readFolder(input, limits);
  if (!info.isFile()) throw new BatchInputError("neither a folder nor a zip file");
  return readZip(input, limits);
}
