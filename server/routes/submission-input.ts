import type { FastifyRequest } from "fastify";
import { ApiError } from "../errors.ts";

/**
 * A multipart upload (`source` or `file` as a .ts file, `exercises` comma-separated or repeated,
 * `callbackUrl`) is reshaped into the JSON body before validation, so both go through one schema.
 */
export async function multipartToBody(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, unknown> = {};
  const exercises: string[] = [];
  try {
    await readParts(request, body, exercises);
  } catch (err) {
    // The parser's own errors (no boundary, a truncated or non-multipart body) carry no status: they are the client's.
    // @fastify/multipart's own 413 for a second file: the README's error for it is a 400 naming the field.
    if ((err as { code?: unknown }).code === "FST_FILES_LIMIT") {
      throw new ApiError(400, "validation_error", "source: upload one .ts file; this upload has more than one", { field: "source" });
    }
    if (err instanceof ApiError || typeof (err as { statusCode?: unknown }).statusCode === "number") throw err;
    throw new ApiError(400, "malformed_multipart", `the multipart body could not be read: ${(err as Error).message}`);
  }
  if (exercises.length > 0) body.exercises = exercises;
  request.body = body;
}

async function readParts(request: FastifyRequest, body: Record<string, unknown>, exercises: string[]): Promise<void> {
  for await (const part of request.parts()) {
    if (part.type === "file") {
      if (!/\.(ts|mts)$/i.test(part.filename)) {
        await part.toBuffer();
        throw new ApiError(400, "validation_error", `source: upload a .ts file (got ${JSON.stringify(part.filename)})`, { field: "source" });
      }
      body.source = (await part.toBuffer()).toString("utf8");
    } else if (part.fieldname === "exercises") {
      exercises.push(...String(part.value).split(",").map((s) => s.trim()).filter(Boolean));
    } else if (part.fieldname === "source" || part.fieldname === "callbackUrl" || part.fieldname === "course" || part.fieldname === "assignment") {
      body[part.fieldname] = part.value;
    } else {
      throw new ApiError(400, "validation_error", `unknown form field ${JSON.stringify(part.fieldname)}`, { field: part.fieldname });
    }
  }
}

export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const header = request.headers["idempotency-key"];
  if (header === undefined) return null;
  if (typeof header !== "string" || header.length < 1 || header.length > 255) {
    throw new ApiError(400, "validation_error", "Idempotency-Key: send one key of 1-255 characters", { field: "Idempotency-Key" });
  }
  return header;
}
