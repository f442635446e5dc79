/**
 * Durability: the real CLI server is SIGKILLed in the middle of a 50-document
 * ingest and restarted on the same data directory; every document must end
 * complete exactly once and nothing may stay queued or processing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processDocument } from "../../src/ingest/process.js";
import { DEFAULT_PARSE_LIMITS } from "../../src/ingest/types.js";
import { type Client, freePort, GroundXClient } from "../helpers/server.js";
import { full, multipart, readJson, scifact, sleep, UUID_V4, waitForProcess, type XRay } from "./support.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const DOCUMENTS = 50;

interface Running {
  child: ChildProcess;
  output: () => string;
}

let dataDir: string;
let tmp: string;
let port: number;
const apiKey = randomUUID();
const children: ChildProcess[] = [];

/** Start `openground serve` as a child process and wait for "Server listening". */
async function startChild(): Promise<Running> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: REPO,
    env: {
      ...process.env,
      OPENGROUND_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      OPENGROUND_API_KEY: apiKey,
      OPENGROUND_WORKERS: "1",
      // No embedder: the test is about durability; embedding 50 large files would only slow it.
      OPENGROUND_EMBEDDER: "none",
      OPENGROUND_LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  const deadline = Date.now() + 20_000;
  while (!text.includes("Server listening")) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${text}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${text}`);
    await sleep(50);
  }
  return { child, output: () => text };
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

function clientFor(): Client {
  return new GroundXClient({
    apiKey,
    environment: `http://127.0.0.1:${port}/api`,
    maxRetries: 0,
    timeoutInSeconds: 60,
  });
}

beforeAll(async () => {
  dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "openground-durable-data-"));
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "openground-durable-files-"));
  port = await freePort();
});

afterAll(async () => {
  for (const child of children) {
    if (child.pid !== undefined) await stop(child, "SIGKILL");
  }
  await fs.promises.rm(dataDir, { recursive: true, force: true });
  await fs.promises.rm(tmp, { recursive: true, force: true });
});

describe("crash recovery", () => {
  it("finishes every document exactly once after a SIGKILL in the middle of an ingest", async () => {
    // 50 distinct documents of 100–300 KB: abstracts from different offsets of SciFact.
    const corpus = scifact(5183);
    const paths: string[] = [];
    for (let i = 0; i < DOCUMENTS; i++) {
      const target = 100 * 1024 + i * 4 * 1024;
      const parts = [`Document ${i} of the durability test.\n`];
      let size = parts[0]?.length ?? 0;
      for (let k = 0; size < target; k++) {
        const a = corpus[(i * 97 + k) % corpus.length];
        const paragraph = `\n${a?.title}\n\n${a?.text}\n`;
        parts.push(paragraph);
        size += Buffer.byteLength(paragraph);
      }
      const file = path.join(tmp, `durable-${String(i).padStart(2, "0")}.txt`);
      fs.writeFileSync(file, parts.join(""));
      paths.push(file);
    }

    const first = await startChild();
    let client = clientFor();
    const bucketId = (await client.buckets.create({ name: "durable" })).bucket.bucketId;
    // Local multipart with the metadata as text fields (§4.2). Not client.ingest: the SDK sends
    // each metadata as a file part and the server refuses more than 25 files that way
    // (see ingest-sdk.test.ts, "client.ingest accepts 30 local files").
    const form = multipart(
      paths.map((file) => ({
        name: path.basename(file),
        bytes: new Uint8Array(fs.readFileSync(file)),
        type: "text/plain",
        metadata: { bucketId, fileName: path.basename(file), fileType: "txt" },
      })),
    );
    const submitted = await readJson<{ ingest: { processId: string; status: string } }>(
      fetch(`http://127.0.0.1:${port}/api/v1/ingest/documents/local`, {
        method: "POST",
        headers: { "x-api-key": apiKey },
        body: form,
      }),
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.ingest.status).toBe("queued");
    const processId = submitted.body.ingest.processId;
    expect(processId).toMatch(UUID_V4);

    // Wait until some (10) but not all documents are complete, then kill the server outright.
    let before = 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const status = full((await client.documents.getProcessingStatusById(processId)).ingest);
      before = status.progress.complete.total;
      if (before >= 10) break;
      await sleep(25);
    }
    await stop(first.child, "SIGKILL");
    console.info(`durability: SIGKILL with ${before}/${DOCUMENTS} documents complete`);
    expect(before, first.output().slice(-2000)).toBeGreaterThanOrEqual(10);
    expect(before).toBeLessThan(DOCUMENTS);

    const second = await startChild();
    client = clientFor();
    const final = await waitForProcess(client, processId, { timeoutMs: 90_000, intervalMs: 250 });
    expect(final.status, final.statusMessage).toBe("complete");
    expect(final.progress.complete.total).toBe(DOCUMENTS);
    for (const key of ["queued", "processing", "errors", "cancelled"] as const) {
      expect(final.progress[key].total, key).toBe(0);
    }

    const lookup = await client.documents.lookup(processId as unknown as number, { n: 100 });
    const ids = (lookup.documents ?? []).map((d) => d.documentId);
    expect(lookup.total).toBe(DOCUMENTS);
    expect(ids).toHaveLength(DOCUMENTS);
    expect(new Set(ids).size).toBe(DOCUMENTS);
    expect(new Set(lookup.documents?.map((d) => d.fileName))).toEqual(
      new Set(paths.map((p) => path.basename(p))),
    );
    for (const doc of lookup.documents ?? []) expect(doc.status).toBe("complete");
    const list = (await client.documents.list({ n: 100 })) as { documents?: unknown[]; total?: number };
    expect(list.documents).toHaveLength(DOCUMENTS);
    expect(list.total).toBe(DOCUMENTS);
    expect((await client.buckets.get(bucketId)).bucket.fileCount).toBe(DOCUMENTS);

    for (const doc of lookup.documents ?? []) {
      const xray = await readJson<XRay>(
        fetch(`http://127.0.0.1:${port}/api/v1/ingest/document/xray/${doc.documentId}`, {
          headers: { "x-api-key": apiKey },
        }),
      );
      expect(xray.status, doc.fileName).toBe(200);
      expect(xray.body.fileName).toBe(doc.fileName);
      expect(xray.body.chunks.length).toBeGreaterThan(0);
      const index = Number(/durable-(\d+)/.exec(doc.fileName ?? "")?.[1]);
      expect(xray.body.chunks.map((c) => c.text ?? "").join("\n")).toContain(
        `Document ${index} of the durability test.`,
      );
    }

    // The fileTokens meter counted each document exactly once: the sum of what processDocument
    // reports for the same bytes (neither a re-run document counted twice nor a lost one).
    let expectedTokens = 0;
    for (const file of paths) {
      const result = await processDocument({
        bytes: new Uint8Array(fs.readFileSync(file)),
        fileName: path.basename(file),
        format: "txt",
        processLevel: "full",
        limits: DEFAULT_PARSE_LIMITS,
        chunkIdPrefix: "000000",
      });
      expectedTokens += result.tokens;
    }
    const meter = (await client.customer.get()).customer.subscription?.meters?.fileTokens?.value;
    expect(meter).toBe(expectedTokens);

    // Nothing stuck: no process in flight, and the status stays put.
    for (const status of ["queued", "processing", "active"] as const) {
      expect((await client.documents.getProcesses({ status })).processes, status).toEqual([]);
    }
    await sleep(2500);
    const later = full((await client.documents.getProcessingStatusById(processId)).ingest);
    expect(later.status).toBe("complete");
    expect(later.progress.complete.total).toBe(DOCUMENTS);
    expect(second.child.exitCode).toBeNull();
    await stop(second.child, "SIGTERM");
  }, 150_000);
});
