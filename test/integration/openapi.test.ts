import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("OpenAPI document", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it("describes every route of CONTRACT.md §4, §6 and §7–§12 without authentication", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.ApiKey).toEqual({
      type: "apiKey",
      in: "header",
      name: "X-API-Key",
    });
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const expected = [
      "GET /api/v1/bucket",
      "POST /api/v1/bucket",
      "GET /api/v1/bucket/{bucketId}",
      "PUT /api/v1/bucket/{bucketId}",
      "DELETE /api/v1/bucket/{bucketId}",
      "GET /api/v1/group",
      "POST /api/v1/group",
      "GET /api/v1/group/{groupId}",
      "PUT /api/v1/group/{groupId}",
      "DELETE /api/v1/group/{groupId}",
      "POST /api/v1/group/{groupId}/bucket/{bucketId}",
      "DELETE /api/v1/group/{groupId}/bucket/{bucketId}",
      "GET /api/v1/workflow",
      "POST /api/v1/workflow",
      "POST /api/v1/workflow/validate",
      "GET /api/v1/workflow/relationship",
      "POST /api/v1/workflow/relationship",
      "DELETE /api/v1/workflow/relationship",
      "POST /api/v1/workflow/relationship/{id}",
      "DELETE /api/v1/workflow/relationship/{id}",
      "GET /api/v1/workflow/{id}",
      "PUT /api/v1/workflow/{id}",
      "DELETE /api/v1/workflow/{id}",
      "GET /api/v1/customer",
      "GET /api/v1/customer/usage",
      "GET /api/v1/apikey",
      "POST /api/v1/apikey",
      "PUT /api/v1/apikey/{apiKey}",
      "DELETE /api/v1/apikey/{apiKey}",
      "GET /api/v1/health",
      "GET /api/v1/health/{service}",
      "POST /api/v1/ingest/documents/remote",
      "POST /api/v1/ingest/documents/local",
      "POST /api/v1/ingest/documents/website",
      "GET /api/v1/ingest/documents",
      "PUT /api/v1/ingest/documents",
      "DELETE /api/v1/ingest/documents",
      "GET /api/v1/ingest/documents/{id}",
      "GET /api/v1/ingest/document/{documentId}",
      "DELETE /api/v1/ingest/document/{documentId}",
      "GET /api/v1/ingest/document/xray/{documentId}",
      "GET /api/v1/ingest/document/extract/{documentId}",
      "POST /api/v1/ingest/copy",
      "GET /api/v1/ingest",
      "GET /api/v1/ingest/{processId}",
      "DELETE /api/v1/ingest/{processId}",
      "POST /api/v1/search/{id}",
      "POST /api/v1/search/documents",
    ];
    expect(routes.sort()).toEqual(expected.sort());
    // Request schemas come from the same TypeBox schemas that validate requests.
    expect(JSON.stringify(doc.paths["/api/v1/workflow"]?.post?.requestBody)).toContain("chunkStrategy");
    expect(JSON.stringify(doc.paths["/api/v1/bucket"]?.get?.parameters)).toContain("nextToken");
  });
});
