import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, sdkError, startTestServer, type TestServer } from "../helpers/server.js";
import { expectError, type Json, read, rfc3339, sleep } from "./support.js";

const require = createRequire(import.meta.url);
const { GroundX } = require("groundx") as typeof import("groundx");

const STATUSES = ["healthy", "degraded", "down", "unknown"];

let server: TestServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  client = server.client();
});

afterAll(async () => {
  await server?.close();
});

function expectService(entry: Json, name: string): number {
  expect(entry.service).toBe(name);
  expect(STATUSES).toContain(entry.status);
  const lastUpdate = rfc3339(entry.lastUpdate);
  expect(Math.abs(lastUpdate - Date.now())).toBeLessThan(5_000);
  return lastUpdate;
}

describe("GET /api/v1/health (§12, §2.11)", () => {
  it("lists search, ingest and database with a status and a fresh lastUpdate", async () => {
    const response = await client.health.list();
    expect(Object.keys(response)).toEqual(["health"]);
    const services = response.health?.services ?? [];
    expect(services.map((s) => s.service).sort()).toEqual(["database", "ingest", "search"]);
    for (const entry of services) expectService(entry, entry.service);
    // database round trips on a fresh SQLite file are healthy ("ingest" also checks free disk space,
    // which depends on the machine running the tests)
    for (const entry of services.filter((s) => s.service !== "ingest")) expect(entry.status).toBe("healthy");
  });

  it("probes on each call: lastUpdate moves forward", async () => {
    const first = await client.health.list();
    await sleep(15);
    const second = await client.health.list();
    const at = (r: typeof first, name: string) =>
      Date.parse(r.health?.services.find((s) => s.service === name)?.lastUpdate as string);
    for (const name of ["search", "ingest", "database"]) {
      expect(at(second, name)).toBeGreaterThan(at(first, name));
    }
  });

  it("returns exactly one entry for health.get(service)", async () => {
    for (const name of ["search", "ingest", "database"]) {
      const response = await client.health.get(name);
      expect(response.health?.services).toHaveLength(1);
      expectService(response.health?.services[0], name);
    }
  });

  it("answers an unknown service with 400 (SDK BadRequestError)", async () => {
    let caught: unknown;
    try {
      await client.health.get("nope");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GroundX.BadRequestError);
    const error = await sdkError(client.health.get("nope"));
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ code: "UNKNOWN_SERVICE" });
    expect((error.body as Json).message).toMatch(/^service\b/);
  });

  it("requires an API key under /api/v1", async () => {
    expectError(await read(server.api("/health", { apiKey: null })), 401, { code: "UNAUTHORIZED" });
    expectError(await read(server.api("/health/search", { apiKey: null })), 401, { code: "UNAUTHORIZED" });
    expect((await sdkError(server.client("00000000-0000-4000-8000-000000000000").health.list())).status).toBe(
      401,
    );
  });
});

describe("GET /health (root liveness)", () => {
  it("answers 200 { status: ok } without a key", async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
