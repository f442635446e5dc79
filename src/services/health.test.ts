import os from "node:os";
import { describe, expect, it } from "vitest";
import { diskCheck, HealthMonitor } from "./health.js";

describe("HealthMonitor", () => {
  it("reports the worst check of a service", async () => {
    const monitor = new HealthMonitor()
      .register("ingest", { name: "a", probe: async () => ({ status: "healthy" }) })
      .register("ingest", { name: "b", probe: async () => ({ status: "degraded", detail: "slow" }) })
      .register("search", { name: "c", probe: async () => ({ status: "healthy" }) });
    expect(monitor.services()).toEqual(["ingest", "search"]);
    const ingest = await monitor.check("ingest");
    expect(ingest.status).toBe("degraded");
    expect(ingest.checks).toEqual([
      { name: "a", status: "healthy" },
      { name: "b", status: "degraded", detail: "slow" },
    ]);
    expect((await monitor.check("search")).status).toBe("healthy");
  });

  it("turns a throwing probe into down", async () => {
    const monitor = new HealthMonitor().register("database", {
      name: "db",
      probe: async () => {
        throw new Error("disk I/O error");
      },
    });
    const result = await monitor.check("database");
    expect(result.status).toBe("down");
    expect(result.checks[0]?.detail).toBe("disk I/O error");
    expect(Math.abs(result.lastUpdate.getTime() - Date.now())).toBeLessThan(5000);
  });

  it("measures real free disk space against thresholds", async () => {
    const dir = os.tmpdir();
    expect((await diskCheck(dir, { downBelowBytes: 0, degradedBelowBytes: 0 }).probe()).status).toBe(
      "healthy",
    );
    expect(
      (await diskCheck(dir, { downBelowBytes: 0, degradedBelowBytes: Number.MAX_SAFE_INTEGER }).probe())
        .status,
    ).toBe("degraded");
    expect(
      (await diskCheck(dir, { downBelowBytes: Number.MAX_SAFE_INTEGER, degradedBelowBytes: 0 }).probe())
        .status,
    ).toBe("down");
  });
});
