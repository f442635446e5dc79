import type { FastifyError, FastifyInstance } from "fastify";
import { AppError, type ErrorCode, isAppError } from "../../errors/index.js";

interface AjvError {
  instancePath?: string;
  /** Set by Ajv when a `propertyNames` rule rejected a key. */
  propertyName?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/steps/doc-summary/0/name` → `steps.doc-summary[0].name`. */
function jsonPointerToPath(pointer: string): string {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^\d+$/.test(segment) ? `[${segment}]` : out === "" ? segment : `.${segment}`;
  }
  return out;
}

/** One Ajv error as `field: problem`, naming the field (CONTRACT.md D1). */
export function formatValidationError(error: AjvError, context: string | undefined): string {
  const params = error.params ?? {};
  let field = jsonPointerToPath(error.instancePath ?? "");
  const join = (name: string) => (field === "" ? name : `${field}.${name}`);
  let problem = error.message ?? "is invalid";
  switch (error.keyword) {
    case "required":
      field = join(String(params.missingProperty));
      problem = "is required";
      break;
    case "additionalProperties":
      field = join(String(params.additionalProperty));
      problem = "is not allowed here";
      break;
    case "enum":
      problem = `must be one of ${(params.allowedValues as unknown[]).filter((v) => v !== null).join(", ")}`;
      if (error.propertyName !== undefined) {
        field = join(error.propertyName);
        problem = `is not an allowed key; use one of ${(params.allowedValues as unknown[]).join(", ")}`;
      }
      break;
    case "type":
      problem = `must be ${String(params.type).replace(/,/g, " or ")}`;
      break;
  }
  if (field === "") field = context ?? "body";
  return `${field}: ${problem}`;
}

function fromFastifyError(error: FastifyError): AppError {
  if (error.validation && error.validation.length > 0) {
    return new AppError(
      "VALIDATION_FAILED",
      formatValidationError(error.validation[0] as AjvError, error.validationContext),
    );
  }
  const mapped: Partial<Record<string, ErrorCode>> = {
    FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
    FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: "VALIDATION_FAILED",
    FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_JSON",
    FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_JSON",
    FST_REQ_FILE_TOO_LARGE: "PAYLOAD_TOO_LARGE",
    FST_FILES_LIMIT: "VALIDATION_FAILED",
    FST_PARTS_LIMIT: "VALIDATION_FAILED",
    FST_FIELDS_LIMIT: "VALIDATION_FAILED",
  };
  const code = mapped[error.code];
  if (code === "UNSUPPORTED_MEDIA_TYPE") {
    return new AppError(code, "Content-Type is not supported by this route; send application/json");
  }
  if (code === "PAYLOAD_TOO_LARGE" && error.code === "FST_REQ_FILE_TOO_LARGE") {
    return new AppError(code, "blob: a file is larger than the upload limit (OPENGROUND_MAX_FILE_BYTES)");
  }
  if (
    error.code === "FST_FILES_LIMIT" ||
    error.code === "FST_PARTS_LIMIT" ||
    error.code === "FST_FIELDS_LIMIT"
  ) {
    return new AppError(
      "VALIDATION_FAILED",
      "blob: too many parts; send at most the documents-per-request limit",
    );
  }
  if (code) return new AppError(code, code === "VALIDATION_FAILED" ? error.message : undefined);
  if (error instanceof SyntaxError) return new AppError("MALFORMED_JSON", `body: ${error.message}`);
  const status = error.statusCode ?? 500;
  if (status === 404) return new AppError("ROUTE_NOT_FOUND");
  if (status === 429) return new AppError("RATE_LIMITED");
  if (status === 413) return new AppError("PAYLOAD_TOO_LARGE", error.message);
  if (status >= 400 && status < 500) return new AppError("VALIDATION_FAILED", error.message);
  return new AppError("INTERNAL", undefined, { cause: error });
}

/**
 * The sole error → HTTP mapper. Every error leaves as `{ message, code }` with the
 * status from the code table; unknown errors are logged and become a 500 that
 * reveals nothing of the internals.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = isAppError(error) ? error : fromFastifyError(error);
    if (appError.status >= 500) {
      request.log.error({ err: error }, "request failed");
    } else {
      request.log.info({ code: appError.code, msg: appError.message }, "request rejected");
    }
    if (appError.code === "RATE_LIMITED") reply.header("retry-after", "1");
    // Rejected before its body was read (e.g. an upload over a limit): close the connection, or the
    // unread body would be taken as the next request on it.
    if (!request.raw.readableEnded) reply.header("connection", "close");
    return reply.status(appError.status).send({ message: appError.message, code: appError.code });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? request.url;
    return reply.status(404).send({
      message: `Route ${request.method} ${path} not found`,
      code: "ROUTE_NOT_FOUND" satisfies ErrorCode,
    });
  });
}
