import { expect } from "vitest";
import type { TestServer } from "../helpers/server.js";

/** Strict RFC 3339 (what the Python SDK accepts): date, `T`, time, optional fraction, zone. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Assert `value` is an RFC 3339 timestamp and return its time in ms. */
export function rfc3339(value: unknown): number {
  expect(typeof value).toBe("string");
  expect(value as string).toMatch(RFC3339);
  const ms = Date.parse(value as string);
  expect(Number.isNaN(ms)).toBe(false);
  return ms;
}

/** A JSON object body. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected field by field
export type Json = any;

/** Status and parsed JSON body of a fetch response. */
export async function read(res: Response | Promise<Response>): Promise<{ status: number; body: Json }> {
  const response = await res;
  const text = await response.text();
  let body: Json;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** `GET/POST/...` through `server.api`, returning status and JSON body. */
export function call(
  server: TestServer,
  path: string,
  init: Parameters<TestServer["api"]>[1] = {},
): Promise<{ status: number; body: Json }> {
  return read(server.api(path, init));
}

/**
 * Assert an error response: status, `{ message, code }` body, and optionally the
 * code and the field the message starts with (D1: the message names the field).
 */
export function expectError(
  result: { status: number; body: Json },
  status: number,
  expected: { code?: string; field?: string } = {},
): void {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(typeof result.body?.message).toBe("string");
  expect(typeof result.body?.code).toBe("string");
  expect(result.body.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  if (expected.code !== undefined) expect(result.body.code).toBe(expected.code);
  if (expected.field !== undefined) {
    expect(result.body.message).toMatch(new RegExp(`^${expected.field.replace(/\./g, "\\.")}\\b`));
  }
}

/** A well-formed id that no account holds (ids are small sequential integers in a fresh server). */
export const UNKNOWN_ID = 987_654_321;

export function floorToMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Walk a bucket/group list with page size `n` through `nextToken` and check every
 * page's bookkeeping (§1.6): `count` = page length, `total` constant, `remaining`
 * decreasing to 0, `nextToken` present exactly when items remain.
 */
export async function walkPages(
  server: TestServer,
  route: "/bucket" | "/group",
  listKey: "buckets" | "groups",
  n: number,
  apiKey?: string,
): Promise<{ pages: Json[]; items: Json[] }> {
  const pages: Json[] = [];
  const items: Json[] = [];
  let token: string | undefined;
  for (let guard = 0; guard < 50; guard += 1) {
    const query = `?n=${n}${token ? `&nextToken=${encodeURIComponent(token)}` : ""}`;
    const page = await call(server, `${route}${query}`, apiKey ? { apiKey } : {});
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    pages.push(page.body);
    items.push(...page.body[listKey]);
    expect(page.body.count).toBe(page.body[listKey].length);
    expect(page.body[listKey].length).toBeLessThanOrEqual(n);
    if (page.body.remaining === 0) {
      expect(page.body).not.toHaveProperty("nextToken");
      return { pages, items };
    }
    expect(typeof page.body.nextToken).toBe("string");
    expect(page.body.nextToken.length).toBeGreaterThan(0);
    token = page.body.nextToken;
  }
  throw new Error("pagination did not end");
}
