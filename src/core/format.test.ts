import { describe, expect, it } from "vitest";
import { formatFileSize } from "./format.js";

describe("formatFileSize", () => {
  it.each([
    [0, "0B"],
    [-5, "0B"],
    [Number.NaN, "0B"],
    [1, "1B"],
    [1023, "1023B"],
    [1024, "1.0KB"],
    [1536, "1.5KB"],
    [1_468_006, "1.4MB"],
    [1024 * 1024 - 1, "1.0MB"],
    [3.1 * 1024 ** 3, "3.1GB"],
    [5 * 1024 ** 4, "5.0TB"],
    [5000 * 1024 ** 4, "5000.0TB"],
  ])("formats %d bytes as %s", (bytes, expected) => {
    expect(formatFileSize(bytes)).toBe(expected);
  });
});
