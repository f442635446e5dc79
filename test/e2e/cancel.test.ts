/**
 * Cancelling a process (CONTRACT.md §4.15, D10): a 30-document local ingest on a
 * single worker, cancelled right after submission.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestServer, type TestServer } from "../helpers/server.js";
import {
  expectFullStatus,
  type FullIngestStatus,
  full,
  multipart,
  PROGRESS_KEYS,
  readJson,
  sample,
  scifact,
  sleep,
  waitForProcess,
} from "./support.js";

const DOCUMENTS = 30;

let server: TestServer;
let client: Client;
let bucketId: number;

beforeAll(async () => {
  // No embedder: this test is about cancellation timing, not vectors.
  server = await startTestServer({ OPENGROUND_WORKERS: "1", OPENGROUND_EMBEDDER: "none" });
  client = server.client();
  bucketId = (await client.buckets.create({ name: "cancel" })).bucket.bucketId;
});

afterAll(async () => {
  await server?.close();
});

describe("cancelProcess (§4.15)", () => {
  it("cancels every document that has not finished; finished ones stay complete", async () => {
    // 30 distinct documents: abstract i, repeated 50 times (~75 KB each), so none is a cache hit.
    // Sent as hand-built multipart (metadata as text fields, §4.2): the SDK's client.ingest sends
    // metadata as file parts and is refused above 25 files (see ingest-sdk.test.ts).
    const abstracts = scifact(DOCUMENTS);
    const form = multipart(
      abstracts.map((a, i) => {
        const body = Array.from({ length: 50 }, (_, k) => `Part ${k + 1}. ${a.title}\n\n${a.text}\n`).join(
          "\n",
        );
        return {
          name: `abstract-${String(i).padStart(2, "0")}-${a.id}.txt`,
          bytes: new TextEncoder().encode(`Document ${i}: ${a.title}\n\n${body}`),
          type: "text/plain",
          metadata: { bucketId },
        };
      }),
    );
    const submitted = await readJson<{ ingest: { processId: string; status: string } }>(
      server.api("/ingest/documents/local", { method: "POST", body: form }),
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const processId = submitted.body.ingest.processId;
    const cancelled = full((await client.documents.cancelProcess(processId)).ingest);

    expectFullStatus(cancelled, processId);
    expect(cancelled.status).toBe("cancelled");
    const totalOf = (s: FullIngestStatus) =>
      PROGRESS_KEYS.reduce((sum, key) => sum + s.progress[key].total, 0);
    expect(totalOf(cancelled)).toBe(DOCUMENTS);
    expect(cancelled.progress.queued.total).toBe(0);
    expect(cancelled.progress.processing.total).toBe(0);
    for (const doc of cancelled.progress.cancelled.documents) {
      expect(doc.status).toBe("cancelled");
      expect(doc.bucketId).toBe(bucketId);
      expect(doc.fileName).toMatch(/^abstract-\d\d-/);
    }

    // Let the worker finish whatever it held when the cancel arrived: nothing may flip to complete.
    await sleep(2500);
    const final = await waitForProcess(client, processId);
    expectFullStatus(final, processId);
    expect(final.status).toBe("cancelled");
    expect(final.progress.errors.total).toBe(0);
    expect(final.progress.cancelled.total + final.progress.complete.total).toBe(DOCUMENTS);
    expect(final.progress.cancelled.total).toBeGreaterThan(0);
    expect(final.progress.cancelled.total).toBe(cancelled.progress.cancelled.total);
    const cancelledIds = new Set(final.progress.cancelled.documents.map((d) => d.documentId));
    const completeIds = new Set(final.progress.complete.documents.map((d) => d.documentId));

    // lookup and list agree with the process: no cancelled document is complete.
    const lookedUp =
      (await client.documents.lookup(processId as unknown as number, { n: 100 })).documents ?? [];
    expect(lookedUp).toHaveLength(DOCUMENTS);
    for (const doc of lookedUp) {
      if (cancelledIds.has(doc.documentId)) expect(doc.status, doc.fileName).toBe("cancelled");
      else expect(completeIds.has(doc.documentId) && doc.status === "complete", doc.fileName).toBe(true);
    }
    const listedComplete = (await client.documents.list({ n: 100, status: "complete" })).documents ?? [];
    for (const doc of listedComplete) expect(cancelledIds.has(doc.documentId)).toBe(false);
    expect(listedComplete).toHaveLength(completeIds.size);
    const listedCancelled = (await client.documents.list({ n: 100, status: "cancelled" })).documents ?? [];
    expect(new Set(listedCancelled.map((d) => d.documentId))).toEqual(cancelledIds);

    // Cancelled documents have no X-Ray; complete ones do.
    for (const id of [...cancelledIds].slice(0, 10)) {
      const xray = await server.api(`/ingest/document/xray/${id}`);
      expect(xray.status).toBe(404);
      const got = (await client.documents.get(id)).document;
      expect(got?.status).toBe("cancelled");
      expect(got?.xrayUrl).toBeUndefined();
    }
    for (const id of completeIds) expect((await server.api(`/ingest/document/xray/${id}`)).status).toBe(200);

    // The process list shows it as cancelled.
    const processes = (await client.documents.getProcesses({ status: "cancelled" })).processes;
    expect(processes.map((p) => p.processId)).toContain(processId);

    // Cancelling again returns the same state.
    const again = full((await client.documents.cancelProcess(processId)).ingest);
    expect(again.status).toBe("cancelled");
    expect(again.progress.cancelled.total).toBe(final.progress.cancelled.total);
    expect(again.progress.complete.total).toBe(final.progress.complete.total);
  });

  it("cancelling a finished process returns it unchanged", async () => {
    const submitted = await client.ingest([{ bucketId, filePath: sample("fake-text.txt") }]);
    const done = await waitForProcess(client, submitted.ingest.processId);
    expect(done.status).toBe("complete");
    const after = full((await client.documents.cancelProcess(submitted.ingest.processId)).ingest);
    expectFullStatus(after, submitted.ingest.processId);
    expect(after.status).toBe("complete");
    expect(after.id).toBe(done.id);
    expect(after.progress.complete.total).toBe(1);
    expect(after.progress.cancelled.total).toBe(0);
    const documentId = after.progress.complete.documents[0]?.documentId ?? "";
    expect((await client.documents.get(documentId)).document?.status).toBe("complete");
    const xray = await readJson<{ fileName: string }>(server.api(`/ingest/document/xray/${documentId}`));
    expect(xray.status).toBe(200);
    expect(xray.body.fileName).toBe("fake-text.txt");
    const status = full((await client.documents.getProcessingStatusById(submitted.ingest.processId)).ingest);
    expect(status.status).toBe("complete");
  });
});
