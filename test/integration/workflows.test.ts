import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, sdkError, startTestServer, type TestServer } from "../helpers/server.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("workflows through the official SDK", () => {
  let server: TestServer;
  let client: Client;

  beforeAll(async () => {
    server = await startTestServer();
    client = server.client();
  });
  afterAll(async () => server.close());

  const fullRequest = {
    name: "contracts",
    chunkStrategy: "size" as const,
    steps: {
      "doc-summary": {
        all: { engine: { service: "openai" as const, engineID: "gpt-4o-mini", apiKey: "sk-test" } },
      },
      "chunk-instruct": {
        table: { prompt: { task: { prompt: "Describe the table", role: "system" as const } } },
        figure: null,
      },
      "sect-summary": null,
    },
    extract: { "Invoice Fields": { total: { type: "number" } }, list: [1, "two", null] },
  };

  it("creates a workflow and reads it back field by field", async () => {
    const { workflow } = await client.workflows.create(fullRequest as never);
    expect(workflow.workflowId).toMatch(UUID);
    expect(workflow.name).toBe("contracts");
    expect(workflow.chunkStrategy).toBe("size");
    // service "openai" pre-fills baseURL (§9.3); nulls that disable steps are kept (§9.4).
    expect(workflow.steps).toEqual({
      "doc-summary": {
        all: {
          engine: {
            service: "openai",
            engineID: "gpt-4o-mini",
            apiKey: "sk-test",
            baseURL: "https://api.openai.com/v1",
          },
        },
      },
      "chunk-instruct": {
        table: { prompt: { task: { prompt: "Describe the table", role: "system" } } },
        figure: null,
      },
      "sect-summary": null,
    });
    // extract is stored verbatim.
    expect(workflow.extract).toEqual(fullRequest.extract);
    expect(workflow.relationships).toEqual({ account: false, documents: [], ids: [] });
    const updatedAt = (workflow as { updatedAt?: string }).updatedAt ?? "";
    expect(new Date(updatedAt).toISOString()).toBe(updatedAt);

    const { workflow: fetched } = await client.workflows.get(workflow.workflowId ?? "");
    expect(fetched).toEqual(workflow);
  });

  it("lists summary rows only", async () => {
    const { workflow } = await client.workflows.create({ name: "listed" });
    const { workflows } = await client.workflows.list();
    const row = workflows.find((w) => w.workflowId === workflow.workflowId);
    expect(row).toEqual({
      workflowId: workflow.workflowId,
      name: "listed",
      relationships: { account: false, documents: [], ids: [] },
      updatedAt: (workflow as { updatedAt?: string }).updatedAt,
    });
    expect(workflows.every((w) => w.steps === undefined && w.extract === undefined)).toBe(true);
  });

  it("relates workflows to the account, buckets and groups", async () => {
    const { workflow } = await client.workflows.create({ name: "related" });
    const id = workflow.workflowId ?? "";
    const { bucket } = await client.buckets.create({ name: "wf-bucket" });
    const { group } = await client.groups.create({ name: "wf-group" });

    // Nothing assigned yet → 404.
    expect((await sdkError(client.workflows.get(bucket.bucketId))).status).toBe(404);

    expect((await client.workflows.addToId(bucket.bucketId, { workflowId: id })).message).toEqual(
      expect.any(String),
    );
    await client.workflows.addToId(group.groupId, { workflowId: id });
    await client.workflows.addToAccount({ workflowId: id });

    const byBucket = (await client.workflows.get(bucket.bucketId)).workflow;
    expect(byBucket.workflowId).toBe(id);
    expect(byBucket.id).toBe(bucket.bucketId);
    expect(byBucket.relationships).toEqual({
      account: true,
      documents: [],
      ids: [bucket.bucketId, group.groupId].sort((a, b) => a - b),
    });
    expect((await client.workflows.get(group.groupId)).workflow.id).toBe(group.groupId);
    expect((await client.workflows.getAccount()).workflow.workflowId).toBe(id);

    await client.workflows.removeFromAccount();
    expect((await sdkError(client.workflows.getAccount())).status).toBe(404);
    await client.workflows.removeFromAccount(); // idempotent
    await client.workflows.removeFromId(bucket.bucketId);
    expect((await sdkError(client.workflows.get(bucket.bucketId))).status).toBe(404);
    expect((await client.workflows.get(id)).workflow.relationships?.ids).toEqual([group.groupId]);

    // Unknown bucket/group id, unknown workflow.
    expect((await sdkError(client.workflows.addToId(999_999, { workflowId: id }))).status).toBe(404);
    expect(
      (
        await sdkError(
          client.workflows.addToId(bucket.bucketId, { workflowId: "0b8f2c55-9d1e-4a53-8a9f-0a4c2e6f1d77" }),
        )
      ).status,
    ).toBe(404);
    expect((await sdkError(client.workflows.addToAccount({ workflowId: "not-a-uuid" }))).status).toBe(400);

    // Deleting the workflow drops its relationships.
    await client.workflows.delete(id);
    expect((await sdkError(client.workflows.get(group.groupId))).status).toBe(404);
    expect((await sdkError(client.workflows.get(id))).status).toBe(404);
  });

  it("updates as a complete overlay, merging only the template (§9.4)", async () => {
    const created = await server.api("/workflow", {
      method: "POST",
      json: { name: "v1", steps: { "doc-summary": null }, template: { A: "1", B: "2" } },
    });
    const id = ((await created.json()) as { workflow: { workflowId: string } }).workflow.workflowId;
    const { workflow } = await client.workflows.update(id, { name: "v2", template: { B: "3" } } as never);
    expect(workflow.name).toBe("v2");
    expect(workflow.steps).toBeUndefined();
    expect((workflow as { template?: unknown }).template).toEqual({ A: "1", B: "3" });

    // Omitting template keeps the stored one; a name-only update resets everything else.
    const again = (await client.workflows.update(id, { name: "v3" })).workflow;
    expect(again).toMatchObject({ name: "v3", template: { A: "1", B: "3" } });
    expect((await sdkError(client.workflows.update("0b8f2c55-9d1e-4a53-8a9f-0a4c2e6f1d77", {}))).status).toBe(
      404,
    );
  });

  it("validates without storing and compiles the engine", async () => {
    const before = (await client.workflows.list()).workflows.length;
    const response = await server.api("/workflow/validate", {
      method: "POST",
      json: { name: "dry", steps: { "chunk-summary": { all: { engine: { service: "openai-base64" } } } } },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { workflow: Record<string, unknown> };
    expect(body.workflow).toEqual({
      name: "dry",
      steps: {
        "chunk-summary": {
          all: { engine: { service: "openai-base64", baseURL: "https://api.openai.com/v1" } },
        },
      },
    });
    expect((await client.workflows.list()).workflows.length).toBe(before);

    const bad = await server.api("/workflow/validate", { method: "POST", json: { template: { KEY: 5 } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^template\.KEY:/);
  });

  it("rejects bad workflows with 400 naming the offending path", async () => {
    const cases: [unknown, RegExp][] = [
      [{ steps: { "doc-summary": { all: { field: "nowhere" } } } }, /^steps\.doc-summary\.all\.field:/],
      [{ steps: { "no-such-step": {} } }, /^steps\.no-such-step:/],
      [
        { steps: { "doc-summary": { paragraph: { engine: { service: "skynet" } } } } },
        /^steps\.doc-summary\.paragraph\.engine\.service:/,
      ],
      [{ chunkStrategy: "words" }, /^chunkStrategy:/],
      [{ customSteps: [{ name: "Bad-Name", level: "chunk", kind: "keys" }] }, /^customSteps\[0\]\.name:/],
      [
        { customSteps: [{ name: "doc_total", level: "document", kind: "instruct" }] },
        /^customSteps\[0\]\.kind:/,
      ],
      [{ yaml: "name: x", steps: {} }, /^yaml:/],
    ];
    for (const [body, message] of cases) {
      const response = await server.api("/workflow", { method: "POST", json: body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = (await response.json()) as { message: string; code: string };
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.message, JSON.stringify(body)).toMatch(message);
    }
    const viaSdk = await sdkError(
      client.workflows.create({ steps: { "doc-summary": { all: { field: "x" } } } } as never),
    );
    expect(viaSdk.status).toBe(400);
  });

  it("stores authored YAML verbatim and serves format=yaml and metadataOnly", async () => {
    const yaml = "# authored by hand\nname: from-yaml\nsteps:\n  doc-summary: null\n";
    const created = await server.api("/workflow", { method: "POST", json: { yaml } });
    expect(created.status).toBe(200);
    const { workflow } = (await created.json()) as {
      workflow: { workflowId: string; name: string; steps: unknown };
    };
    expect(workflow).toMatchObject({ name: "from-yaml", steps: { "doc-summary": null } });

    const asYaml = await server.api(`/workflow/${workflow.workflowId}?format=yaml`);
    expect(((await asYaml.json()) as { workflow: { yaml: string } }).workflow.yaml).toBe(yaml);

    const meta = await server.api(`/workflow/${workflow.workflowId}?metadataOnly=true`);
    const metaBody = (await meta.json()) as { workflow: Record<string, unknown> };
    expect(Object.keys(metaBody.workflow).sort()).toEqual([
      "name",
      "relationships",
      "updatedAt",
      "workflowId",
    ]);

    // A JSON-authored workflow gets a generated YAML that compiles back to the same settings.
    const json = await client.workflows.create({
      name: "json-authored",
      steps: { "doc-keys": null },
    } as never);
    const generated = await server.api(`/workflow/${json.workflow.workflowId}?format=yaml`);
    const text = ((await generated.json()) as { workflow: { yaml: string } }).workflow.yaml;
    const recompiled = await server.api("/workflow/validate", { method: "POST", json: { yaml: text } });
    expect(((await recompiled.json()) as { workflow: unknown }).workflow).toEqual({
      name: "json-authored",
      steps: { "doc-keys": null },
    });
  });

  it("answers 400 for malformed ids and 404 for unknown ones", async () => {
    expect((await server.api("/workflow/not-an-id")).status).toBe(400);
    expect((await server.api("/workflow/0b8f2c55-9d1e-4a53-8a9f-0a4c2e6f1d77")).status).toBe(404);
    expect((await server.api("/workflow/424242")).status).toBe(404);
    expect((await server.api("/workflow/123", { method: "DELETE" })).status).toBe(400);
    expect((await server.api("/workflow/relationship/abc", { method: "DELETE" })).status).toBe(400);
  });
});
