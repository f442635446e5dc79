import { describe, expect, it } from "vitest";
import { AppError } from "../errors/index.js";
import { decodeIdCursor, decodeNextToken, encodeNextToken, type TokenScope } from "./pagination.js";

const scope: TokenScope = { route: "buckets.list", accountId: "acc-1", params: { sort: "name" } };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : "OTHER";
  }
  return undefined;
}

describe("nextToken", () => {
  it("round-trips cursors of every shape", () => {
    for (const cursor of [17, "2024-01-01T00:00:00.000Z", ["b", 3]] as const) {
      const token = encodeNextToken(scope, cursor);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeNextToken(token, scope)).toEqual(cursor);
    }
  });

  it("ignores parameter order and undefined parameters", () => {
    const token = encodeNextToken({ ...scope, params: { a: 1, b: "x", c: undefined } }, 5);
    expect(decodeNextToken(token, { ...scope, params: { b: "x", a: 1 } })).toBe(5);
  });

  it("refuses a token replayed with another route, account or query", () => {
    const token = encodeNextToken(scope, 5);
    expect(codeOf(() => decodeNextToken(token, { ...scope, route: "groups.list" }))).toBe(
      "INVALID_NEXT_TOKEN",
    );
    expect(codeOf(() => decodeNextToken(token, { ...scope, accountId: "acc-2" }))).toBe("INVALID_NEXT_TOKEN");
    expect(codeOf(() => decodeNextToken(token, { ...scope, params: { sort: "created" } }))).toBe(
      "INVALID_NEXT_TOKEN",
    );
  });

  it("refuses garbage", () => {
    for (const bad of ["", "!!!", "abc", Buffer.from('{"v":2}').toString("base64url")]) {
      expect(codeOf(() => decodeNextToken(bad, scope))).toBe("INVALID_NEXT_TOKEN");
    }
  });

  it("decodes integer id cursors only", () => {
    expect(decodeIdCursor(undefined, scope)).toBe(0);
    expect(decodeIdCursor(encodeNextToken(scope, 9), scope)).toBe(9);
    expect(codeOf(() => decodeIdCursor(encodeNextToken(scope, "9"), scope))).toBe("INVALID_NEXT_TOKEN");
    expect(codeOf(() => decodeIdCursor(encodeNextToken(scope, -1), scope))).toBe("INVALID_NEXT_TOKEN");
  });
});
