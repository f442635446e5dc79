import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newUuid } from "../../src/core/ids.js";
import { type Client, sdkError, startTestServer, type TestServer } from "../helpers/server.js";
import { call, expectError, type Json, read, UUID_V4 } from "./support.js";

let server: TestServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  client = server.client();
});

afterAll(async () => {
  await server?.close();
});

/** Every bad input must get a 4xx other than 409: the SDKs retry 408/409/429/5xx (§1.7). */
function expectNoRetryableStatus(status: number, what: string): void {
  expect(status, what).toBeGreaterThanOrEqual(400);
  expect(status, what).toBeLessThan(500);
  expect([408, 409, 429], what).not.toContain(status);
}

/** A raw body with a content type (no JSON encoding by the helper). */
function raw(
  path: string,
  method: string,
  body: string,
  contentType: string,
  apiKey?: string | null,
): Promise<{ status: number; body: Json }> {
  return read(
    server.api(path, {
      method,
      body,
      headers: { "content-type": contentType },
      ...(apiKey !== undefined ? { apiKey } : {}),
    }),
  );
}

describe("401 for missing, unknown and deleted keys (§1.2, D2)", () => {
  let deletedKey: string;
  let bucketId: number;

  beforeAll(async () => {
    bucketId = (await client.buckets.create({ name: "auth target" })).bucket.bucketId;
    const created = await call(server, "/apikey", { method: "POST", json: { name: "to delete" } });
    deletedKey = created.body.apiKeys[0].apiKey;
    expect((await call(server, "/bucket", { apiKey: deletedKey })).status).toBe(200);
    expect((await call(server, `/apikey/${deletedKey}`, { method: "DELETE" })).status).toBe(200);
  });

  const routes: [string, string, unknown?][] = [
    ["GET", "/bucket"],
    ["POST", "/bucket", { name: "should not exist" }],
    ["GET", "/bucket/{bucketId}"],
    ["PUT", "/bucket/{bucketId}", { newName: "should not rename" }],
    ["DELETE", "/bucket/{bucketId}"],
    ["GET", "/group"],
    ["POST", "/group", { name: "should not exist" }],
    ["GET", "/customer"],
    ["GET", "/customer/usage?metric=searches"],
    ["GET", "/apikey"],
    ["POST", "/apikey", { name: "should not exist" }],
    ["GET", "/workflow"],
    ["POST", "/workflow", { name: "should not exist" }],
    ["GET", "/health"],
    ["GET", "/health/search"],
  ];

  it.each(routes)("%s %s", async (method, template, json) => {
    const path = template.replace("{bucketId}", String(bucketId));
    const keys: [string, string | null][] = [
      ["no key", null],
      ["empty key", ""],
      ["unknown key", newUuid()],
      ["deleted key", deletedKey],
      ["key with a trailing character", `${server.apiKey}x`],
    ];
    for (const [label, apiKey] of keys) {
      const result = await call(server, path, { method, apiKey, ...(json !== undefined ? { json } : {}) });
      expect(result.status, `${label}: ${JSON.stringify(result.body)}`).toBe(401);
      expect(result.body).toEqual({ message: expect.any(String), code: "UNAUTHORIZED" });
    }
  });

  it("made no change while answering 401", async () => {
    const buckets = await call(server, "/bucket?n=100");
    expect(buckets.body.buckets.map((b: Json) => b.name)).toEqual(["auth target"]);
    expect((await call(server, "/group")).body.total).toBe(0);
    expect((await call(server, "/workflow")).body.workflows).toEqual([]);
    const keys = await call(server, "/apikey");
    expect(keys.body.apiKeys.map((k: Json) => k.name)).toEqual(["OPENGROUND_API_KEY"]);
  });

  it("answers 401 before validating the request", async () => {
    expectError(await call(server, "/bucket", { method: "POST", json: {}, apiKey: null }), 401, {
      code: "UNAUTHORIZED",
    });
    expectError(await raw("/bucket", "POST", "{not json", "application/json", null), 401, {
      code: "UNAUTHORIZED",
    });
    expectError(await call(server, "/bucket/abc", { apiKey: newUuid() }), 401, { code: "UNAUTHORIZED" });
  });

  it("maps to the SDK's 401 for every kind of bad key", async () => {
    for (const key of [newUuid(), deletedKey]) {
      const error = await sdkError(server.client(key).buckets.list());
      expect(error.status).toBe(401);
      expect(error.body).toMatchObject({ code: "UNAUTHORIZED" });
    }
  });
});

describe("malformed requests (§1.3, §1.7)", () => {
  let bucketId: number;
  let groupId: number;

  beforeAll(async () => {
    bucketId = (await client.buckets.create({ name: "malformed target" })).bucket.bucketId;
    groupId = (await client.groups.create({ name: "malformed target" })).group.groupId;
  });

  it("answers malformed JSON with 400 MALFORMED_JSON on every JSON route", async () => {
    const targets: [string, string][] = [
      ["POST", "/bucket"],
      ["PUT", `/bucket/${bucketId}`],
      ["POST", "/group"],
      ["PUT", `/group/${groupId}`],
      ["POST", "/apikey"],
      ["POST", "/workflow"],
      ["POST", "/workflow/validate"],
      ["POST", "/workflow/relationship"],
    ];
    for (const [method, path] of targets) {
      for (const body of ['{"name":', "{name: 'x'}", "[1,2", "nul"]) {
        const result = await raw(path, method, body, "application/json");
        expectError(result, 400, { code: "MALFORMED_JSON", field: "body" });
      }
    }
  });

  it("refuses prototype poisoning with a 400, not a 500", async () => {
    const result = await raw(
      "/bucket",
      "POST",
      '{"name":"p","__proto__":{"admin":true}}',
      "application/json",
    );
    expectNoRetryableStatus(result.status, JSON.stringify(result.body));
    expectError(result, 400);
  });

  it("answers JSON that is not an object with 400", async () => {
    for (const body of ["[]", '"name"', "42", "null", "true"]) {
      const result = await raw("/bucket", "POST", body, "application/json");
      expectError(result, 400, { code: "VALIDATION_FAILED" });
    }
  });

  it("answers a non-JSON content type with 400", async () => {
    // text/plain has a parser in fastify: the string body then fails validation ("body: must be object")
    for (const body of ["name=x", '{"name":"x"}']) {
      expectError(await raw("/bucket", "POST", body, "text/plain"), 400);
      expectError(await raw("/bucket", "POST", body, "text/plain; charset=utf-8"), 400);
    }
    for (const [body, type] of [
      ["name=x", "application/x-www-form-urlencoded"],
      ['{"name":"x"}', "application/xml"],
      ['{"name":"x"}', "application/octet-stream"],
    ] as const) {
      const result = await raw("/bucket", "POST", body, type);
      expectError(result, 400, { code: "UNSUPPORTED_MEDIA_TYPE" });
    }
    const names = (await call(server, "/bucket?n=100")).body.buckets.map((b: Json) => b.name);
    expect(names).not.toContain("x");
  });

  it("accepts application/json with a charset parameter", async () => {
    const result = await raw("/bucket", "POST", '{"name":"charset"}', "application/json; charset=utf-8");
    expect(result.status).toBe(200);
    expect(result.body.bucket.name).toBe("charset");
  });

  it("answers a name over 256 characters with a 400 naming name", async () => {
    const result = await call(server, "/bucket", { method: "POST", json: { name: "x".repeat(10_000) } });
    expectError(result, 400, { field: "name" });
  });

  it("answers an unknown route with a JSON 404 ROUTE_NOT_FOUND", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["GET", "/bucket/1/nope"],
      ["PATCH", "/bucket"],
      ["POST", "/customer"],
    ] as const) {
      const response = await server.api(path, { method });
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expectError(await read(response), 404, { code: "ROUTE_NOT_FOUND" });
    }
    for (const path of ["/nope", "/api/v2/bucket", "/api/bucket"]) {
      const response = await fetch(`${server.url}${path}`, { headers: { "x-api-key": server.apiKey } });
      expectError(await read(response), 404, { code: "ROUTE_NOT_FOUND" });
    }
  });

  it("answers an unknown route without a key with a JSON 401 or 404 (contract silent)", async () => {
    const result = await read(server.api("/nope", { apiKey: null }));
    expect([401, 404]).toContain(result.status);
    expect(typeof result.body.message).toBe("string");
    expect(typeof result.body.code).toBe("string");
  });

  // BUG (documented): fastify's maxParamLength (100) answers long ids with a 414 and its own body,
  // bypassing the error handler (no x-request-id, code FST_ERR_MAX_PARAM_LENGTH) instead of D2's 400.
  it("answers an over-long id as a malformed id: 400 { message, code } with x-request-id", async () => {
    for (const path of [
      `/bucket/${"1".repeat(200)}`,
      `/group/${"9".repeat(150)}`,
      `/apikey/${"a".repeat(150)}`,
    ]) {
      const response = await server.api(path, { method: path.startsWith("/apikey") ? "DELETE" : "GET" });
      const requestId = response.headers.get("x-request-id");
      const result = await read(response);
      expect(result.status, `${path}: ${JSON.stringify(result.body)}`).toBe(
        path.startsWith("/apikey") ? 404 : 400,
      );
      expect(Object.keys(result.body).sort(), path).toEqual(["code", "message"]);
      expect(requestId, path).not.toBeNull();
    }
  });

  it("never answers 409, 429 or 5xx to bad inputs", async () => {
    const uuid = newUuid();
    const probes: [string, string, unknown?][] = [
      ["GET", "/bucket?n=-5"],
      ["GET", "/bucket?n=1e9"],
      ["GET", "/bucket?n="],
      ["GET", "/bucket?n=1&n=2"],
      ["GET", "/bucket?nextToken="],
      ["GET", `/bucket?nextToken=${"A".repeat(5000)}`],
      ["GET", "/group?nextToken=%00"],
      ["GET", "/bucket/99999999999999999999"],
      ["GET", "/bucket/%00"],
      ["GET", `/bucket/${encodeURIComponent("é")}`],
      ["GET", `/bucket/${uuid}`],
      ["GET", `/group/${uuid}`],
      ["PUT", `/bucket/${bucketId}`, { newName: 5 }],
      ["PUT", `/bucket/${bucketId}`, { name: "wrong field" }],
      ["POST", `/group/${groupId}/bucket/${uuid}`],
      ["DELETE", `/group/${uuid}/bucket/${bucketId}`],
      ["GET", "/customer/usage?metric=searches&startTime=2020-01-01T00:00:00Z&endTime=2020-13-01T00:00:00Z"],
      ["GET", "/customer/usage?metric[]=searches"],
      ["GET", "/workflow/not-a-uuid"],
      ["GET", `/workflow/${uuid}`],
      ["PUT", `/workflow/${uuid}`, { name: "x" }],
      ["DELETE", `/workflow/${uuid}`],
      ["POST", "/workflow/relationship", { workflowId: "nope" }],
      ["POST", `/workflow/relationship/${bucketId}`, {}],
      ["POST", "/workflow", { steps: { "not-a-step": {} } }],
      ["POST", "/workflow", { template: { KEY: 5 } }],
      ["POST", "/apikey", { name: ["array"] }],
      ["PUT", `/apikey/${uuid}`, { name: "x" }],
      ["DELETE", `/apikey/${uuid}`],
      ["DELETE", `/apikey/${server.apiKey}`], // the last key of the account
      ["GET", "/health/%20"],
    ];
    for (const [method, path, json] of probes) {
      const result = await call(server, path, { method, ...(json !== undefined ? { json } : {}) });
      expectNoRetryableStatus(
        result.status,
        `${method} ${path} → ${result.status} ${JSON.stringify(result.body)}`,
      );
      expect(typeof result.body?.message, `${method} ${path}`).toBe("string");
      expect(typeof result.body?.code, `${method} ${path}`).toBe("string");
    }
    // the last key survived
    expect((await call(server, "/bucket")).status).toBe(200);
  });

  it("answers repeated deletes and re-adds without 409", async () => {
    const { bucket } = await client.buckets.create({ name: "twice" });
    const { group } = await client.groups.create({ name: "twice" });
    expect(
      (await call(server, `/group/${group.groupId}/bucket/${bucket.bucketId}`, { method: "POST" })).status,
    ).toBe(200);
    expect(
      (await call(server, `/group/${group.groupId}/bucket/${bucket.bucketId}`, { method: "POST" })).status,
    ).toBe(200);
    expect((await call(server, `/group/${group.groupId}`, { method: "DELETE" })).status).toBe(200);
    expectError(await call(server, `/group/${group.groupId}`, { method: "DELETE" }), 404);
    expect((await call(server, `/bucket/${bucket.bucketId}`, { method: "DELETE" })).status).toBe(200);
    expectError(await call(server, `/bucket/${bucket.bucketId}`, { method: "DELETE" }), 404);
    const workflow = await call(server, "/workflow", { method: "POST", json: { name: "twice" } });
    const workflowId = workflow.body.workflow.workflowId;
    expect((await call(server, `/workflow/${workflowId}`, { method: "DELETE" })).status).toBe(200);
    expectError(await call(server, `/workflow/${workflowId}`, { method: "DELETE" }), 404, {
      code: "WORKFLOW_NOT_FOUND",
    });
  });
});

describe("body size limit (D13)", () => {
  let small: TestServer;

  beforeAll(async () => {
    small = await startTestServer({ OPENGROUND_MAX_JSON_BYTES: "2048" });
  });

  afterAll(async () => {
    await small?.close();
  });

  it("answers a 10 KB body with 413 PAYLOAD_TOO_LARGE and creates nothing", async () => {
    const json = { name: "big", padding: "x".repeat(10 * 1024) };
    const result = await read(small.api("/bucket", { method: "POST", json }));
    expectError(result, 413, { code: "PAYLOAD_TOO_LARGE" });
    const list = await read(small.api("/bucket"));
    expect(list.body.total).toBe(0);
  });

  it("accepts a body under the limit", async () => {
    const json = { name: "small enough", padding: "x".repeat(1024) };
    const result = await read(small.api("/bucket", { method: "POST", json }));
    expect(result.status).toBe(200);
    expect(result.body.bucket.name).toBe("small enough");
  });
});

describe("x-request-id", () => {
  it("is present on success, client-error and auth-error responses, and unique", async () => {
    const ids = new Set<string>();
    for (const response of [
      await server.api("/bucket"),
      await server.api("/bucket/abc"),
      await server.api("/bucket", { apiKey: null }),
      await server.api("/nope"),
      await fetch(`${server.url}/health`),
    ]) {
      const id = response.headers.get("x-request-id");
      expect(id, `${response.url} ${response.status}`).toMatch(UUID_V4);
      ids.add(id as string);
      await response.body?.cancel();
    }
    expect(ids.size).toBe(5);
  });

  it("echoes a given x-request-id", async () => {
    for (const [path, apiKey] of [
      ["/bucket", undefined],
      ["/bucket", null],
      ["/bucket/abc", undefined],
    ] as const) {
      const given = `trace-${newUuid()}`;
      const response = await server.api(path, { headers: { "x-request-id": given }, apiKey });
      expect(response.headers.get("x-request-id")).toBe(given);
      await response.body?.cancel();
    }
  });
});

describe("tenant isolation (§1.2, D2)", () => {
  let other: { apiKey: string; client: Client };
  let a: { bucketId: number; memberId: number; groupId: number; workflowId: string; keyCount: number };
  let b: { bucketId: number; groupId: number; workflowId: string };

  beforeAll(async () => {
    const bucketId = (await client.buckets.create({ name: "A bucket" })).bucket.bucketId;
    const { group } = await client.groups.create({ name: "A group", bucketName: "A member" });
    const memberId = group.buckets?.[0]?.bucketId as number;
    const workflow = await call(server, "/workflow", { method: "POST", json: { name: "w" } });
    expect(workflow.status, JSON.stringify(workflow.body)).toBe(200);
    const workflowId = workflow.body.workflow.workflowId as string;
    expect(workflowId).toMatch(UUID_V4);
    const assigned = await call(server, `/workflow/relationship/${bucketId}`, {
      method: "POST",
      json: { workflowId },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const keyCount = (await call(server, "/apikey")).body.apiKeys.length;
    a = { bucketId, memberId, groupId: group.groupId, workflowId, keyCount };

    other = await server.newAccount();
    const bBucket = (await other.client.buckets.create({ name: "B bucket" })).bucket.bucketId;
    const bGroup = (await other.client.groups.create({ name: "B group" })).group.groupId;
    const bWorkflow = await call(server, "/workflow", {
      method: "POST",
      json: { name: "b" },
      apiKey: other.apiKey,
    });
    b = { bucketId: bBucket, groupId: bGroup, workflowId: bWorkflow.body.workflow.workflowId };
  });

  const asB = (path: string, init: Parameters<TestServer["api"]>[1] = {}) =>
    call(server, path, { ...init, apiKey: other.apiKey });

  it("B gets 404 on get/update/delete of A's buckets", async () => {
    for (const id of [a.bucketId, a.memberId]) {
      expectError(await asB(`/bucket/${id}`), 404, { code: "BUCKET_NOT_FOUND" });
      expectError(await asB(`/bucket/${id}`, { method: "PUT", json: { newName: "hijacked" } }), 404, {
        code: "BUCKET_NOT_FOUND",
      });
      expectError(await asB(`/bucket/${id}`, { method: "DELETE" }), 404, { code: "BUCKET_NOT_FOUND" });
      expect((await sdkError(other.client.buckets.get(id))).status).toBe(404);
    }
  });

  it("B gets 404 on get/update/delete of A's group", async () => {
    expectError(await asB(`/group/${a.groupId}`), 404, { code: "GROUP_NOT_FOUND" });
    expectError(await asB(`/group/${a.groupId}`, { method: "PUT", json: { newName: "hijacked" } }), 404, {
      code: "GROUP_NOT_FOUND",
    });
    expectError(await asB(`/group/${a.groupId}`, { method: "DELETE" }), 404, { code: "GROUP_NOT_FOUND" });
    expect((await sdkError(other.client.groups.get(a.groupId))).status).toBe(404);
  });

  it("B gets 404 adding or removing buckets across accounts", async () => {
    for (const method of ["POST", "DELETE"]) {
      expectError(await asB(`/group/${a.groupId}/bucket/${a.memberId}`, { method }), 404, {
        code: "GROUP_NOT_FOUND",
      });
      expectError(await asB(`/group/${a.groupId}/bucket/${b.bucketId}`, { method }), 404, {
        code: "GROUP_NOT_FOUND",
      });
      expectError(await asB(`/group/${b.groupId}/bucket/${a.bucketId}`, { method }), 404, {
        code: "BUCKET_NOT_FOUND",
      });
    }
    expect((await sdkError(other.client.groups.addBucket(b.groupId, a.bucketId))).status).toBe(404);
    expect((await other.client.groups.get(b.groupId)).group.buckets).toEqual([]);
  });

  it("B gets 404 on A's workflow and on A's workflow relationships", async () => {
    expectError(await asB(`/workflow/${a.workflowId}`), 404, { code: "WORKFLOW_NOT_FOUND" });
    expectError(await asB(`/workflow/${a.workflowId}`, { method: "PUT", json: { name: "hijacked" } }), 404, {
      code: "WORKFLOW_NOT_FOUND",
    });
    expectError(await asB(`/workflow/${a.workflowId}`, { method: "DELETE" }), 404, {
      code: "WORKFLOW_NOT_FOUND",
    });
    // A's bucket/group as a workflow lookup id
    expectError(await asB(`/workflow/${a.bucketId}`), 404);
    expectError(await asB(`/workflow/${a.groupId}`), 404);
    // B's workflow onto A's bucket, A's workflow onto B's bucket or B's account
    expectError(
      await asB(`/workflow/relationship/${a.bucketId}`, {
        method: "POST",
        json: { workflowId: b.workflowId },
      }),
      404,
    );
    expectError(
      await asB(`/workflow/relationship/${b.bucketId}`, {
        method: "POST",
        json: { workflowId: a.workflowId },
      }),
      404,
      { code: "WORKFLOW_NOT_FOUND" },
    );
    expectError(
      await asB("/workflow/relationship", { method: "POST", json: { workflowId: a.workflowId } }),
      404,
      {
        code: "WORKFLOW_NOT_FOUND",
      },
    );
    expectError(await asB(`/workflow/relationship/${a.bucketId}`, { method: "DELETE" }), 404);
  });

  it("B never sees A's buckets, groups, workflows or keys in its lists", async () => {
    const buckets = await asB("/bucket?n=100");
    expect(buckets.body.buckets.map((x: Json) => x.bucketId)).toEqual([b.bucketId]);
    expect(buckets.body.total).toBe(1);
    const groups = await asB("/group?n=100");
    expect(groups.body.groups.map((x: Json) => x.groupId)).toEqual([b.groupId]);
    expect(groups.body.total).toBe(1);
    const workflows = await asB("/workflow");
    expect(workflows.body.workflows.map((x: Json) => x.workflowId)).toEqual([b.workflowId]);
    const keys = await asB("/apikey");
    expect(keys.body.apiKeys).toHaveLength(1);
    expect(keys.body.apiKeys[0].apiKey).toBe(`${other.apiKey.slice(0, 8)}…`);
    expectError(await asB("/workflow/relationship"), 404, { code: "WORKFLOW_NOT_FOUND" });
  });

  it("A's resources are unchanged afterwards", async () => {
    expect((await client.buckets.get(a.bucketId)).bucket.name).toBe("A bucket");
    const { group } = await client.groups.get(a.groupId);
    expect(group.name).toBe("A group");
    expect(group.buckets?.map((x) => x.bucketId)).toEqual([a.memberId]);
    expect(group.buckets?.[0]?.name).toBe("A member");

    const workflow = await call(server, `/workflow/${a.workflowId}`);
    expect(workflow.status).toBe(200);
    expect(workflow.body.workflow).toMatchObject({ workflowId: a.workflowId, name: "w" });
    expect(workflow.body.workflow.relationships.ids).toEqual([a.bucketId]);
    const byBucket = await call(server, `/workflow/${a.bucketId}`);
    expect(byBucket.body.workflow).toMatchObject({ workflowId: a.workflowId, id: a.bucketId });

    const keys = await call(server, "/apikey");
    expect(keys.body.apiKeys).toHaveLength(a.keyCount);
  });
});
