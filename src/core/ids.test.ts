import { describe, expect, it } from "vitest";
import { isUuid, newUuid, parsePositiveInt, parseResourceId } from "./ids.js";

describe("ids", () => {
  it("creates v4 UUIDs", () => {
    const id = newUuid();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe("4");
  });

  it("parses positive integers strictly", () => {
    expect(parsePositiveInt("42")).toBe(42);
    for (const bad of ["0", "-1", "01", "1.5", "1e3", "abc", "", "99999999999999999"]) {
      expect(parsePositiveInt(bad)).toBeUndefined();
    }
  });

  it("classifies resource ids", () => {
    expect(parseResourceId("7")).toEqual({ kind: "int", value: 7 });
    expect(parseResourceId("0B8F2C55-9D1E-4A53-8A9F-0A4C2E6F1D77")).toEqual({
      kind: "uuid",
      value: "0b8f2c55-9d1e-4a53-8a9f-0a4c2e6f1d77",
    });
    expect(parseResourceId("bucket")).toBeUndefined();
  });
});
