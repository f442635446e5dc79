/**
 * Ingest benchmark: 1,000 small text documents (SciFact abstracts) through the
 * HTTP API with the official SDK, in batches of 50, against the real app started
 * in this process with the default number of workers.
 *
 * Run: npx tsx bench/ingest-small.ts [documents=1000]
 *
 * Baselines measured in the same process, on the same texts:
 *  - "fs": writing the 1,000 files and reading them back (the floor of any upload);
 *  - "processDocument": the parse → chunk → enrich → X-Ray function alone, on one
 *    thread, without HTTP, queue, storage or worker threads.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { processDocument } from "../src/ingest/process.js";
import { DEFAULT_PARSE_LIMITS } from "../src/ingest/types.js";
import { GroundXError, startTestServer } from "../test/helpers/server.js";

const TOTAL = Number(process.argv[2] ?? 1000);
const BATCH = 50;
const CORPUS = path.resolve(import.meta.dirname, "../../shared/eval/beir-scifact/corpus.jsonl");
const TERMINAL = new Set(["complete", "error", "cancelled"]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(2);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function abstracts(count: number): { id: string; text: string }[] {
  const lines = fs.readFileSync(CORPUS, "utf8").split("\n").filter(Boolean).slice(0, count);
  return lines.map((line) => {
    const row = JSON.parse(line) as { _id: string; title: string; text: string };
    return { id: row._id, text: `${row.title}\n\n${row.text}\n` };
  });
}

async function main(): Promise<void> {
  const docs = abstracts(TOTAL);
  if (docs.length !== TOTAL) throw new Error(`only ${docs.length} abstracts in ${CORPUS}`);
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "openground-bench-"));
  const bytesTotal = docs.reduce((sum, d) => sum + Buffer.byteLength(d.text), 0);

  // Baseline 1: write the files and read them back.
  const fsStart = performance.now();
  const files = [];
  for (const doc of docs) {
    const file = path.join(tmp, `scifact-${doc.id}.txt`);
    await fs.promises.writeFile(file, doc.text);
    files.push(file);
  }
  for (const file of files) await fs.promises.readFile(file);
  const fsMs = performance.now() - fsStart;

  // Baseline 2: processDocument alone, sequentially, one thread.
  const encoder = new TextEncoder();
  const processStart = performance.now();
  let tokens = 0;
  for (const doc of docs) {
    const result = await processDocument({
      bytes: encoder.encode(doc.text),
      fileName: `scifact-${doc.id}.txt`,
      format: "txt",
      processLevel: "full",
      limits: DEFAULT_PARSE_LIMITS,
      chunkIdPrefix: "000000",
    });
    tokens += result.tokens;
  }
  const processMs = performance.now() - processStart;

  // End to end through HTTP.
  const server = await startTestServer();
  const workers = server.app.openground.context.config.ingest.workers;
  try {
    const client = server.client();
    const bucketId = (await client.buckets.create({ name: "bench" })).bucket.bucketId;
    const submitLatencies: number[] = [];
    const processIds: string[] = [];
    let e2eStart = performance.now();
    // The SDK's client.ingest sends each metadata as a file part ("data.json"). Should the server
    // refuse that (it counted file parts against its 50-document limit when this was written), the
    // same batches go out as multipart with the metadata as text fields, which §4.2 also allows.
    let via: "client.ingest" | "multipart with text metadata" = "client.ingest";
    const submitAsText = async (batch: string[]): Promise<string> => {
      const form = new FormData();
      for (const file of batch) {
        const bytes = await fs.promises.readFile(file);
        form.append("blob", new Blob([new Uint8Array(bytes)], { type: "text/plain" }), path.basename(file));
        form.append("metadata", JSON.stringify({ bucketId, fileName: path.basename(file), fileType: "txt" }));
      }
      const response = await fetch(`${server.url}/api/v1/ingest/documents/local`, {
        method: "POST",
        headers: { "x-api-key": server.apiKey },
        body: form,
      });
      const body = (await response.json()) as { ingest?: { processId: string }; message?: string };
      if (response.status !== 200 || !body.ingest)
        throw new Error(`submit failed: ${response.status} ${body.message}`);
      return body.ingest.processId;
    };
    for (let i = 0; i < files.length; i += BATCH) {
      const batch = files.slice(i, i + BATCH);
      const t0 = performance.now();
      let processId: string;
      if (via === "client.ingest") {
        try {
          processId = (await client.ingest(batch.map((filePath) => ({ bucketId, filePath })))).ingest
            .processId;
        } catch (error) {
          if (i > 0 || !(error instanceof GroundXError) || error.statusCode !== 413) throw error;
          console.warn(
            `client.ingest of ${batch.length} files was refused: ${error.statusCode} ${JSON.stringify(error.body)}`,
          );
          console.warn("→ submitting every batch as multipart with text metadata fields instead\n");
          via = "multipart with text metadata";
          // A rejected upload can leave its keep-alive connection stalled (a server bug): flush it
          // with short-lived requests, then start the clock again.
          for (let k = 0; k < 4; k++) {
            await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2000) }).then(
              (r) => r.text(),
              () => "stalled",
            );
          }
          e2eStart = performance.now();
          submitLatencies.length = 0;
          i = -BATCH;
          continue;
        }
      } else {
        processId = await submitAsText(batch);
      }
      submitLatencies.push(performance.now() - t0);
      processIds.push(processId);
    }
    const submittedMs = performance.now() - e2eStart;
    const pending = new Set(processIds);
    const statuses = new Map<string, { status: string; complete: number; errors: number }>();
    while (pending.size > 0) {
      for (const processId of [...pending]) {
        const { ingest } = await client.documents.getProcessingStatusById(processId);
        if (TERMINAL.has(ingest.status)) {
          pending.delete(processId);
          statuses.set(processId, {
            status: ingest.status,
            complete: ingest.progress?.complete?.total ?? 0,
            errors: ingest.progress?.errors?.total ?? 0,
          });
        }
      }
      if (pending.size > 0) await sleep(100);
      if (performance.now() - e2eStart > 15 * 60_000)
        throw new Error("ingest did not finish within 15 minutes");
    }
    const e2eMs = performance.now() - e2eStart;
    const complete = [...statuses.values()].reduce((sum, s) => sum + s.complete, 0);
    const errors = [...statuses.values()].reduce((sum, s) => sum + s.errors, 0);

    const e2eRate = TOTAL / (e2eMs / 1000);
    const processRate = TOTAL / (processMs / 1000);
    const rows: [string, string][] = [
      [
        "documents",
        `${TOTAL} (${(bytesTotal / 1024).toFixed(0)} KB, ${tokens} tokens) in ${processIds.length} batches of ${BATCH}`,
      ],
      [
        "machine",
        `${os.availableParallelism()} cores, ${workers} workers (default), Node ${process.version}`,
      ],
      ["submitted with", via],
      ["complete / errors", `${complete} / ${errors}`],
      ["end to end", `${seconds(e2eMs)} s  →  ${e2eRate.toFixed(1)} documents/s`],
      ["all batches submitted after", `${seconds(submittedMs)} s`],
      [
        "submit latency per batch",
        `p50 ${percentile(submitLatencies, 50).toFixed(0)} ms, p95 ${percentile(submitLatencies, 95).toFixed(0)} ms`,
      ],
      ["baseline fs write+read", `${seconds(fsMs)} s (${(TOTAL / (fsMs / 1000)).toFixed(0)} files/s)`],
      [
        "baseline processDocument (1 thread)",
        `${seconds(processMs)} s  →  ${processRate.toFixed(1)} documents/s`,
      ],
      ["end to end / processDocument time", `${(e2eMs / processMs).toFixed(2)}×`],
      ["end to end / fs time", `${(e2eMs / fsMs).toFixed(1)}×`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log("\nOpenground ingest benchmark (bench/ingest-small.ts)\n");
    for (const [key, value] of rows) console.log(`  ${key.padEnd(width)}  ${value}`);
    console.log(
      `\n${JSON.stringify({
        documents: TOTAL,
        workers,
        via,
        complete,
        errors,
        e2eSeconds: Number(seconds(e2eMs)),
        documentsPerSecond: Number(e2eRate.toFixed(2)),
        submitP50Ms: Math.round(percentile(submitLatencies, 50)),
        submitP95Ms: Math.round(percentile(submitLatencies, 95)),
        fsBaselineSeconds: Number(seconds(fsMs)),
        processDocumentSeconds: Number(seconds(processMs)),
        processDocumentPerSecond: Number(processRate.toFixed(2)),
        ratioToProcessDocument: Number((e2eMs / processMs).toFixed(2)),
      })}`,
    );
    if (complete !== TOTAL) process.exitCode = 1;
  } finally {
    await server.close();
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

await main();
