import { parsePositiveInt, parseResourceId, type ResourceId } from "../core/ids.js";
import { AppError, invalid } from "../errors/index.js";

/** A bucket or group id from the path: a positive integer, else 400 (D2). */
export function containerIdParam(raw: string, field: string): number {
  const id = parsePositiveInt(raw);
  if (id === undefined)
    throw new AppError("MALFORMED_ID", `${field}: must be a positive integer (got "${raw}")`);
  return id;
}

/** An id that may be a bucket/group id or a UUID, else 400. */
export function resourceIdParam(raw: string, field: string): ResourceId {
  const id = parseResourceId(raw);
  if (id === undefined) {
    throw new AppError(
      "MALFORMED_ID",
      `${field}: must be a bucket or group id (integer) or a UUID (got "${raw}")`,
    );
  }
  return id;
}

/** An absolute http(s) URL from the request, else 400 naming `field`. Where it points is checked when fetched. */
export function httpUrlParam(raw: string, field: string): URL {
  try {
    const url = new URL(raw);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // fall through to the 400
  }
  throw invalid(field, "must be an absolute http(s) URL");
}
