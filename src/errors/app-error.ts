import { type ErrorCode, errorCodes } from "./codes.js";

/**
 * The error every layer throws. The API's error handler is the only place that
 * turns it into an HTTP response (`{ message, code }`).
 *
 * @example
 *   throw new AppError("BUCKET_NOT_FOUND", `bucketId ${id} was not found`);
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? errorCodes[code].message, options);
    this.name = "AppError";
    this.code = code;
    this.status = errorCodes[code].status;
  }
}

/** Shorthand for a 400 that names the offending field: `invalid("n", "must be <= 100")`. */
export function invalid(field: string, problem: string): AppError {
  return new AppError("VALIDATION_FAILED", field ? `${field}: ${problem}` : problem);
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
