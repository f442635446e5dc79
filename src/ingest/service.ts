import { createHash, randomBytes } from "node:crypto";
import { presentDocument } from "../api/presenters/documents.js";
import { newUuid } from "../core/ids.js";
import { AppError } from "../errors/index.js";
import type { BlobStore } from "../store/contracts/blob-store.js";
import type {
  DocumentRecord,
  DocumentStore,
  NewDocument,
  ProcessLevel,
  ProcessRecord,
} from "../store/contracts/document-store.js";
import type { NewJob } from "../store/contracts/job-queue.js";
import type { MetadataStore } from "../store/contracts/metadata-store.js";
import type { CrawlJobPayload } from "./crawl.js";
import type { CallbackNotifier } from "./notifier.js";
import {
  type IngestJobPayload,
  JOB_KINDS,
  type PurgeJobPayload,
  type ReindexJobPayload,
} from "./pipeline.js";
import { blobKeys, type HostedUrls } from "./urls.js";

export interface IngestDocumentInput {
  readonly bucketId: number;
  readonly fileName: string;
  readonly declaredType?: string | undefined;
  readonly processLevel: ProcessLevel;
  readonly filter?: Readonly<Record<string, unknown>> | undefined;
  readonly searchData?: Readonly<Record<string, unknown>> | undefined;
  readonly source:
    | { readonly kind: "upload"; readonly bytes: Uint8Array }
    | { readonly kind: "remote"; readonly url: string };
}

export interface Callback {
  readonly callbackUrl?: string | undefined;
  readonly callbackData?: string | undefined;
}

export interface DocumentChanges {
  readonly documentId: string;
  readonly fileName?: string;
  readonly filter?: Readonly<Record<string, unknown>>;
  readonly searchData?: Readonly<Record<string, unknown>>;
}

export interface IngestServiceDeps {
  readonly documents: DocumentStore;
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly urls: HostedUrls;
  readonly notifier: CallbackNotifier;
  /** Wake the workers after jobs were enqueued. */
  readonly wake: () => void;
}

const ingestJob = (documentId: string, processId: string): NewJob => ({
  id: newUuid(),
  kind: JOB_KINDS.ingest,
  payload: { documentId } satisfies IngestJobPayload,
  groupKey: processId,
  maxAttempts: 3,
});

/**
 * What the documents API asks of ingestion: each operation validates ownership,
 * writes its rows and jobs in one transaction, wakes the workers and returns the
 * new process at once (CONTRACT.md §1.9: long work is asynchronous).
 */
export class IngestService {
  readonly #deps: IngestServiceDeps;

  constructor(deps: IngestServiceDeps) {
    this.#deps = deps;
  }

  async #requireBuckets(accountId: string, bucketIds: Iterable<number>): Promise<void> {
    for (const bucketId of new Set(bucketIds)) {
      if (!(await this.#deps.metadata.getBucket(accountId, bucketId))) {
        throw new AppError("BUCKET_NOT_FOUND", `bucketId ${bucketId} was not found`);
      }
    }
  }

  async #requireDocuments(accountId: string, documentIds: readonly string[]): Promise<DocumentRecord[]> {
    const found = await this.#deps.documents.getDocuments(accountId, documentIds);
    const known = new Set(found.map((d) => d.id));
    const missing = documentIds.find((id) => !known.has(id));
    if (missing) throw new AppError("DOCUMENT_NOT_FOUND", `documentId ${missing} was not found`);
    return [...found];
  }

  /** Remote and local ingest (§4.1, §4.2). Uploaded bytes are stored before the rows are written. */
  async ingest(
    accountId: string,
    inputs: readonly IngestDocumentInput[],
    callback: Callback = {},
  ): Promise<ProcessRecord> {
    await this.#requireBuckets(
      accountId,
      inputs.map((i) => i.bucketId),
    );
    const processId = newUuid();
    const documents: NewDocument[] = inputs.map((input) => ({
      id: newUuid(),
      bucketId: input.bucketId,
      fileName: input.fileName,
      declaredType: input.declaredType,
      processLevel: input.processLevel,
      filter: input.filter,
      searchData: input.searchData,
      urlToken: randomBytes(18).toString("base64url"),
      ...(input.source.kind === "remote"
        ? { originUrl: input.source.url }
        : {
            fileBytes: input.source.bytes.byteLength,
            contentHash: createHash("sha256").update(input.source.bytes).digest("hex"),
          }),
    }));
    const stored: string[] = [];
    try {
      for (const [i, input] of inputs.entries()) {
        const document = documents[i];
        if (input.source.kind !== "upload" || !document) continue;
        await this.#deps.blobs.put(blobKeys.original(document.id), input.source.bytes);
        stored.push(document.id);
      }
      const process = await this.#deps.documents.createIngestProcess(
        accountId,
        { id: processId, kind: "ingest", ...callback },
        documents,
        documents.map((d) => ingestJob(d.id, processId)),
      );
      this.#deps.wake();
      return process;
    } catch (error) {
      for (const id of stored) await this.#deps.blobs.deletePrefix(blobKeys.documentPrefix(id));
      throw error;
    }
  }

  /** Website crawl (§4.3, D12): one process, one crawl job per site; pages become documents as found. */
  async crawl(
    accountId: string,
    websites: readonly {
      readonly bucketId: number;
      readonly sourceUrl: string;
      readonly depth: number;
      readonly cap: number;
      readonly searchData?: Readonly<Record<string, unknown>> | undefined;
    }[],
    callback: Callback = {},
  ): Promise<ProcessRecord> {
    await this.#requireBuckets(
      accountId,
      websites.map((w) => w.bucketId),
    );
    const processId = newUuid();
    const process = await this.#deps.documents.createItemsProcess(
      accountId,
      { id: processId, kind: "ingest", pendingWork: websites.length, ...callback },
      [],
      websites.map((site) => ({
        id: newUuid(),
        kind: JOB_KINDS.crawl,
        groupKey: processId,
        maxAttempts: 1,
        payload: {
          processId,
          accountId,
          bucketId: site.bucketId,
          sourceUrl: site.sourceUrl,
          depth: site.depth,
          cap: site.cap,
          ...(site.searchData ? { searchData: site.searchData } : {}),
        } satisfies CrawlJobPayload,
      })),
    );
    this.#deps.wake();
    return process;
  }

  /** Copy (D11): new documents with the same name, filter and searchData; the parse is reused. */
  async copy(
    accountId: string,
    toBucket: number,
    documentIds: readonly string[] | undefined,
    fromBucket?: number,
  ) {
    await this.#requireBuckets(accountId, [toBucket, ...(fromBucket !== undefined ? [fromBucket] : [])]);
    const ids =
      documentIds ??
      (fromBucket !== undefined ? await this.#deps.documents.documentIdsInBucket(accountId, fromBucket) : []);
    const sources = await this.#requireDocuments(accountId, ids);
    const processId = newUuid();
    const documents: NewDocument[] = sources.map((source) => ({
      id: newUuid(),
      bucketId: toBucket,
      fileName: source.fileName,
      declaredType: source.declaredType ?? source.fileType,
      processLevel: source.processLevel,
      filter: source.filter,
      searchData: source.searchData,
      urlToken: randomBytes(18).toString("base64url"),
      copiedFrom: source.id,
      fileBytes: source.fileBytes,
      ...(source.contentHash ? { contentHash: source.contentHash } : {}),
      ...(source.fileType ? { fileType: source.fileType } : {}),
      ...(source.originUrl && !source.contentHash ? { originUrl: source.originUrl } : {}),
    }));
    const process = await this.#deps.documents.createIngestProcess(
      accountId,
      { id: processId, kind: "copy" },
      documents,
      documents.map((d) => ingestJob(d.id, processId)),
    );
    this.#deps.wake();
    return process;
  }

  /** Update (§4.5): replace fileName/filter/searchData, re-index without re-parse. */
  async update(accountId: string, changes: readonly DocumentChanges[], callback: Callback = {}) {
    await this.#requireDocuments(
      accountId,
      changes.map((c) => c.documentId),
    );
    const processId = newUuid();
    const process = await this.#deps.documents.createItemsProcess(
      accountId,
      { id: processId, kind: "update", ...callback },
      changes.map((c) => c.documentId),
      changes.map((c) => ({
        id: newUuid(),
        kind: JOB_KINDS.reindex,
        groupKey: processId,
        payload: {
          documentId: c.documentId,
          processId,
          changes: {
            ...(c.fileName !== undefined ? { fileName: c.fileName } : {}),
            ...(c.filter !== undefined ? { filter: c.filter } : {}),
            ...(c.searchData !== undefined ? { searchData: c.searchData } : {}),
          },
        } satisfies ReindexJobPayload,
      })),
    );
    this.#deps.wake();
    return process;
  }

  /** Delete (§4.6, §4.9): gone from every read at once; files removed by a job. */
  async delete(accountId: string, documentIds: readonly string[]): Promise<ProcessRecord> {
    const documents = await this.#requireDocuments(accountId, documentIds);
    const processId = newUuid();
    const payload: PurgeJobPayload = {
      processId,
      documentIds: documents.map((d) => d.id),
      contentHashes: documents.flatMap((d) => (d.contentHash ? [d.contentHash] : [])),
    };
    const process = await this.#deps.documents.createDeleteProcess(
      accountId,
      { id: processId, kind: "delete" },
      documents.map((d) => d.id),
      (d) => presentDocument(d, this.#deps.urls),
      [{ id: newUuid(), kind: JOB_KINDS.purge, groupKey: processId, payload }],
    );
    if (!process) throw new AppError("DOCUMENT_NOT_FOUND", "a document was deleted meanwhile");
    this.#deps.wake();
    return process;
  }

  /** Bucket deletion hook: every document of the bucket goes through {@link delete}. */
  async deleteBucketDocuments(accountId: string, bucketId: number): Promise<void> {
    const ids = await this.#deps.documents.documentIdsInBucket(accountId, bucketId);
    if (ids.length > 0) await this.delete(accountId, ids);
  }

  /** Cancel (§4.15): not-yet-terminal documents become cancelled; callbacks go out for them. */
  async cancel(accountId: string, processId: string): Promise<ProcessRecord> {
    const process = await this.#deps.documents.getProcess(accountId, processId);
    if (!process) throw new AppError("PROCESS_NOT_FOUND", `processId ${processId} was not found`);
    const cancelled = await this.#deps.documents.cancelProcess(accountId, processId);
    for (const documentId of cancelled) await this.#deps.notifier.documentSettled(processId, documentId);
    return (await this.#deps.documents.getProcess(accountId, processId)) ?? process;
  }
}
