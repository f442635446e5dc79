import { createHash, randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { IngestConfig } from "../config/index.js";
import type { UsageMetric } from "../core/types.js";
import { FetchError, type SafeResponse } from "../net/index.js";
import type { BlobStore } from "../store/contracts/blob-store.js";
import type { DocumentRecord, DocumentStore, StoredChunk } from "../store/contracts/document-store.js";
import type { Job, JobFailure, JobQueue } from "../store/contracts/job-queue.js";
import { type CrawlJobPayload, crawl } from "./crawl.js";
import { detectFormat, toDocumentType, unsupportedReason } from "./detect/index.js";
import { chunkPageRefs, cropBox } from "./pages.js";
import { type ParserPool, SandboxError, type SandboxResult } from "./sandbox/pool.js";
import { DEFAULT_PARSE_LIMITS, type XRay } from "./types.js";
import { blobKeys, type HostedUrls } from "./urls.js";

/** Job kinds of the ingestion pipeline. */
export const JOB_KINDS = {
  ingest: "document.ingest",
  reindex: "document.reindex",
  purge: "document.purge",
  crawl: "website.crawl",
} as const;

/** Bump when parsing/chunking/enrichment changes, so cached artifacts are rebuilt. */
export const PIPELINE_VERSION = "1";

export interface IngestJobPayload {
  readonly documentId: string;
}
export interface ReindexJobPayload {
  readonly documentId: string;
  readonly processId: string;
  readonly changes: {
    readonly fileName?: string;
    readonly filter?: Readonly<Record<string, unknown>> | null;
    readonly searchData?: Readonly<Record<string, unknown>> | null;
  };
}
export interface PurgeJobPayload {
  readonly processId: string;
  readonly documentIds: readonly string[];
  readonly contentHashes: readonly string[];
}

export interface PipelineDeps {
  readonly documents: DocumentStore;
  readonly queue: JobQueue;
  readonly blobs: BlobStore;
  readonly parser: ParserPool;
  readonly urls: HostedUrls;
  readonly config: IngestConfig;
  readonly log: FastifyBaseLogger;
  /** Downloads a remote original (the SSRF-guarded fetch). */
  readonly download: (url: string, signal: AbortSignal) => Promise<SafeResponse>;
  readonly recordUsage: (accountId: string, metric: UsageMetric, amount: number) => Promise<void>;
  /** Dense retrieval: embeds chunk texts (in a worker), when an embedder is configured. */
  readonly embedder?: { readonly modelId: string; embed(texts: readonly string[]): Promise<Float32Array[]> };
  /** Called when a process may have become terminal without a document settling (a crawl ended). */
  readonly onProcessChanged: (processId: string) => Promise<void>;
  /** Called when a document of `processId` reached a terminal status (callbacks). */
  readonly onDocumentSettled: (processId: string, documentId: string) => Promise<void>;
}

/** Stop working on a job: the document was cancelled or deleted meanwhile. */
class Cancelled extends Error {}

/** A failure a retry cannot fix: the job fails at once. */
class Permanent extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const LOCK_MS = 15_000;
const HEARTBEAT_MS = 3_000;
const SWEEP_MS = 2_000;
const IDLE_POLL_MS = 200;

/** 6 base36 characters derived from the document id: the prefix of its chunk ids (`k3v9qa-0`). */
export function chunkIdPrefix(documentId: string): string {
  const n = createHash("sha256").update(documentId).digest().readUInt32BE(0);
  return n.toString(36).padStart(6, "0").slice(-6);
}

/**
 * The ingestion pipeline: workers claim jobs from the durable queue and run a
 * document through fetch/store → detect → parse (sandboxed) → index. Stage
 * outputs are keyed by the content hash, so a copy or a retried job reuses the
 * parse. Cancellation is checked at every stage boundary.
 */
export class IngestPipeline {
  readonly #deps: PipelineDeps;
  readonly #workerId = `worker-${randomUUID()}`;
  readonly #loops: Promise<void>[] = [];
  #running = false;
  #sweeper: NodeJS.Timeout | undefined;
  #wake: (() => void)[] = [];
  #lastBeat = Date.now();

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
  }

  /** Time of the last worker-loop heartbeat (health). */
  get lastHeartbeat(): Date {
    return new Date(this.#lastBeat);
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const sweep = async () => {
      try {
        const { failed } = await this.#deps.queue.requeueExpired(new Date());
        for (const job of failed)
          await this.#settleFailedJob(job, "the worker stopped while processing this document", true);
      } catch (error) {
        this.#deps.log.error({ err: error }, "job sweep failed");
      }
    };
    void sweep();
    this.#sweeper = setInterval(sweep, SWEEP_MS);
    this.#sweeper.unref();
    for (let i = 0; i < this.#deps.config.workers; i++) this.#loops.push(this.#loop());
  }

  /** Wake idle workers now (new jobs were enqueued). */
  notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#sweeper);
    this.notify();
    await Promise.all(this.#loops.splice(0));
  }

  async #loop(): Promise<void> {
    const kinds = Object.values(JOB_KINDS);
    while (this.#running) {
      this.#lastBeat = Date.now();
      let job: Job | undefined;
      try {
        job = await this.#deps.queue.claim(this.#workerId, kinds, LOCK_MS);
      } catch (error) {
        this.#deps.log.error({ err: error }, "claiming a job failed");
      }
      if (!job) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.#wake.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        continue;
      }
      await this.#run(job);
    }
  }

  async #run(job: Job): Promise<void> {
    const { queue, log } = this.#deps;
    const jobLog = log.child({ jobId: job.id, kind: job.kind });
    const abort = new AbortController();
    const beat = setInterval(async () => {
      this.#lastBeat = Date.now();
      const owned = await queue.heartbeat(job.id, this.#workerId, LOCK_MS).catch(() => false);
      if (!owned) abort.abort();
    }, HEARTBEAT_MS);
    try {
      if (job.kind === JOB_KINDS.ingest)
        await this.#ingest(job.payload as IngestJobPayload, abort.signal, jobLog);
      else if (job.kind === JOB_KINDS.reindex) await this.#reindex(job.payload as ReindexJobPayload);
      else if (job.kind === JOB_KINDS.purge) await this.#purge(job.payload as PurgeJobPayload);
      else if (job.kind === JOB_KINDS.crawl) await this.#crawl(job.payload as CrawlJobPayload, abort.signal);
      await queue.complete(job.id, this.#workerId);
    } catch (error) {
      if (error instanceof Cancelled) {
        await queue.acknowledgeCancel(job.id, this.#workerId);
        await this.#removeOrphanFiles(job);
        return;
      }
      const failure = toFailure(error);
      jobLog.warn({ code: failure.code, msg: failure.message, attempt: job.attempts }, "job failed");
      const state = await queue.fail(job.id, this.#workerId, failure, retryDelay(job.attempts));
      if (state === "failed") await this.#settleFailedJob(job, failure.message);
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * A document deleted while its job ran may have had files written after the
   * delete's purge: remove them.
   */
  async #removeOrphanFiles(job: Job): Promise<void> {
    if (job.kind !== JOB_KINDS.ingest) return;
    const { documentId } = job.payload as IngestJobPayload;
    if (!(await this.#deps.documents.getDocumentById(documentId))) {
      await this.#deps.blobs.deletePrefix(blobKeys.documentPrefix(documentId));
    }
  }

  /** A job that will not run again: its document (or process item) ends in error. */
  async #settleFailedJob(job: Job, message: string, lostWorker = false): Promise<void> {
    const { documents } = this.#deps;
    if (job.kind === JOB_KINDS.ingest) {
      const { documentId } = job.payload as IngestJobPayload;
      const document = await documents.getDocumentById(documentId);
      if (document && (await documents.failDocument(documentId, message))) {
        await this.#deps.onDocumentSettled(document.processId, documentId);
      }
    } else if (job.kind === JOB_KINDS.reindex) {
      const { documentId, processId } = job.payload as ReindexJobPayload;
      await documents.setItemStatus(processId, documentId, "error", message);
      await this.#deps.onDocumentSettled(processId, documentId);
    } else if (job.kind === JOB_KINDS.crawl && lostWorker) {
      // The crawl's own cleanup never ran: its worker died. Pages found so far are still ingested.
      const { processId } = job.payload as CrawlJobPayload;
      await documents.finishPendingWork(processId);
      await this.#deps.onProcessChanged(processId);
    } else if (job.kind === JOB_KINDS.purge) {
      const { processId, documentIds } = job.payload as PurgeJobPayload;
      for (const id of documentIds) await documents.setItemStatus(processId, id, "error", message);
    }
  }

  /** Throw {@link Cancelled} when the document is gone or no longer processing. */
  async #current(documentId: string): Promise<DocumentRecord> {
    const document = await this.#deps.documents.getDocumentById(documentId);
    if (document?.status !== "processing") throw new Cancelled();
    return document;
  }

  async #ingest(payload: IngestJobPayload, signal: AbortSignal, log: FastifyBaseLogger): Promise<void> {
    const { documents, blobs, parser, config } = this.#deps;
    const initial = await documents.getDocumentById(payload.documentId);
    if (!initial || !(await documents.startDocument(initial.id))) throw new Cancelled();

    // Stage 1: fetch/store the original (local uploads were stored by the request).
    let document = await this.#current(initial.id);
    const originalKey = blobKeys.original(document.id);
    let bytes = await blobs.get(originalKey);
    if (!bytes) {
      if (document.copiedFrom) {
        if (!(await blobs.copy(blobKeys.original(document.copiedFrom), originalKey))) {
          throw new Permanent("SOURCE_MISSING", "the document to copy was deleted before the copy ran");
        }
      } else if (document.originUrl) {
        const response = await this.#deps.download(document.originUrl, signal);
        await blobs.put(originalKey, response.bytes);
        // §4.1: without a declared type, the response's Content-Type and file name tell it.
        const hints = downloadHints(document, response);
        if (hints) await documents.recordDownloadHints(document.id, hints);
      } else {
        throw new Permanent("ORIGINAL_MISSING", "the uploaded file is missing from storage");
      }
      bytes = await blobs.get(originalKey);
      if (!bytes) throw new Error("the stored original could not be read back");
    }
    if (bytes.byteLength > config.maxFileBytes) {
      throw new Permanent(
        "FILE_TOO_LARGE",
        `the file is larger than the limit of ${config.maxFileBytes} bytes`,
      );
    }
    const contentHash = createHash("sha256").update(bytes).digest("hex");
    document = await this.#current(document.id);

    document = await this.#current(document.id);
    // Stage 2: detect the type — magic bytes first, then the declared fileType, then the extension.
    const format = detectFormat(bytes, document.declaredType, document.fileName);
    if (!format) {
      throw new Permanent(
        "UNKNOWN_TYPE",
        unsupportedReason(bytes) ??
          `could not determine the type of "${document.fileName}"; pass a supported fileType`,
      );
    }
    const fileType = toDocumentType(format);
    await documents.recordOriginal(document.id, { fileBytes: bytes.byteLength, contentHash, fileType });
    document = await this.#current(document.id);

    // Stage 3: parse → chunk → enrich, in the sandbox, cached by content hash.
    // The parser options (OCR languages, LibreOffice) change the artifact too.
    const optionsHash = createHash("sha256").update(JSON.stringify(config.parsers)).digest("hex").slice(0, 8);
    const variant = `v${PIPELINE_VERSION}-${format}-${document.processLevel}-${optionsHash}`;
    const artifactKey = blobKeys.artifact(contentHash, variant);
    let artifact = await readArtifact(blobs, artifactKey);
    if (!artifact) {
      const started = performance.now();
      let parsed: SandboxResult;
      try {
        parsed = await parser.run({
          bytes,
          fileName: document.fileName,
          format,
          processLevel: document.processLevel,
          limits: { ...DEFAULT_PARSE_LIMITS, maxPages: config.maxPages },
          chunkIdPrefix: ARTIFACT_PREFIX,
          options: config.parsers,
        });
      } catch (error) {
        if (error instanceof SandboxError) throw new Permanent(error.code, error.message);
        throw error;
      }
      log.debug({ ms: Math.round(performance.now() - started), format }, "parsed");
      const { pagesPdf, ...cached } = parsed;
      if (pagesPdf) await blobs.put(blobKeys.pagesPdf(contentHash), pagesPdf);
      artifact = cached;
      await blobs.put(artifactKey, JSON.stringify(cached));
    }
    document = await this.#current(document.id);

    // Stage 4: embed the chunks (cached by content hash and model, like the parse).
    const vectors = await this.#vectors(contentHash, variant, artifact.xray);
    document = await this.#current(document.id);

    // Stage 5: index — the document's own X-Ray and chunks, then complete (atomically, unless cancelled).
    const xray = this.#documentXRay(document, artifact.xray);
    await blobs.put(blobKeys.xray(document.id), JSON.stringify(xray));
    const chunks = storedChunks(xray);
    const completed = await documents.completeDocument(
      document.id,
      {
        language: xray.language,
        tokens: artifact.tokens,
        fileType,
        fileSummary: xray.fileSummary,
        fileKeywords: xray.fileKeywords,
      },
      chunks,
      { title: document.fileName, keywords: xray.fileKeywords ?? "" },
      vectors,
    );
    if (!completed) throw new Cancelled();
    await this.#deps.recordUsage(document.accountId, "fileTokens", artifact.tokens);
    await this.#deps.onDocumentSettled(document.processId, document.id);
  }

  /** One vector per chunk, from the cache or the embedder; undefined without an embedder. */
  async #vectors(
    contentHash: string,
    variant: string,
    xray: Omit<XRay, "sourceUrl">,
  ): Promise<Float32Array[] | undefined> {
    const embedder = this.#deps.embedder;
    if (!embedder || xray.chunks.length === 0) return undefined;
    const key = blobKeys.vectors(
      contentHash,
      `${variant}-${embedder.modelId.replace(/[^A-Za-z0-9._-]+/g, "_")}`,
    );
    const cached = await this.#deps.blobs.get(key);
    if (cached && cached.byteLength % (4 * xray.chunks.length) === 0) {
      const all = new Float32Array(
        cached.buffer.slice(cached.byteOffset, cached.byteOffset + cached.byteLength),
      );
      const dims = all.length / xray.chunks.length;
      return xray.chunks.map((_, i) => all.subarray(i * dims, (i + 1) * dims));
    }
    const vectors = await embedder.embed(xray.chunks.map((c) => embeddingText(c.text, c.suggestedText)));
    const dims = vectors[0]?.length ?? 0;
    const packed = new Float32Array(dims * vectors.length);
    vectors.forEach((v, i) => {
      packed.set(v, i * dims);
    });
    await this.#deps.blobs.put(key, new Uint8Array(packed.buffer));
    return vectors;
  }

  /**
   * The cached X-Ray with this document's chunk ids, file name and hosted URLs:
   * source, page images (`pageUrl`) and table/figure crops (`multimodalUrl`, for
   * chunks with a real box on a page that has an image).
   */
  #documentXRay(document: DocumentRecord, cached: Omit<XRay, "sourceUrl">): XRay {
    const urls = this.#deps.urls;
    const prefix = chunkIdPrefix(document.id);
    const imaged = new Set(cached.documentPages?.map((page) => page.pageNumber));
    const chunks = cached.chunks.map((chunk, index) => {
      const cropped = chunk.contentType[0] !== "paragraph" && cropBox(chunk, imaged) !== undefined;
      return {
        ...chunk,
        chunk: `${prefix}-${index}`,
        ...(cropped ? { multimodalUrl: urls.crop(document, index) } : {}),
      };
    });
    const { fileName: _cachedName, fileType, language, documentPages, ...rest } = cached;
    return {
      fileName: document.fileName,
      fileType,
      language,
      sourceUrl: urls.source(document),
      ...rest,
      chunks,
      ...(documentPages
        ? {
            documentPages: documentPages.map((page) => ({
              ...page,
              pageUrl: urls.page(document, page.pageNumber),
            })),
          }
        : {}),
    };
  }

  async #reindex(payload: ReindexJobPayload): Promise<void> {
    const { documents, blobs } = this.#deps;
    await documents.setItemStatus(payload.processId, payload.documentId, "processing");
    const document = await documents.getDocumentById(payload.documentId);
    if (!document) {
      await documents.setItemStatus(
        payload.processId,
        payload.documentId,
        "error",
        "the document was deleted",
      );
      await this.#deps.onDocumentSettled(payload.processId, payload.documentId);
      return;
    }
    await documents.updateDocumentMetadata(document.id, payload.changes);
    if (document.status === "complete" && payload.changes.fileName !== undefined) {
      // Re-index without re-parse: the stored X-Ray only needs its new file name.
      const stored = await blobs.get(blobKeys.xray(document.id));
      if (stored) {
        const xray = JSON.parse(new TextDecoder().decode(stored)) as XRay;
        xray.fileName = payload.changes.fileName;
        await blobs.put(blobKeys.xray(document.id), JSON.stringify(xray));
      }
    }
    await documents.setItemStatus(payload.processId, payload.documentId, "complete");
    await this.#deps.onDocumentSettled(payload.processId, payload.documentId);
  }

  /** Crawl a website; every page becomes a document of the process as soon as it is fetched. */
  async #crawl(payload: CrawlJobPayload, signal: AbortSignal): Promise<void> {
    const { documents, blobs, config } = this.#deps;
    try {
      await crawl(
        payload,
        {
          documents,
          blobs,
          fetch: (url, fetchSignal) => this.#deps.download(url, fetchSignal),
          ingestJob: (documentId, processId) => ({
            id: randomUUID(),
            kind: JOB_KINDS.ingest,
            payload: { documentId } satisfies IngestJobPayload,
            groupKey: processId,
            maxAttempts: 3,
          }),
          wake: () => this.notify(),
          delayMs: config.crawlDelayMs,
        },
        signal,
      );
    } finally {
      await documents.finishPendingWork(payload.processId);
      await this.#deps.onProcessChanged(payload.processId);
    }
  }

  async #purge(payload: PurgeJobPayload): Promise<void> {
    const { documents, blobs } = this.#deps;
    for (const id of payload.documentIds) await blobs.deletePrefix(blobKeys.documentPrefix(id));
    for (const hash of new Set(payload.contentHashes)) {
      if ((await documents.countByContentHash(hash)) === 0)
        await blobs.deletePrefix(blobKeys.artifactPrefix(hash));
    }
    for (const id of payload.documentIds) await documents.setItemStatus(payload.processId, id, "complete");
  }
}

const HAS_EXTENSION = /\.[A-Za-z0-9]{1,5}$/;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  "text/csv": "csv",
  "text/tab-separated-values": "tsv",
  "application/json": "json",
  "text/plain": "txt",
  "text/markdown": "txt",
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/tiff": "tiff",
  "image/bmp": "bmp",
  "image/svg+xml": "svg",
  "image/heic": "heif",
  "image/heif": "heif",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
};

/** Type and name a download suggests, for a document whose request gave neither. */
function downloadHints(
  document: DocumentRecord,
  response: SafeResponse,
): { declaredType?: string; fileName?: string } | undefined {
  const fileName =
    !HAS_EXTENSION.test(document.fileName) && response.fileName && HAS_EXTENSION.test(response.fileName)
      ? response.fileName
      : undefined;
  const fromName = (fileName ?? "").split(".").pop()?.toLowerCase();
  const declaredType = document.declaredType
    ? undefined
    : ((response.contentType && CONTENT_TYPES[response.contentType]) ??
      (fromName && fromName in EXTENSION_TYPES ? fromName : undefined));
  if (!fileName && !declaredType) return undefined;
  return { ...(declaredType ? { declaredType } : {}), ...(fileName ? { fileName } : {}) };
}

/** Extensions that name a DocumentType directly. */
const EXTENSION_TYPES: Readonly<Record<string, true>> = Object.fromEntries(
  [
    "csv",
    "tsv",
    "json",
    "txt",
    "pdf",
    "png",
    "jpg",
    "gif",
    "webp",
    "tiff",
    "bmp",
    "svg",
    "heif",
    "docx",
    "pptx",
    "xlsx",
  ].map((t) => [t, true]),
);

/** What a chunk is embedded as: its text, or its suggested text when the text is empty (figures). */
function embeddingText(text: string, suggestedText: string): string {
  return text.trim() === "" ? suggestedText : text;
}

/** Chunk-id prefix of cached artifacts; replaced by each document's own prefix. */
const ARTIFACT_PREFIX = "000000";

/**
 * The rows a document's X-Ray chunks are indexed as: the searchable fields,
 * and the whole X-Ray chunk plus the page images it touches (§2.4 `pages[]`,
 * `pageImages`) as data for search results.
 *
 * @example await documents.completeDocument(id, fields, storedChunks(xray), indexFields, vectors);
 */
export function storedChunks(xray: Pick<XRay, "chunks" | "documentPages">): StoredChunk[] {
  return xray.chunks.map((chunk, index) => ({
    index,
    chunkId: chunk.chunk,
    contentType: chunk.contentType[0],
    pageNumbers: chunk.pageNumbers,
    text: chunk.text,
    suggestedText: chunk.suggestedText,
    sectionSummary: chunk.sectionSummary,
    data: { ...chunk, ...chunkPageRefs(chunk, xray.documentPages) } as unknown as Record<string, unknown>,
  }));
}

async function readArtifact(
  blobs: BlobStore,
  key: string,
): Promise<{ xray: Omit<XRay, "sourceUrl">; tokens: number } | undefined> {
  const bytes = await blobs.get(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as { xray: Omit<XRay, "sourceUrl">; tokens: number };
  } catch {
    return undefined; // A torn or corrupt cache entry is rebuilt.
  }
}

function toFailure(error: unknown): JobFailure {
  if (error instanceof Permanent) return { code: error.code, message: error.message, retryable: false };
  if (error instanceof FetchError) {
    const transient =
      error.code === "NETWORK" ||
      error.code === "TIMEOUT" ||
      (error.code === "HTTP_STATUS" && ((error.status ?? 0) >= 500 || error.status === 429));
    return { code: `FETCH_${error.code}`, message: error.message, retryable: transient };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "INTERNAL", message: `internal error: ${message}`, retryable: true };
}

/** 1 s, 4 s, 16 s … capped at a minute. */
function retryDelay(attempts: number): number {
  return Math.min(60_000, 1000 * 4 ** Math.max(0, attempts - 1));
}
