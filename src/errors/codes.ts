/**
 * The one table of error codes: every error the API, the CLI and (later) the job
 * pipeline can report. `status` is the HTTP status; `message` is the default text,
 * which callers may replace with a more specific one that names the field.
 *
 * Status choices follow CONTRACT.md D1/D2 and §1.7: 400 for anything the caller
 * sent wrong (including conflicts: the SDKs retry 409), 401 for missing, unknown
 * or revoked keys, 404 for a well-formed id that is not in the caller's account.
 */
export const errorCodes = {
  VALIDATION_FAILED: { status: 400, message: "The request is invalid" },
  MALFORMED_JSON: { status: 400, message: "The request body is not valid JSON" },
  UNSUPPORTED_MEDIA_TYPE: { status: 400, message: "Unsupported Content-Type" },
  MALFORMED_ID: { status: 400, message: "The id is malformed" },
  INVALID_NEXT_TOKEN: { status: 400, message: "nextToken is invalid for this request" },
  CONFLICT: { status: 400, message: "The request conflicts with the current state" },
  UNKNOWN_SERVICE: { status: 400, message: "Unknown health service" },
  UNAUTHORIZED: { status: 401, message: "A valid X-API-Key header is required" },
  BUCKET_NOT_FOUND: { status: 404, message: "Bucket not found" },
  GROUP_NOT_FOUND: { status: 404, message: "Group not found" },
  CONTAINER_NOT_FOUND: { status: 404, message: "No bucket or group with this id" },
  WORKFLOW_NOT_FOUND: { status: 404, message: "Workflow not found" },
  API_KEY_NOT_FOUND: { status: 404, message: "API key not found" },
  DOCUMENT_NOT_FOUND: { status: 404, message: "Document not found" },
  PROCESS_NOT_FOUND: { status: 404, message: "Process not found" },
  XRAY_NOT_READY: { status: 404, message: "The document has no X-Ray yet" },
  EXTRACT_NOT_FOUND: {
    status: 404,
    message: "We could not find extractions for the documentId you provided",
  },
  FILE_NOT_FOUND: { status: 404, message: "File not found" },
  ROUTE_NOT_FOUND: { status: 404, message: "Route not found" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large" },
  RATE_LIMITED: { status: 429, message: "Too many requests" },
  INTERNAL: { status: 500, message: "Internal server error" },
  PAGE_RENDER_FAILED: { status: 500, message: "The page image could not be rendered" },
  SERVICE_UNAVAILABLE: { status: 503, message: "The service is shutting down" },
} as const satisfies Record<string, { status: number; message: string }>;

/** A stable UPPER_SNAKE error code (CONTRACT.md D1). */
export type ErrorCode = keyof typeof errorCodes;
