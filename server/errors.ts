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
    const issues = err.validation.map((v) => ({ field: fieldName(v.instancePath) || where, message: v.message ?? "invalid" }));
    const message = issues.map((i) => (i.field === where ? i.message : `${i.field}: ${i.message}`)).join("; ");
    reply.code(400).send(body("validation_error", `invalid ${where}: ${message}`, { in: where, issues }));
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
