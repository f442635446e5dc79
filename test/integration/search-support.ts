/**
 * Shared helpers of the search integration tests (CONTRACT.md §6): writing a
 * small corpus to a temp directory, ingesting it through the official SDK's
 * `client.ingest` and waiting for the process, and the result shapes the tests
 * read (the SDK's SearchResultItem omits several §2.4 fields).
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { GroundX } from "groundx";
import { expect } from "vitest";
import { type Client, sdkError } from "../helpers/server.js";

/** A §2.4 SearchResultItem as the server returns it. */
export interface Hit {
  score: number;
  text: string;
  suggestedText: string;
  documentId: string;
  processId: string;
  bucketId: number;
  chunkId: string;
  fileName: string;
  sourceUrl: string;
  boundingBoxes: {
    pageNumber?: number;
    topLeftX?: number;
    topLeftY?: number;
    bottomRightX?: number;
    bottomRightY?: number;
  }[];
  fileSummary?: string;
  sectionSummary?: string;
  searchData?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A §6.3 SearchResponse.search. */
export interface SearchBody {
  query: string;
  searchQuery?: string;
  count: number;
  score?: number;
  text: string;
  results?: Hit[];
  nextToken?: string;
}

/** A document to write and ingest. */
export interface CorpusFile {
  readonly name: string;
  readonly content: string;
  readonly bucketId: number;
  readonly filter?: Record<string, unknown>;
  readonly searchData?: Record<string, unknown>;
}

/** A temp directory for the corpus of one test file. */
export function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

const TERMINAL = new Set(["complete", "error", "cancelled"]);

/** Poll the process through the SDK until it is terminal; return its final IngestStatus. */
export async function waitForProcess(
  client: Client,
  processId: string,
  timeoutMs = 30_000,
): Promise<GroundX.IngestStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: GroundX.IngestStatus | undefined;
  while (Date.now() < deadline) {
    last = (await client.documents.getProcessingStatusById(processId)).ingest;
    if (TERMINAL.has(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`process ${processId} not terminal after ${timeoutMs} ms (last: ${last?.status})`);
}

/**
 * Write the files under `dir`, ingest them in one `client.ingest` call, wait until the
 * process is `complete` and return each file's documentId by file name.
 */
export async function ingestCorpus(
  client: Client,
  dir: string,
  files: readonly CorpusFile[],
): Promise<Map<string, string>> {
  const documents: GroundX.Document[] = [];
  for (const file of files) {
    const filePath = path.join(dir, file.name);
    await fs.writeFile(filePath, file.content, "utf8");
    documents.push({
      bucketId: file.bucketId,
      filePath,
      ...(file.filter ? { filter: file.filter } : {}),
      ...(file.searchData ? { searchData: file.searchData } : {}),
    });
  }
  const response = await client.ingest(documents);
  const status = await waitForProcess(client, response.ingest.processId);
  expect(status.status, status.statusMessage).toBe("complete");
  const done = status.progress?.complete?.documents ?? [];
  expect(done.length).toBe(files.length);
  const ids = new Map<string, string>();
  for (const doc of done) ids.set(doc.fileName ?? "", doc.documentId);
  expect([...ids.keys()].sort()).toEqual(files.map((f) => f.name).sort());
  return ids;
}

/** `search.content` through the SDK, returning the §6.3 body. */
export async function searchContent(
  client: Client,
  id: number | string,
  request: GroundX.SearchRequest,
): Promise<SearchBody> {
  const response = await client.search.content(id, request);
  return response.search as unknown as SearchBody;
}

/** `search.documents` through the SDK, returning the §6.3 body. */
export async function searchDocuments(
  client: Client,
  request: GroundX.SearchDocumentsRequest,
): Promise<SearchBody> {
  const response = await client.search.documents(request);
  return response.search as unknown as SearchBody;
}

/** The results of a search body (asserted present). */
export function hits(body: SearchBody): Hit[] {
  expect(Array.isArray(body.results), JSON.stringify(body)).toBe(true);
  return body.results ?? [];
}

/** A rejected SDK call's status, `code` and `message` (D1). */
export async function sdkFailure(
  call: Promise<unknown>,
): Promise<{ status: number | undefined; code: string; message: string; raw: string }> {
  const { status, body } = await sdkError(call);
  const record = (body ?? {}) as { code?: unknown; message?: unknown };
  return {
    status,
    code: typeof record.code === "string" ? record.code : "",
    message: typeof record.message === "string" ? record.message : "",
    raw: JSON.stringify(body),
  };
}
