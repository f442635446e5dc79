/**
 * Shared helpers of the end-to-end tests: paths of the evaluation data (read in
 * place from /work/shared/eval, never copied), process polling, local HTTP
 * servers, and the response shapes the tests read.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { GroundX } from "groundx";
import { expect } from "vitest";
import type { Client } from "../helpers/server.js";

/** /work/shared/eval (the repo is /work/main, this file is /work/main/test/e2e). */
export const EVAL_DIR = path.resolve(import.meta.dirname, "../../../shared/eval");
export const DOCUMENTS_DIR = path.join(EVAL_DIR, "documents");
export const SCIFACT_CORPUS = path.join(EVAL_DIR, "beir-scifact", "corpus.jsonl");

/** Absolute path of a sample document. */
export const sample = (name: string): string => path.join(DOCUMENTS_DIR, name);

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** D9: one decimal, base 1024, units B/KB/MB/GB/TB ("0B", "376B", "1.2KB"). */
export const FILE_SIZE = /^(\d+B|\d+\.\d(KB|MB|GB|TB))$/;
/** X-Ray chunk id: 6 base36 characters, dash, index (§1.4). */
export const CHUNK_ID = /^[0-9a-z]{6}-\d+$/;

export const TERMINAL: ReadonlySet<string> = new Set(["complete", "error", "cancelled"]);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The expected `fileSize` of `bytes` (D9), computed independently of the server. */
export function humanSize(bytes: number): string {
  if (bytes <= 0) return "0B";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes}B`;
  let rounded = Math.round(value * 10) / 10;
  if (rounded >= 1024 && unit < units.length - 1) {
    rounded = Math.round((rounded / 1024) * 10) / 10;
    unit += 1;
  }
  return `${rounded.toFixed(1)}${units[unit]}`;
}

export type DocumentDetail = GroundX.DocumentDetail & { created?: string; updated?: string };

export interface ProgressBucket {
  total: number;
  documents: DocumentDetail[];
}

/** IngestStatus as the status/cancel routes return it: all five progress buckets (§2.2). */
export interface FullIngestStatus {
  processId: string;
  id: number;
  status: string;
  statusMessage?: string;
  progress: {
    queued: ProgressBucket;
    processing: ProgressBucket;
    complete: ProgressBucket;
    errors: ProgressBucket;
    cancelled: ProgressBucket;
  };
}

export const PROGRESS_KEYS = ["queued", "processing", "complete", "errors", "cancelled"] as const;

/** The SDK's IngestStatus viewed with the `queued` bucket it does not declare. */
export function full(status: GroundX.IngestStatus): FullIngestStatus {
  return status as unknown as FullIngestStatus;
}

/** Poll `GET /ingest/{processId}` through the SDK until the process is terminal. */
export async function waitForProcess(
  client: Client,
  processId: string,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<FullIngestStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: FullIngestStatus | undefined;
  while (Date.now() < deadline) {
    last = full((await client.documents.getProcessingStatusById(processId)).ingest);
    if (TERMINAL.has(last.status)) return last;
    await sleep(intervalMs);
  }
  throw new Error(
    `process ${processId} not terminal after ${timeoutMs} ms: ${JSON.stringify(last?.statusMessage)}`,
  );
}

/** Assert the shape of a full IngestStatus: integer id, five buckets with total = documents.length. */
export function expectFullStatus(status: FullIngestStatus, processId: string): void {
  expect(status.processId).toBe(processId);
  expect(Number.isInteger(status.id)).toBe(true);
  expect(status.id).toBeGreaterThan(0);
  expect(typeof status.statusMessage).toBe("string");
  for (const key of PROGRESS_KEYS) {
    const bucket = status.progress[key];
    expect(bucket, key).toBeDefined();
    expect(Number.isInteger(bucket.total), key).toBe(true);
    expect(Array.isArray(bucket.documents), key).toBe(true);
    expect(bucket.documents.length, key).toBe(bucket.total);
  }
}

/** All documents of a process across the five buckets. */
export function allDocuments(status: FullIngestStatus): DocumentDetail[] {
  return PROGRESS_KEYS.flatMap((key) => status.progress[key].documents);
}

/** X-Ray shapes (§5). */
export interface XRayBox {
  pageNumber: number | null;
  topLeftX: number;
  topLeftY: number;
  bottomRightX: number;
  bottomRightY: number;
  corrected: boolean | null;
}
export interface XRayChunk {
  chunk?: string;
  contentType: string[];
  pageNumbers: number[];
  text?: string;
  suggestedText?: string;
  sectionSummary?: string;
  boundingBoxes: XRayBox[];
  json?: unknown[];
  narrative?: string[];
  [key: string]: unknown;
}
export interface XRay {
  fileName?: string;
  fileType?: string;
  language?: string;
  sourceUrl: string;
  fileSummary?: string;
  fileKeywords?: string;
  chunks: XRayChunk[];
  documentPages?: {
    pageNumber: number;
    pageUrl: string;
    width: number;
    height: number;
    chunks?: XRayChunk[];
  }[];
  [key: string]: unknown;
}

/** Status and parsed JSON body of a response. */
export async function readJson<T = unknown>(
  res: Response | Promise<Response>,
): Promise<{ status: number; body: T }> {
  const response = await res;
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body: body as T };
}

export interface MessageBody {
  message: string;
  code?: string;
}

/** The first `count` SciFact abstracts from `offset` (5,183 in all). */
export function scifact(count: number, offset = 0): { id: string; title: string; text: string }[] {
  const lines = fs.readFileSync(SCIFACT_CORPUS, "utf8").split("\n").filter(Boolean);
  return lines.slice(offset, offset + count).map((line) => {
    const row = JSON.parse(line) as { _id: string; title: string; text: string };
    return { id: row._id, title: row.title, text: row.text };
  });
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export type LocalRoute = (request: RecordedRequest, response: http.ServerResponse) => void;

/** A local HTTP server that records every request and answers through `route` (404 by default). */
export async function startLocalServer(routes: Record<string, LocalRoute>): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      const pathname = new URL(recorded.url, "http://local").pathname;
      const route = routes[pathname];
      if (route) route(recorded, res);
      else res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A route serving a file from disk with extra headers. */
export function serveFile(file: string, headers: Record<string, string>): LocalRoute {
  return (_request, response) => {
    const bytes = fs.readFileSync(file);
    response.writeHead(200, { "content-length": String(bytes.byteLength), ...headers }).end(bytes);
  };
}

/** snake_case of a column name, to compare table row keys with CSV headers tolerantly. */
export function snake(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Multipart body for POST /ingest/documents/local built by hand: blob/metadata pairs (metadata as text fields). */
export function multipart(
  files: { name: string; bytes: Uint8Array; type?: string; metadata?: unknown }[],
  extraFields: Record<string, string> = {},
): FormData {
  const form = new FormData();
  for (const file of files) {
    form.append("blob", new Blob([file.bytes], { type: file.type ?? "application/octet-stream" }), file.name);
    if (file.metadata !== undefined) form.append("metadata", JSON.stringify(file.metadata));
  }
  for (const [key, value] of Object.entries(extraFields)) form.append(key, value);
  return form;
}

/**
 * One request on a connection of its own that is closed afterwards (no keep-alive reuse):
 * for requests the server may reject before reading the whole body.
 */
export async function requestOnce(
  url: string,
  init: { method: string; apiKey?: string; body?: FormData },
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { connection: "close" };
  if (init.apiKey !== undefined) headers["x-api-key"] = init.apiKey;
  let payload = Buffer.alloc(0);
  if (init.body !== undefined) {
    const encoded = new Response(init.body);
    headers["content-type"] = encoded.headers.get("content-type") ?? "";
    payload = Buffer.from(await encoded.arrayBuffer());
  }
  headers["content-length"] = String(payload.byteLength);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: init.method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        response.socket?.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on("error", reject);
    request.end(payload);
  });
}
