import { describe, expect, it } from "vitest";
import { AppError } from "../errors/index.js";
import { billingPeriod, parseRfc3339, parseUsageWindow } from "./usage.js";

const now = new Date("2026-11-29T12:34:56.789Z");

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return `${error.code} ${error.message}`;
    throw error;
  }
  return "no error";
}

describe("parseUsageWindow", () => {
  it("accepts a minute-aligned window and normalises offsets to UTC", () => {
    const { start, end } = parseUsageWindow("2026-11-01T01:00:00+01:00", "2026-11-29T12:34:00Z", now);
    expect(start.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(end.toISOString()).toBe("2026-11-29T12:34:00.000Z");
  });

  it.each([
    ["2026-11-01", "2026-11-02T00:00:00Z", /^VALIDATION_FAILED startTime: must be an RFC 3339/],
    ["2026-11-01T00:00:30Z", "2026-11-02T00:00:00Z", /^VALIDATION_FAILED startTime: must be on a minute/],
    ["2026-11-01T00:00:00Z", "2026-11-02T00:00:00.500Z", /^VALIDATION_FAILED endTime: must be on a minute/],
    ["2026-11-02T00:00:00Z", "2026-11-02T00:00:00Z", /^VALIDATION_FAILED endTime: must be after startTime/],
    ["2026-11-02T00:00:00Z", "2026-11-29T12:35:00Z", /^VALIDATION_FAILED endTime: must not be in the future/],
    [
      "2025-10-01T00:00:00Z",
      "2026-11-02T00:00:00Z",
      /^VALIDATION_FAILED startTime: the window must not exceed 366/,
    ],
    ["not a date", "2026-11-02T00:00:00Z", /^VALIDATION_FAILED startTime/],
    ["2026-13-01T00:00:00Z", "2026-11-02T00:00:00Z", /^VALIDATION_FAILED startTime/],
  ])("rejects %s .. %s", (start, end, expected) => {
    expect(messageOf(() => parseUsageWindow(start, end, now))).toMatch(expected);
  });

  it("accepts exactly 366 days", () => {
    expect(() => parseUsageWindow("2025-11-28T00:00:00Z", "2026-11-29T00:00:00Z", now)).not.toThrow();
  });

  it("parses RFC 3339 with fractions", () => {
    expect(parseRfc3339("2026-01-02T03:04:05.123456Z", "t").toISOString()).toBe("2026-01-02T03:04:05.123Z");
  });
});

describe("billingPeriod", () => {
  it("counts monthly periods from the anchor", () => {
    const anchor = new Date("2026-01-15T10:20:30Z");
    const period = billingPeriod(anchor, new Date("2026-03-20T00:00:00Z"));
    expect(period.start.toISOString()).toBe("2026-03-15T10:20:00.000Z");
    expect(period.end.toISOString()).toBe("2026-04-15T10:20:00.000Z");
  });

  it("stays in the previous period just before the monthly boundary", () => {
    const anchor = new Date("2026-01-15T10:20:00Z");
    const period = billingPeriod(anchor, new Date("2026-03-15T10:19:59Z"));
    expect(period.start.toISOString()).toBe("2026-02-15T10:20:00.000Z");
  });

  it("clamps the 31st to short months", () => {
    const anchor = new Date("2026-01-31T00:00:00Z");
    const period = billingPeriod(anchor, new Date("2026-02-28T12:00:00Z"));
    expect(period.start.toISOString()).toBe("2026-02-28T00:00:00.000Z");
    expect(period.end.toISOString()).toBe("2026-03-31T00:00:00.000Z");
  });

  it("handles a clock before the anchor", () => {
    const anchor = new Date("2026-05-01T00:00:00Z");
    expect(billingPeriod(anchor, new Date("2026-04-01T00:00:00Z")).start.toISOString()).toBe(
      "2026-05-01T00:00:00.000Z",
    );
  });
});
