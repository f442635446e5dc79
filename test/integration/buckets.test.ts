import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, sdkError, startTestServer, type TestServer } from "../helpers/server.js";
import { call, expectError, type Json, rfc3339, UNKNOWN_ID, walkPages } from "./support.js";

let server: TestServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  client = server.client();
});

afterAll(async () => {
  await server?.close();
});

describe("bucket lifecycle through the official SDK (§7)", () => {
  it("creates a bucket with every BucketDetail field (§2.6)", async () => {
    const before = Date.now();
    const { bucket } = await client.buckets.create({ name: "alpha" });
    const after = Date.now();

    expect(Object.keys(bucket).sort()).toEqual(
      ["bucketId", "created", "fileCount", "fileSize", "name", "updated"].sort(),
    );
    expect(Number.isInteger(bucket.bucketId)).toBe(true);
    expect(bucket.bucketId).toBeGreaterThan(0);
    expect(bucket.name).toBe("alpha");
    expect(bucket.fileCount).toBe(0);
    expect(bucket.fileSize).toBe("0B");
    const created = rfc3339(bucket.created);
    const updated = rfc3339(bucket.updated);
    expect(updated).toBeGreaterThanOrEqual(created);
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(after + 1000);
  });

  it("gets the bucket it created, unchanged", async () => {
    const { bucket: created } = await client.buckets.create({ name: "to-get" });
    const { bucket } = await client.buckets.get(created.bucketId);
    expect(bucket).toEqual(created);
  });

  it("renames a bucket; the response is { bucket: { bucketId, name } } only", async () => {
    const { bucket: created } = await client.buckets.create({ name: "old name" });
    const response = await client.buckets.update(created.bucketId, { newName: "new name" });
    expect(response).toEqual({ bucket: { bucketId: created.bucketId, name: "new name" } });

    const { bucket } = await client.buckets.get(created.bucketId);
    expect(bucket.name).toBe("new name");
    expect(bucket.created).toBe(created.created);
    expect(rfc3339(bucket.updated)).toBeGreaterThanOrEqual(rfc3339(bucket.created));
    expect(rfc3339(bucket.updated)).toBeGreaterThanOrEqual(rfc3339(created.updated));
  });

  it("trims the name on create and rename", async () => {
    const { bucket } = await client.buckets.create({ name: "  padded  " });
    expect(bucket.name).toBe("padded");
    const renamed = await client.buckets.update(bucket.bucketId, { newName: "  again " });
    expect(renamed.bucket.name).toBe("again");
  });

  it("allows duplicate bucket names with distinct ids", async () => {
    const a = await client.buckets.create({ name: "same" });
    const b = await client.buckets.create({ name: "same" });
    expect(a.bucket.bucketId).not.toBe(b.bucket.bucketId);
  });

  it("deletes a bucket with a { message } and then answers 404", async () => {
    const { bucket } = await client.buckets.create({ name: "doomed" });
    const response = await client.buckets.delete(bucket.bucketId);
    expect(Object.keys(response)).toEqual(["message"]);
    expect(typeof response.message).toBe("string");
    expect(response.message?.length).toBeGreaterThan(0);

    const error = await sdkError(client.buckets.get(bucket.bucketId));
    expect(error.status).toBe(404);
    expect(error.body).toMatchObject({ code: "BUCKET_NOT_FOUND" });

    expect((await sdkError(client.buckets.delete(bucket.bucketId))).status).toBe(404);
    expect((await sdkError(client.buckets.update(bucket.bucketId, { newName: "x" }))).status).toBe(404);
    const list = await call(server, "/bucket?n=100");
    expect(list.body.buckets.map((b: Json) => b.bucketId)).not.toContain(bucket.bucketId);
  });
});

describe("bucket list pagination (§1.6, D8)", () => {
  let other: { apiKey: string; client: Client };
  let ids: number[];

  beforeAll(async () => {
    other = await server.newAccount();
    ids = [];
    for (const name of ["p1", "p2", "p3", "p4", "p5"]) {
      ids.push((await other.client.buckets.create({ name })).bucket.bucketId);
    }
  });

  it("walks 5 buckets in pages of 2 without duplicates or gaps", async () => {
    const { pages, items } = await walkPages(server, "/bucket", "buckets", 2, other.apiKey);
    expect(pages.map((p) => p.count)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
    expect(pages.map((p) => p.remaining)).toEqual([3, 1, 0]);
    const seen = items.map((b) => b.bucketId);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(items.map((b) => b.name).sort()).toEqual(["p1", "p2", "p3", "p4", "p5"]);
  });

  it("works through the SDK's list request (n + nextToken)", async () => {
    const first = (await other.client.buckets.list({ n: 3 })) as Json;
    expect(first.buckets).toHaveLength(3);
    expect(first.remaining).toBe(2);
    const second = (await other.client.buckets.list({ n: 3, nextToken: first.nextToken })) as Json;
    expect(second.buckets).toHaveLength(2);
    expect(second.remaining).toBe(0);
    expect(second.nextToken).toBeUndefined();
  });

  it("returns everything in one page by default (n = 20) with no nextToken", async () => {
    const page = await call(server, "/bucket", { apiKey: other.apiKey });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ count: 5, total: 5, remaining: 0 });
    expect(page.body).not.toHaveProperty("nextToken");
  });

  it("rejects a bucket nextToken replayed on the group list", async () => {
    const first = await call(server, "/bucket?n=2", { apiKey: other.apiKey });
    const replay = await call(server, `/group?n=2&nextToken=${first.body.nextToken}`, {
      apiKey: other.apiKey,
    });
    expectError(replay, 400, { code: "INVALID_NEXT_TOKEN", field: "nextToken" });
  });

  it("rejects a nextToken replayed by another account", async () => {
    const first = await call(server, "/bucket?n=2", { apiKey: other.apiKey });
    const replay = await call(server, `/bucket?n=2&nextToken=${first.body.nextToken}`);
    expectError(replay, 400, { code: "INVALID_NEXT_TOKEN", field: "nextToken" });
  });

  it("rejects a forged or garbage nextToken", async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, s: "x", c: 1 })).toString("base64url");
    for (const token of ["garbage!", "abc", forged]) {
      const result = await call(server, `/bucket?nextToken=${encodeURIComponent(token)}`, {
        apiKey: other.apiKey,
      });
      expectError(result, 400, { code: "INVALID_NEXT_TOKEN", field: "nextToken" });
    }
  });

  it("continues without skipping when buckets are deleted or created between pages", async () => {
    const mutable = await server.newAccount();
    const ids: number[] = [];
    for (const name of ["m1", "m2", "m3", "m4", "m5"]) {
      ids.push((await mutable.client.buckets.create({ name })).bucket.bucketId);
    }
    const first = await call(server, "/bucket?n=2", { apiKey: mutable.apiKey });
    const firstIds = first.body.buckets.map((b: Json) => b.bucketId);
    const rest = ids.filter((id) => !firstIds.includes(id));
    // delete the item the next page would start with, add one at the end
    await mutable.client.buckets.delete(rest[0] as number);
    const added = (await mutable.client.buckets.create({ name: "m6" })).bucket.bucketId;

    const seen = [...firstIds];
    let token = first.body.nextToken;
    while (token) {
      const page = await call(server, `/bucket?n=2&nextToken=${token}`, { apiKey: mutable.apiKey });
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(5);
      seen.push(...page.body.buckets.map((b: Json) => b.bucketId));
      token = page.body.nextToken;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort((a, b) => a - b)).toEqual([...firstIds, ...rest.slice(1), added].sort((a, b) => a - b));
  });

  it.each(["0", "101", "abc", "-1", "2.5"])("rejects n=%s with a 400 naming n", async (n) => {
    const result = await call(server, `/bucket?n=${n}`);
    expectError(result, 400, { field: "n" });
  });

  it("accepts the bounds n=1 and n=100", async () => {
    const one = await call(server, "/bucket?n=1", { apiKey: other.apiKey });
    expect(one.body).toMatchObject({ count: 1, total: 5, remaining: 4 });
    const hundred = await call(server, "/bucket?n=100", { apiKey: other.apiKey });
    expect(hundred.body).toMatchObject({ count: 5, total: 5, remaining: 0 });
  });
});

describe("bucket validation (§1.3, §1.7, D2)", () => {
  it.each([
    ["missing name", {}],
    ["empty name", { name: "" }],
    ["whitespace-only name", { name: "   " }],
    ["non-string name", { name: 42 }],
    ["null name", { name: null }],
  ])("rejects %s with a 400 naming name", async (_label, json) => {
    expectError(await call(server, "/bucket", { method: "POST", json }), 400, { field: "name" });
  });

  it("rejects a missing body with a 400", async () => {
    const result = await call(server, "/bucket", { method: "POST" });
    expectError(result, 400);
  });

  it.each(["", "   ", null])("rejects newName %j on rename with a 400 naming newName", async (newName) => {
    const { bucket } = await client.buckets.create({ name: "rename-target" });
    const result = await call(server, `/bucket/${bucket.bucketId}`, { method: "PUT", json: { newName } });
    expectError(result, 400, { field: "newName" });
  });

  it("reports the SDK's BadRequestError for an invalid name", async () => {
    const error = await sdkError(client.buckets.create({ name: "" }));
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it.each(["abc", "0", "-1", "1.5", "1e3", "00001x"])(
    "answers 400 MALFORMED_ID for /bucket/%s on get, update and delete",
    async (id) => {
      expectError(await call(server, `/bucket/${id}`), 400, { code: "MALFORMED_ID", field: "bucketId" });
      expectError(await call(server, `/bucket/${id}`, { method: "PUT", json: { newName: "x" } }), 400, {
        code: "MALFORMED_ID",
      });
      expectError(await call(server, `/bucket/${id}`, { method: "DELETE" }), 400, { code: "MALFORMED_ID" });
    },
  );

  it("answers 404 for a well-formed unknown id on get, update and delete", async () => {
    expectError(await call(server, `/bucket/${UNKNOWN_ID}`), 404, { code: "BUCKET_NOT_FOUND" });
    expectError(await call(server, `/bucket/${UNKNOWN_ID}`, { method: "PUT", json: { newName: "x" } }), 404, {
      code: "BUCKET_NOT_FOUND",
    });
    expectError(await call(server, `/bucket/${UNKNOWN_ID}`, { method: "DELETE" }), 404, {
      code: "BUCKET_NOT_FOUND",
    });
  });

  it("accepts Python-SDK-style explicit nulls and unknown fields", async () => {
    const nulls = await call(server, "/bucket", {
      method: "POST",
      json: { name: "py-null", unknownField: null },
    });
    expect(nulls.status).toBe(200);
    expect(nulls.body.bucket).toMatchObject({ name: "py-null", fileCount: 0, fileSize: "0B" });

    const extra = await call(server, "/bucket", {
      method: "POST",
      json: { name: "py-extra", unknownField: "ignored", nested: { a: null } },
    });
    expect(extra.status).toBe(200);
    expect(extra.body.bucket.name).toBe("py-extra");
    expect(extra.body.bucket).not.toHaveProperty("unknownField");

    const renamed = await call(server, `/bucket/${extra.body.bucket.bucketId}`, {
      method: "PUT",
      json: { newName: "py-renamed", name: null },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ bucket: { bucketId: extra.body.bucket.bucketId, name: "py-renamed" } });
  });

  it("tolerates one trailing slash", async () => {
    const created = await call(server, "/bucket/", { method: "POST", json: { name: "slash" } });
    expect(created.status).toBe(200);
    const id = created.body.bucket.bucketId;
    const list = await call(server, "/bucket/");
    expect(list.status).toBe(200);
    expect(list.body.buckets.map((b: Json) => b.bucketId)).toContain(id);
    const got = await call(server, `/bucket/${id}/`);
    expect(got.status).toBe(200);
    expect(got.body.bucket.name).toBe("slash");
    const deleted = await call(server, `/bucket/${id}/`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
  });
});

describe("bucket names", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it("refuses control characters", async () => {
    const response = await server.api("/bucket", { method: "POST", json: { name: "a\u0000b" } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^name:/);
    const ok = await server.api("/bucket", { method: "POST", json: { name: "Zürich — 東京 📄" } });
    expect(ok.status).toBe(200);
  });
});
