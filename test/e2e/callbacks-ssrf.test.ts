/**
 * Outbound requests: ingest callbacks received by a local HTTP server (D6, §13)
 * and the SSRF guard of remote ingest and callbacks with the default
 * configuration, where private addresses are refused.
 */
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestServer, type TestServer } from "../helpers/server.js";
import {
  type DocumentDetail,
  type FullIngestStatus,
  type LocalServer,
  multipart,
  type RecordedRequest,
  readJson,
  sample,
  serveFile,
  sleep,
  startLocalServer,
  waitForProcess,
} from "./support.js";

interface CallbackBody {
  ingest: FullIngestStatus;
  document?: DocumentDetail;
  callbackData?: string;
}

const CALLBACK_DATA = JSON.stringify({ job: 42, note: 'échos ✓ "quoted"', nested: { a: [1, 2] } });

const ok = (_request: RecordedRequest, response: http.ServerResponse) => {
  response.writeHead(200, { "content-type": "application/json" }).end("{}");
};

const callbacksOf = (local: LocalServer, route = "/callback"): RecordedRequest[] =>
  local.requests.filter((r) => new URL(r.url, "http://x").pathname === route);

/** Wait until `count` callbacks arrived, then a little longer to catch duplicates. */
async function waitForCallbacks(
  local: LocalServer,
  count: number,
  route = "/callback",
): Promise<CallbackBody[]> {
  const deadline = Date.now() + 8_000;
  while (callbacksOf(local, route).length < count && Date.now() < deadline) await sleep(50);
  await sleep(700);
  return callbacksOf(local, route).map((r) => JSON.parse(r.body.toString("utf8")) as CallbackBody);
}

describe("callbacks (D6) with OPENGROUND_ALLOW_PRIVATE_NETWORK=true", () => {
  let server: TestServer;
  let client: Client;
  let local: LocalServer;
  let bucketId: number;

  beforeAll(async () => {
    server = await startTestServer({ OPENGROUND_ALLOW_PRIVATE_NETWORK: "true" });
    client = server.client();
    local = await startLocalServer({
      "/callback": ok,
      "/update-callback": ok,
      "/local-callback": ok,
      "/fake-text.txt": serveFile(sample("fake-text.txt"), { "content-type": "text/plain" }),
      "/norwich-city.txt": serveFile(sample("norwich-city.txt"), { "content-type": "text/plain" }),
    });
    bucketId = (await client.buckets.create({ name: "callbacks" })).bucket.bucketId;
  });

  afterAll(async () => {
    await server?.close();
    await local?.close();
  });

  it("POSTs once per terminal document plus once for the process, echoing callbackData", async () => {
    const response = await client.documents.ingestRemote({
      documents: [
        { bucketId, sourceUrl: `${local.url}/fake-text.txt` },
        { bucketId, sourceUrl: `${local.url}/norwich-city.txt` },
        { bucketId, sourceUrl: `${local.url}/gone.txt` },
      ],
      callbackUrl: `${local.url}/callback?token=abc`,
      callbackData: CALLBACK_DATA,
    });
    const processId = response.ingest.processId;
    const status = await waitForProcess(client, processId);
    expect(status.status).toBe("complete");
    const documentIds = [...status.progress.complete.documents, ...status.progress.errors.documents].map(
      (d) => d.documentId,
    );
    expect(documentIds).toHaveLength(3);

    const bodies = await waitForCallbacks(local, 4);
    const requests = callbacksOf(local);
    expect(requests).toHaveLength(4);
    for (const request of requests) {
      expect(request.method).toBe("POST");
      expect(request.url).toBe("/callback?token=abc");
      expect(request.headers["content-type"]).toMatch(/^application\/json/);
    }
    for (const body of bodies) {
      expect(body.callbackData).toBe(CALLBACK_DATA);
      expect(body.ingest.processId).toBe(processId);
      expect(typeof body.ingest.status).toBe("string");
    }

    const perDocument = bodies.filter((b) => b.document !== undefined);
    expect(perDocument).toHaveLength(3);
    expect(perDocument.map((b) => b.document?.documentId).sort()).toEqual([...documentIds].sort());
    const byName = new Map(perDocument.map((b) => [b.document?.fileName, b.document]));
    expect(byName.get("fake-text.txt")?.status).toBe("complete");
    expect(byName.get("norwich-city.txt")?.status).toBe("complete");
    expect(byName.get("gone.txt")?.status).toBe("error");
    expect(byName.get("gone.txt")?.statusMessage).toMatch(/404/);
    expect(byName.get("fake-text.txt")?.bucketId).toBe(bucketId);
    // No document content in a callback.
    expect(JSON.stringify(perDocument)).not.toContain("Hamburgers");

    const perProcess = bodies.filter((b) => b.document === undefined);
    expect(perProcess).toHaveLength(1);
    const final = perProcess[0]?.ingest;
    expect(final?.status).toBe("complete");
    expect(final?.progress.complete.total).toBe(2);
    expect(final?.progress.errors.total).toBe(1);
    expect(final?.progress.queued.total).toBe(0);
    expect(final?.progress.processing.total).toBe(0);
  });

  it("sends callbacks for a document update (§4.5)", async () => {
    const documentId = (await client.documents.lookup(bucketId, { n: 1, status: "complete" })).documents?.[0]
      ?.documentId;
    expect(documentId).toBeDefined();
    const updated = await readJson<{ ingest: { processId: string } }>(
      server.api("/ingest/documents", {
        method: "PUT",
        json: {
          documents: [{ documentId, searchData: { updated: true } }],
          callbackUrl: `${local.url}/update-callback`,
          callbackData: "update-42",
        },
      }),
    );
    expect(updated.status).toBe(200);
    await waitForProcess(client, updated.body.ingest.processId);
    const bodies = await waitForCallbacks(local, 2, "/update-callback");
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body.callbackData).toBe("update-42");
      expect(body.ingest.processId).toBe(updated.body.ingest.processId);
    }
    expect(bodies.filter((b) => b.document?.documentId === documentId)).toHaveLength(1);
  });

  it("sends callbacks for local multipart ingest when callbackUrl is a form field (D6)", async () => {
    const form = multipart(
      [
        {
          name: "note.txt",
          bytes: new TextEncoder().encode("A short note about callbacks."),
          metadata: { bucketId },
        },
      ],
      { callbackUrl: `${local.url}/local-callback`, callbackData: "local-7" },
    );
    const submitted = await readJson<{ ingest: { processId: string } }>(
      server.api("/ingest/documents/local", { method: "POST", body: form }),
    );
    expect(submitted.status).toBe(200);
    const status = await waitForProcess(client, submitted.body.ingest.processId);
    expect(status.status).toBe("complete");
    const bodies = await waitForCallbacks(local, 2, "/local-callback");
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(body.callbackData).toBe("local-7");
    expect(bodies.filter((b) => b.document?.fileName === "note.txt")).toHaveLength(1);
  });
});

describe("SSRF guard with the default configuration (private network not allowed)", () => {
  let server: TestServer;
  let client: Client;
  let local: LocalServer;

  beforeAll(async () => {
    server = await startTestServer();
    client = server.client();
    local = await startLocalServer({
      "/x.txt": serveFile(sample("fake-text.txt"), { "content-type": "text/plain" }),
      "/callback": ok,
    });
  });

  afterAll(async () => {
    await server?.close();
    await local?.close();
  });

  it("refuses to download from private addresses and sends no callback to them", async () => {
    const bucketId = (await client.buckets.create({ name: "ssrf" })).bucket.bucketId;
    const targets = [
      {
        url: `http://127.0.0.1:${local.port}/a.txt`,
        name: "a.txt",
        address: "127.0.0.1",
        reason: /loopback/,
      },
      {
        url: "http://169.254.169.254/latest/meta-data",
        name: "meta-data",
        address: "169.254.169.254",
        reason: /metadata|link-local/,
      },
      { url: "http://10.0.0.1/x", name: "x", address: "10.0.0.1", reason: /private/ },
      {
        url: `http://localhost:${local.port}/b.txt`,
        name: "b.txt",
        address: "localhost",
        reason: /loopback/,
      },
    ];
    const response = await client.documents.ingestRemote({
      documents: targets.map((t) => ({ bucketId, sourceUrl: t.url })),
      callbackUrl: `${local.url}/callback`,
      callbackData: "must-not-arrive",
    });
    const status = await waitForProcess(client, response.ingest.processId);
    expect(status.status).toBe("error");
    expect(status.progress.errors.total).toBe(targets.length);
    const documents = status.progress.errors.documents;
    for (const target of targets) {
      const doc = documents.find((d) => d.fileName === target.name);
      expect(doc, `${target.url}: ${JSON.stringify(documents.map((d) => d.fileName))}`).toBeDefined();
      expect(doc?.status).toBe("error");
      expect(doc?.statusMessage, target.url).toContain(target.address);
      expect(doc?.statusMessage, target.url).toMatch(target.reason);
      expect(doc?.statusMessage, target.url).toMatch(/private/);
    }
    // Give a callback (which must not be sent) time to arrive.
    await sleep(1500);
    expect(local.requests).toEqual([]);
  });

  it("a callbackUrl on 127.0.0.1 receives nothing even when the document completes", async () => {
    const bucketId = (await client.buckets.create({ name: "ssrf-callback" })).bucket.bucketId;
    const form = multipart(
      [
        {
          name: "ok.txt",
          bytes: new TextEncoder().encode("Plain text that ingests fine."),
          metadata: { bucketId },
        },
      ],
      {
        callbackUrl: `${local.url}/callback`,
      },
    );
    const submitted = await readJson<{ ingest: { processId: string } }>(
      server.api("/ingest/documents/local", { method: "POST", body: form }),
    );
    expect(submitted.status).toBe(200);
    expect((await waitForProcess(client, submitted.body.ingest.processId)).status).toBe("complete");

    const before = local.requests.length;
    const documentId = (await client.documents.lookup(bucketId)).documents?.[0]?.documentId;
    const updated = await readJson<{ ingest: { processId: string } }>(
      server.api("/ingest/documents", {
        method: "PUT",
        json: { documents: [{ documentId, fileName: "renamed.txt" }], callbackUrl: `${local.url}/callback` },
      }),
    );
    expect(updated.status).toBe(200);
    expect((await waitForProcess(client, updated.body.ingest.processId)).status).toBe("complete");
    await sleep(1500);
    expect(local.requests.length).toBe(before);
    expect(local.requests).toEqual([]);
    // The server is unaffected.
    expect((await client.documents.get(documentId ?? "")).document?.fileName).toBe("renamed.txt");
  });
});
