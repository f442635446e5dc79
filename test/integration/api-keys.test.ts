import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newUuid } from "../../src/core/ids.js";
import { sdkError, startTestServer, type TestServer } from "../helpers/server.js";
import { call, expectError, type Json, rfc3339, UUID_V4 } from "./support.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const masked = (key: string) => `${key.slice(0, 8)}…`;

async function createKey(name: string, apiKey?: string): Promise<string> {
  const result = await call(server, "/apikey", {
    method: "POST",
    json: { name },
    ...(apiKey ? { apiKey } : {}),
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body.apiKeys[0].apiKey;
}

describe("GET /apikey (§11, D4)", () => {
  it("lists the bootstrap key masked, never in plaintext", async () => {
    const response = await server.api("/apikey");
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(server.apiKey);
    const body = JSON.parse(text);
    expect(Object.keys(body)).toEqual(["apiKeys"]);
    expect(body.apiKeys).toHaveLength(1);
    const [key] = body.apiKeys;
    expect(Object.keys(key).sort()).toEqual(["apiKey", "created", "name"]);
    expect(key.apiKey).toBe(masked(server.apiKey));
    expect(key.name).toBe("OPENGROUND_API_KEY");
    rfc3339(key.created);
  });
});

describe("POST /apikey", () => {
  it.each([
    ["{ name }", { name: "python style" }, "python style"],
    ["{ apiKey: { name } }", { apiKey: { name: "harness style" } }, "harness style"],
  ])("creates a key from %s, in plaintext once", async (_label, json, name) => {
    const before = Date.now();
    const result = await call(server, "/apikey", { method: "POST", json });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(Object.keys(result.body)).toEqual(["apiKeys"]);
    expect(result.body.apiKeys).toHaveLength(1);
    const [key] = result.body.apiKeys;
    expect(key.apiKey).toMatch(UUID_V4);
    expect(key.name).toBe(name);
    const created = rfc3339(key.created);
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(Date.now() + 1000);

    // the new key authenticates, on the same account
    const viaNewKey = (await server.client(key.apiKey).customer.get()) as Json;
    expect(viaNewKey.customer.email).toBe("admin@openground.local");
    const { bucket } = await server.client(key.apiKey).buckets.create({ name: `by ${name}` });
    expect((await server.client().buckets.get(bucket.bucketId)).bucket.name).toBe(`by ${name}`);

    // and is listed masked afterwards, never in plaintext
    const response = await server.api("/apikey");
    const text = await response.text();
    expect(text).not.toContain(key.apiKey);
    const listed = JSON.parse(text).apiKeys.find((k: Json) => k.name === name);
    expect(listed).toEqual({ apiKey: masked(key.apiKey), name, created: key.created });
  });

  it("trims the name", async () => {
    const result = await call(server, "/apikey", { method: "POST", json: { name: "  spaced  " } });
    expect(result.body.apiKeys[0].name).toBe("spaced");
  });

  it.each([
    ["no body fields", {}],
    ["an empty name", { name: "" }],
    ["a whitespace name", { name: "   " }],
    ["a null name", { name: null }],
    ["an empty nested name", { apiKey: { name: "" } }],
  ])("rejects %s with a 400 naming name", async (_label, json) => {
    const result = await call(server, "/apikey", { method: "POST", json });
    expectError(result, 400);
    expect(result.body.message).toMatch(/^(apiKey\.)?name\b/);
  });

  it("rejects a missing body with a 400 VALIDATION_FAILED", async () => {
    const result = await call(server, "/apikey", { method: "POST" });
    expectError(result, 400, { code: "VALIDATION_FAILED" });
    const keys = await call(server, "/apikey");
    expect(keys.body.apiKeys.every((k: Json) => typeof k.name === "string" && k.name.length > 0)).toBe(true);
  });
});

describe("PUT /apikey/{apiKey}", () => {
  it("renames a key addressed by its full value; the response is masked", async () => {
    const key = await createKey("before rename");
    const result = await call(server, `/apikey/${key}`, { method: "PUT", json: { name: "after rename" } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body).toEqual({
      apiKeys: [{ apiKey: masked(key), name: "after rename", created: expect.any(String) }],
    });
    expect(JSON.stringify(result.body)).not.toContain(key);

    const list = await call(server, "/apikey");
    const names = list.body.apiKeys.map((k: Json) => k.name);
    expect(names).toContain("after rename");
    expect(names).not.toContain("before rename");
    // still authenticates
    expect((await server.client(key).buckets.list()).buckets).toBeInstanceOf(Array);
  });

  it("answers 404 for an unknown key or the masked form", async () => {
    const key = await createKey("masked lookup");
    expectError(await call(server, `/apikey/${newUuid()}`, { method: "PUT", json: { name: "x" } }), 404, {
      code: "API_KEY_NOT_FOUND",
    });
    expectError(
      await call(server, `/apikey/${encodeURIComponent(masked(key))}`, {
        method: "PUT",
        json: { name: "x" },
      }),
      404,
      { code: "API_KEY_NOT_FOUND" },
    );
  });

  it("rejects an empty name with a 400 naming name", async () => {
    const key = await createKey("rename validation");
    expectError(await call(server, `/apikey/${key}`, { method: "PUT", json: { name: "" } }), 400, {
      field: "name",
    });
    expectError(await call(server, `/apikey/${key}`, { method: "PUT", json: {} }), 400, { field: "name" });
  });
});

describe("DELETE /apikey/{apiKey}", () => {
  it("deletes a key with { message }; the key gets 401 on the very next request", async () => {
    const key = await createKey("short lived");
    expect((await call(server, "/bucket", { apiKey: key })).status).toBe(200);

    const result = await call(server, `/apikey/${key}`, { method: "DELETE" });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(Object.keys(result.body)).toEqual(["message"]);
    expect(typeof result.body.message).toBe("string");

    expectError(await call(server, "/bucket", { apiKey: key }), 401, { code: "UNAUTHORIZED" });
    expect((await sdkError(server.client(key).buckets.list())).status).toBe(401);
    const list = await call(server, "/apikey");
    expect(list.body.apiKeys.map((k: Json) => k.apiKey)).not.toContain(masked(key));
    // deleting it again: unknown
    expectError(await call(server, `/apikey/${key}`, { method: "DELETE" }), 404, {
      code: "API_KEY_NOT_FOUND",
    });
  });

  it("a key may delete itself when others remain", async () => {
    const key = await createKey("self delete");
    const result = await call(server, `/apikey/${key}`, { method: "DELETE", apiKey: key });
    expect(result.status).toBe(200);
    expectError(await call(server, "/apikey", { apiKey: key }), 401, { code: "UNAUTHORIZED" });
  });

  it("answers 404 for an unknown key", async () => {
    expectError(await call(server, `/apikey/${newUuid()}`, { method: "DELETE" }), 404, {
      code: "API_KEY_NOT_FOUND",
    });
  });

  it("refuses to delete the account's last key with a 400", async () => {
    const other = await server.newAccount();
    const keys = await call(server, "/apikey", { apiKey: other.apiKey });
    expect(keys.body.apiKeys).toHaveLength(1);
    const result = await call(server, `/apikey/${other.apiKey}`, { method: "DELETE", apiKey: other.apiKey });
    expectError(result, 400, { field: "apiKey" });
    expect((await call(server, "/bucket", { apiKey: other.apiKey })).status).toBe(200);
  });
});

describe("API keys are scoped to their account", () => {
  it("another account cannot see, rename or delete this account's keys", async () => {
    const key = await createKey("owned by admin");
    const other = await server.newAccount();

    const list = await call(server, "/apikey", { apiKey: other.apiKey });
    expect(list.body.apiKeys).toEqual([
      { apiKey: masked(other.apiKey), name: "default", created: expect.any(String) },
    ]);

    expectError(
      await call(server, `/apikey/${key}`, {
        method: "PUT",
        json: { name: "hijacked" },
        apiKey: other.apiKey,
      }),
      404,
      { code: "API_KEY_NOT_FOUND" },
    );
    expectError(await call(server, `/apikey/${key}`, { method: "DELETE", apiKey: other.apiKey }), 404, {
      code: "API_KEY_NOT_FOUND",
    });
    expectError(
      await call(server, `/apikey/${server.apiKey}`, { method: "DELETE", apiKey: other.apiKey }),
      404,
      {
        code: "API_KEY_NOT_FOUND",
      },
    );

    // untouched: same name, still authenticates
    const mine = await call(server, "/apikey");
    expect(mine.body.apiKeys.find((k: Json) => k.apiKey === masked(key))?.name).toBe("owned by admin");
    expect((await call(server, "/bucket", { apiKey: key })).status).toBe(200);
  });

  it("keys created by another account authenticate as that account", async () => {
    const other = await server.newAccount("keys@example.com");
    const key = await createKey("second key of other", other.apiKey);
    const { customer } = (await server.client(key).customer.get()) as Json;
    expect(customer.email).toBe("keys@example.com");
    const mine = await call(server, "/apikey");
    expect(mine.body.apiKeys.map((k: Json) => k.name)).not.toContain("second key of other");
  });
});
