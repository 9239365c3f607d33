import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { ErrorBody } from "./schemas.ts";
import { StorageUnavailableError } from "./storage/types.ts";

/** A client error with its HTTP status; the one error handler turns it into `{ error, message, details? }`. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const MAX_REPORTED_ISSUES = 20;
const MAX_ISSUE_MESSAGE_CHARS = 300;
const MAX_FIELD_CHARS = 200;

/** Shortens text a client chose (a key, a value echoed in a message) and says that it did. */
export function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}… (clipped, ${text.length} characters)`;
}

/**
 * Fastify's own formatter joins every issue into err.message, which nothing reads (errorHandler
 * builds the answer): keep it to the first issue so a request with many costs nothing here either.
 */
export function schemaErrorFormatter(errors: readonly { instancePath?: string; message?: string }[], dataVar: string): Error {
  const first = errors[0];
  return new Error(clip(`${dataVar}${first?.instancePath ?? ""} ${first?.message ?? "invalid"}`, MAX_ISSUE_MESSAGE_CHARS));
}

/** `/exercises/0` -> `exercises[0]`: the way a client would name the field. */
function fieldName(instancePath: string): string {
  return instancePath
    .split("/")
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "malformed_json",
  FST_ERR_CTP_EMPTY_JSON_BODY: "malformed_json",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_REQ_FILE_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
};

export function errorHandler(err: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof ApiError) {
    reply.headers(err.headers).code(err.statusCode).send(body(err.code, err.message, err.details));
    return;
  }
  if (err instanceof StorageUnavailableError) {
    // A warning, not an error: the cause is outside this process (another one holds the lock, or the file was deleted).
    request.log.warn({ err: err.message }, "storage unavailable");
    reply.header("retry-after", "2").code(503).send(body("storage_unavailable", `storage is unavailable: ${err.message}`));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? "request";
    // A cheap request must not buy an expensive answer: a few issues, each clipped, and a count of the rest.
    const issues = err.validation.slice(0, MAX_REPORTED_ISSUES).map((v) => ({
      field: clip(fieldName(v.instancePath) || where, MAX_FIELD_CHARS),
      message: clip(v.message ?? "invalid", MAX_ISSUE_MESSAGE_CHARS),
    }));
    const omittedIssues = err.validation.length - issues.length;
    const message = issues.map((i) => (i.field === where ? i.message : `${i.field}: ${i.message}`)).join("; ");
    const more = omittedIssues > 0 ? `; and ${omittedIssues} more` : "";
    reply.code(400).send(body("validation_error", `invalid ${where}: ${message}${more}`, { in: where, issues, ...(omittedIssues > 0 ? { omittedIssues } : {}) }));
    return;
  }
  const status = typeof err.statusCode === "number" ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = FASTIFY_CODES[err.code] ?? (err.code ? err.code.toLowerCase() : "bad_request");
    const message = code === "malformed_json" ? `the body is not valid JSON: ${err.message}` : err.message;
    reply.code(status).send(body(code, message));
    return;
  }
  request.log.error({ err }, "request failed");
  reply.code(500).send(body("internal_error", "the server failed to handle this request"));
}

function body(error: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error, message } : { error, message, details };
}
