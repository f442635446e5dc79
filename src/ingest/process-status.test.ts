import { describe, expect, it } from "vitest";
import { deriveProcessStatus } from "./process-status.js";

describe("deriveProcessStatus (D10)", () => {
  it.each([
    [false, [], "complete"],
    [false, ["queued", "queued"], "queued"],
    [false, ["queued", "processing"], "processing"],
    [false, ["queued", "complete"], "processing"],
    [false, ["complete", "error"], "complete"],
    [false, ["error", "error"], "error"],
    [false, ["cancelled", "cancelled"], "cancelled"],
    [false, ["cancelled", "error"], "error"],
    [true, ["complete", "cancelled"], "cancelled"],
    [true, [], "cancelled"],
  ] as const)("cancelled=%s %j → %s", (cancelled, statuses, expected) => {
    expect(deriveProcessStatus(cancelled, statuses)).toBe(expected);
  });
});
