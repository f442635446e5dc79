import { describe, expect, it } from "vitest";
import { stripNulls } from "./body-parsing.js";

describe("stripNulls", () => {
  it("drops null members at every depth and keeps other falsy values", () => {
    expect(
      stripNulls({ a: null, b: 0, c: "", d: false, e: { f: null, g: [1, null, { h: null, i: 2 }] } }),
    ).toEqual({ b: 0, c: "", d: false, e: { g: [1, null, { i: 2 }] } });
  });

  it("leaves scalars alone", () => {
    expect(stripNulls("x")).toBe("x");
    expect(stripNulls(null)).toBe(null);
  });
});
