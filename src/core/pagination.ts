import { createHash } from "node:crypto";
import { AppError } from "../errors/index.js";

/** Page size rules shared by every list (CONTRACT.md §1.6): 1–100, default 20. */
export const PAGE_SIZE = { min: 1, max: 100, default: 20 } as const;

/**
 * What a nextToken is bound to (CONTRACT.md D8): the route, the account and every
 * query parameter that shapes the result set (filters, sort). Replaying a token
 * with a different scope is a 400, not a silently wrong page.
 */
export interface TokenScope {
  readonly route: string;
  readonly accountId: string;
  readonly params?: Readonly<Record<string, string | number | boolean | undefined>>;
}

export type Cursor = string | number | readonly (string | number)[];

interface TokenBody {
  v: 1;
  s: string;
  c: Cursor;
}

function fingerprint(scope: TokenScope): string {
  const params = Object.entries(scope.params ?? {})
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256")
    .update(JSON.stringify([scope.route, scope.accountId, params]))
    .digest("base64url")
    .slice(0, 16);
}

/** Encode an opaque nextToken for `cursor` (the sort key of the last item returned). */
export function encodeNextToken(scope: TokenScope, cursor: Cursor): string {
  const body: TokenBody = { v: 1, s: fingerprint(scope), c: cursor };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

/**
 * Decode a nextToken, checking it was issued for the same scope.
 * @throws AppError INVALID_NEXT_TOKEN
 */
export function decodeNextToken(token: string, scope: TokenScope): Cursor {
  let body: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error("not base64url");
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new AppError("INVALID_NEXT_TOKEN", "nextToken: is not a token issued by this server");
  }
  if (!isTokenBody(body)) {
    throw new AppError("INVALID_NEXT_TOKEN", "nextToken: is not a token issued by this server");
  }
  if (body.s !== fingerprint(scope)) {
    throw new AppError("INVALID_NEXT_TOKEN", "nextToken: was issued for a different query, filter or sort");
  }
  return body.c;
}

function isTokenBody(value: unknown): value is TokenBody {
  if (typeof value !== "object" || value === null) return false;
  const body = value as Record<string, unknown>;
  const cursorOk = (c: unknown): boolean =>
    typeof c === "string" || (typeof c === "number" && Number.isFinite(c));
  return (
    body.v === 1 &&
    typeof body.s === "string" &&
    (cursorOk(body.c) || (Array.isArray(body.c) && body.c.length <= 8 && body.c.every(cursorOk)))
  );
}

/** Decode a token whose cursor must be a positive integer id (bucket/group lists). */
export function decodeIdCursor(token: string | undefined, scope: TokenScope): number {
  if (token === undefined) return 0;
  const cursor = decodeNextToken(token, scope);
  if (typeof cursor !== "number" || !Number.isSafeInteger(cursor) || cursor < 0) {
    throw new AppError("INVALID_NEXT_TOKEN", "nextToken: is not a token issued by this server");
  }
  return cursor;
}
