import { randomUUID } from "node:crypto";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A new UUID v4 (documentId, processId, workflowId, API keys: CONTRACT.md D3/D4). */
export function newUuid(): string {
  return randomUUID();
}

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Bucket and group ids are positive integers from one shared sequence (D3). */
export function parsePositiveInt(value: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Classify a path id that may be a bucket/group id or a UUID (search, lookup,
 * workflow get). Anything else is malformed.
 */
export type ResourceId = { kind: "int"; value: number } | { kind: "uuid"; value: string };

export function parseResourceId(value: string): ResourceId | undefined {
  const int = parsePositiveInt(value);
  if (int !== undefined) return { kind: "int", value: int };
  if (isUuid(value)) return { kind: "uuid", value: value.toLowerCase() };
  return undefined;
}
