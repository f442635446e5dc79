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

const GROUP_KEYS = ["buckets", "created", "fileCount", "fileSize", "groupId", "name", "updated"].sort();
const BUCKET_KEYS = ["bucketId", "created", "fileCount", "fileSize", "name", "updated"].sort();

function expectBucketDetail(bucket: Json, expected: { bucketId: number; name: string }): void {
  expect(Object.keys(bucket).sort()).toEqual(BUCKET_KEYS);
  expect(bucket).toMatchObject({ ...expected, fileCount: 0, fileSize: "0B" });
  expect(rfc3339(bucket.updated)).toBeGreaterThanOrEqual(rfc3339(bucket.created));
}

describe("group lifecycle through the official SDK (§8, §2.7)", () => {
  it("creates a group without bucketName: empty, aggregates 0 / 0B", async () => {
    const { group } = await client.groups.create({ name: "plain" });
    expect(Object.keys(group).sort()).toEqual(GROUP_KEYS);
    expect(Number.isInteger(group.groupId)).toBe(true);
    expect(group.groupId).toBeGreaterThan(0);
    expect(group.name).toBe("plain");
    expect(group.buckets).toEqual([]);
    expect(group.fileCount).toBe(0);
    expect(group.fileSize).toBe("0B");
    expect(rfc3339(group.updated)).toBeGreaterThanOrEqual(rfc3339(group.created));
  });

  it("creates a group with bucketName: a new bucket is created and is a member", async () => {
    const { group } = await client.groups.create({ name: "with bucket", bucketName: "made by group" });
    expect(group.buckets).toHaveLength(1);
    const member = group.buckets?.[0] as Json;
    expect(member.bucketId).not.toBe(group.groupId);
    expectBucketDetail(member, { bucketId: member.bucketId, name: "made by group" });
    expect(group.fileCount).toBe(0);
    expect(group.fileSize).toBe("0B");

    const list = await call(server, "/bucket?n=100");
    const listed = list.body.buckets.find((b: Json) => b.bucketId === member.bucketId);
    expect(listed).toEqual(member);
    const { bucket } = await client.buckets.get(member.bucketId);
    expect(bucket.name).toBe("made by group");
  });

  it("rejects invalid names (name, bucketName) with a 400 naming the field", async () => {
    expectError(await call(server, "/group", { method: "POST", json: {} }), 400, { field: "name" });
    expectError(await call(server, "/group", { method: "POST", json: { name: " " } }), 400, {
      field: "name",
    });
    expectError(await call(server, "/group", { method: "POST", json: { name: "g", bucketName: "" } }), 400, {
      field: "bucketName",
    });
    const ok = await call(server, "/group", { method: "POST", json: { name: "g", bucketName: null } });
    expect(ok.status).toBe(200);
    expect(ok.body.group.buckets).toEqual([]);
  });

  it("allocates bucket and group ids from one sequence (D3)", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      ids.push((await client.buckets.create({ name: `seq-b${i}` })).bucket.bucketId);
      ids.push((await client.groups.create({ name: `seq-g${i}` })).group.groupId);
      const both = await client.groups.create({ name: `seq-gb${i}`, bucketName: `seq-gbb${i}` });
      ids.push(both.group.groupId, both.group.buckets?.[0]?.bucketId as number);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const [groups, buckets] = await Promise.all([
      call(server, "/group?n=100"),
      call(server, "/bucket?n=100"),
    ]);
    const groupIds = new Set(groups.body.groups.map((g: Json) => g.groupId));
    for (const b of buckets.body.buckets) expect(groupIds.has(b.bucketId)).toBe(false);
  });

  it("adds a bucket twice (idempotent) and shows it once as a BucketDetail", async () => {
    const { group } = await client.groups.create({ name: "members" });
    const { bucket } = await client.buckets.create({ name: "member" });

    const first = await client.groups.addBucket(group.groupId, bucket.bucketId);
    const second = await client.groups.addBucket(group.groupId, bucket.bucketId);
    for (const response of [first, second]) {
      expect(Object.keys(response)).toEqual(["message"]);
      expect(typeof response.message).toBe("string");
    }
    const { group: got } = await client.groups.get(group.groupId);
    expect(got.buckets).toHaveLength(1);
    expectBucketDetail(got.buckets?.[0], { bucketId: bucket.bucketId, name: "member" });
    expect(got.fileCount).toBe(0);
    expect(got.fileSize).toBe("0B");
  });

  it("removes a bucket twice (idempotent); the bucket itself is kept", async () => {
    const { group } = await client.groups.create({ name: "removal", bucketName: "leaving" });
    const bucketId = group.buckets?.[0]?.bucketId as number;

    const first = await client.groups.removeBucket(group.groupId, bucketId);
    const second = await client.groups.removeBucket(group.groupId, bucketId);
    expect(typeof first.message).toBe("string");
    expect(typeof second.message).toBe("string");

    expect((await client.groups.get(group.groupId)).group.buckets).toEqual([]);
    expect((await client.buckets.get(bucketId)).bucket.name).toBe("leaving");
  });

  it("lists several member buckets", async () => {
    const { group } = await client.groups.create({ name: "multi", bucketName: "m1" });
    const { bucket: m2 } = await client.buckets.create({ name: "m2" });
    await client.groups.addBucket(group.groupId, m2.bucketId);
    const { group: got } = await client.groups.get(group.groupId);
    expect(got.buckets?.map((b) => b.name).sort()).toEqual(["m1", "m2"]);
    for (const b of got.buckets ?? [])
      expectBucketDetail(b, { bucketId: b.bucketId, name: b.name as string });
  });

  it("a bucket may belong to several groups", async () => {
    const { bucket } = await client.buckets.create({ name: "shared" });
    const { group: g1 } = await client.groups.create({ name: "g1" });
    const { group: g2 } = await client.groups.create({ name: "g2" });
    await client.groups.addBucket(g1.groupId, bucket.bucketId);
    await client.groups.addBucket(g2.groupId, bucket.bucketId);
    for (const g of [g1, g2]) {
      expect((await client.groups.get(g.groupId)).group.buckets?.map((b) => b.bucketId)).toEqual([
        bucket.bucketId,
      ]);
    }
  });

  it("renames a group and returns the full GroupDetail", async () => {
    const { group } = await client.groups.create({ name: "before", bucketName: "inside" });
    const response = await client.groups.update(group.groupId, { newName: "after" });
    expect(Object.keys(response)).toEqual(["group"]);
    expect(Object.keys(response.group).sort()).toEqual(GROUP_KEYS);
    expect(response.group).toMatchObject({
      groupId: group.groupId,
      name: "after",
      fileCount: 0,
      fileSize: "0B",
      created: group.created,
    });
    expect(response.group.buckets).toEqual(group.buckets);
    expect(rfc3339(response.group.updated)).toBeGreaterThanOrEqual(rfc3339(group.updated));
    expect((await client.groups.get(group.groupId)).group.name).toBe("after");
  });

  it("deletes a group with { message }; its member buckets are kept", async () => {
    const { group } = await client.groups.create({ name: "to delete", bucketName: "survivor" });
    const bucketId = group.buckets?.[0]?.bucketId as number;
    const response = await client.groups.delete(group.groupId);
    expect(Object.keys(response)).toEqual(["message"]);
    expect(typeof response.message).toBe("string");

    expect((await sdkError(client.groups.get(group.groupId))).status).toBe(404);
    expect((await sdkError(client.groups.delete(group.groupId))).status).toBe(404);
    expect((await client.buckets.get(bucketId)).bucket.name).toBe("survivor");
  });

  it("deleting a bucket removes it from its groups", async () => {
    const { group } = await client.groups.create({ name: "loses member", bucketName: "gone soon" });
    const { bucket: stays } = await client.buckets.create({ name: "stays" });
    await client.groups.addBucket(group.groupId, stays.bucketId);
    const goneId = group.buckets?.[0]?.bucketId as number;

    await client.buckets.delete(goneId);
    const { group: got } = await client.groups.get(group.groupId);
    expect(got.buckets?.map((b) => b.bucketId)).toEqual([stays.bucketId]);
    const list = await call(server, "/group?n=100");
    const listed = list.body.groups.find((g: Json) => g.groupId === group.groupId);
    expect(listed.buckets.map((b: Json) => b.bucketId)).toEqual([stays.bucketId]);
  });
});

describe("group errors (§1.7, D2)", () => {
  let group: { groupId: number };
  let bucket: { bucketId: number };

  beforeAll(async () => {
    group = (await client.groups.create({ name: "errors" })).group;
    bucket = (await client.buckets.create({ name: "errors" })).bucket;
  });

  it("answers 404 GROUP_NOT_FOUND for add/remove with an unknown group", async () => {
    for (const method of ["POST", "DELETE"]) {
      const result = await call(server, `/group/${UNKNOWN_ID}/bucket/${bucket.bucketId}`, { method });
      expectError(result, 404, { code: "GROUP_NOT_FOUND" });
    }
    expect((await sdkError(client.groups.addBucket(UNKNOWN_ID, bucket.bucketId))).status).toBe(404);
    expect((await sdkError(client.groups.removeBucket(UNKNOWN_ID, bucket.bucketId))).status).toBe(404);
  });

  it("answers 404 BUCKET_NOT_FOUND for add/remove with an unknown bucket", async () => {
    for (const method of ["POST", "DELETE"]) {
      const result = await call(server, `/group/${group.groupId}/bucket/${UNKNOWN_ID}`, { method });
      expectError(result, 404, { code: "BUCKET_NOT_FOUND" });
    }
  });

  it("answers 404 when a bucket id is used as a group id and vice versa", async () => {
    expectError(await call(server, `/group/${bucket.bucketId}`), 404, { code: "GROUP_NOT_FOUND" });
    expectError(
      await call(server, `/group/${bucket.bucketId}`, { method: "PUT", json: { newName: "x" } }),
      404,
      { code: "GROUP_NOT_FOUND" },
    );
    expectError(await call(server, `/group/${bucket.bucketId}`, { method: "DELETE" }), 404, {
      code: "GROUP_NOT_FOUND",
    });
    expectError(
      await call(server, `/group/${bucket.bucketId}/bucket/${bucket.bucketId}`, { method: "POST" }),
      404,
      {
        code: "GROUP_NOT_FOUND",
      },
    );
    expectError(
      await call(server, `/group/${group.groupId}/bucket/${group.groupId}`, { method: "POST" }),
      404,
      {
        code: "BUCKET_NOT_FOUND",
      },
    );
    expectError(await call(server, `/bucket/${group.groupId}`), 404, { code: "BUCKET_NOT_FOUND" });
    // the bucket and the group still exist, untouched
    expect((await client.groups.get(group.groupId)).group.buckets).toEqual([]);
    expect((await client.buckets.get(bucket.bucketId)).bucket.name).toBe("errors");
  });

  it("answers 404 for get/update/delete of an unknown group", async () => {
    expectError(await call(server, `/group/${UNKNOWN_ID}`), 404, { code: "GROUP_NOT_FOUND" });
    expectError(await call(server, `/group/${UNKNOWN_ID}`, { method: "PUT", json: { newName: "x" } }), 404, {
      code: "GROUP_NOT_FOUND",
    });
    expectError(await call(server, `/group/${UNKNOWN_ID}`, { method: "DELETE" }), 404, {
      code: "GROUP_NOT_FOUND",
    });
  });

  it.each(["abc", "0", "-1"])("answers 400 MALFORMED_ID for group id %s", async (id) => {
    expectError(await call(server, `/group/${id}`), 400, { code: "MALFORMED_ID", field: "groupId" });
    expectError(await call(server, `/group/${id}/bucket/${bucket.bucketId}`, { method: "POST" }), 400, {
      code: "MALFORMED_ID",
      field: "groupId",
    });
    expectError(await call(server, `/group/${group.groupId}/bucket/${id}`, { method: "DELETE" }), 400, {
      code: "MALFORMED_ID",
      field: "bucketId",
    });
  });

  it("rejects an empty newName with a 400 naming newName", async () => {
    const result = await call(server, `/group/${group.groupId}`, { method: "PUT", json: { newName: "" } });
    expectError(result, 400, { field: "newName" });
  });
});

describe("group list pagination (§1.6, D8)", () => {
  let other: { apiKey: string; client: Client };
  let ids: number[];

  beforeAll(async () => {
    other = await server.newAccount();
    ids = [];
    for (const name of ["q1", "q2", "q3", "q4", "q5"]) {
      ids.push((await other.client.groups.create({ name })).group.groupId);
    }
  });

  it("walks 5 groups in pages of 2 without duplicates or gaps", async () => {
    const { pages, items } = await walkPages(server, "/group", "groups", 2, other.apiKey);
    expect(pages.map((p) => p.count)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
    expect(pages.map((p) => p.remaining)).toEqual([3, 1, 0]);
    const seen = items.map((g) => g.groupId);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    for (const g of items) expect(Object.keys(g).sort()).toEqual(GROUP_KEYS);
  });

  it("works through the SDK's list request", async () => {
    const first = (await other.client.groups.list({ n: 4 })) as Json;
    expect(first).toMatchObject({ count: 4, total: 5, remaining: 1 });
    const second = (await other.client.groups.list({ n: 4, nextToken: first.nextToken })) as Json;
    expect(second).toMatchObject({ count: 1, total: 5, remaining: 0 });
    expect(second.nextToken).toBeUndefined();
  });

  it("rejects a group nextToken on the bucket list and from another account", async () => {
    const first = await call(server, "/group?n=2", { apiKey: other.apiKey });
    const onBuckets = await call(server, `/bucket?n=2&nextToken=${first.body.nextToken}`, {
      apiKey: other.apiKey,
    });
    expectError(onBuckets, 400, { code: "INVALID_NEXT_TOKEN", field: "nextToken" });
    const otherAccount = await call(server, `/group?n=2&nextToken=${first.body.nextToken}`);
    expectError(otherAccount, 400, { code: "INVALID_NEXT_TOKEN", field: "nextToken" });
  });

  it.each(["0", "101", "abc"])("rejects n=%s with a 400 naming n", async (n) => {
    expectError(await call(server, `/group?n=${n}`), 400, { field: "n" });
  });
});
