import type { DocumentType } from "../../ingest/types.js";
import type { NewJob } from "./job-queue.js";

export const DOCUMENT_STATUSES = ["queued", "processing", "complete", "error", "cancelled"] as const;
/** Document lifecycle as Openground runs it (D10: no training/generating). */
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<DocumentStatus> = new Set(["complete", "error", "cancelled"]);

export type ProcessLevel = "full" | "none";
export type SourceKind = "upload" | "remote" | "copy" | "crawl";
export type ProcessKind = "ingest" | "update" | "copy" | "delete";

export interface DocumentRecord {
  readonly id: string;
  readonly accountId: string;
  readonly bucketId: number;
  /** The process that created the document (its lineage process). */
  readonly processId: string;
  readonly fileName: string;
  /** Known once the type is detected. */
  readonly fileType: DocumentType | undefined;
  readonly declaredType: string | undefined;
  readonly fileBytes: number;
  readonly contentHash: string | undefined;
  /** Remote ingest: the URL the server downloads. */
  readonly originUrl: string | undefined;
  /** Copies: the source document. */
  readonly copiedFrom: string | undefined;
  /** How the original arrived. */
  readonly sourceKind: SourceKind | undefined;
  readonly processLevel: ProcessLevel;
  readonly filter: Readonly<Record<string, unknown>> | undefined;
  readonly searchData: Readonly<Record<string, unknown>> | undefined;
  readonly status: DocumentStatus;
  readonly statusMessage: string | undefined;
  /** Secret part of the document's hosted URLs (D14). */
  readonly urlToken: string;
  readonly language: string | undefined;
  readonly fileSummary: string | undefined;
  readonly fileKeywords: string | undefined;
  readonly tokens: number;
  readonly chunkCount: number;
  readonly created: Date;
  readonly updated: Date;
}

export type NewDocument = Pick<
  DocumentRecord,
  "id" | "bucketId" | "fileName" | "declaredType" | "processLevel" | "filter" | "searchData" | "urlToken"
> &
  Partial<
    Pick<DocumentRecord, "originUrl" | "copiedFrom" | "fileBytes" | "contentHash" | "fileType" | "sourceKind">
  >;

export interface ProcessRecord {
  readonly id: string;
  /** Integer id of the process (IngestStatus.id). */
  readonly seq: number;
  readonly accountId: string;
  readonly kind: ProcessKind;
  readonly cancelled: boolean;
  /** Work that is not a document yet (a crawl still running): the process is not finished. */
  readonly pendingWork: boolean;
  readonly callbackUrl: string | undefined;
  readonly callbackData: string | undefined;
  readonly created: Date;
  readonly updated: Date;
}

/** One document as a process sees it. */
export interface ProcessItem {
  readonly processId: string;
  readonly position: number;
  readonly documentId: string;
  readonly status: DocumentStatus;
  readonly statusMessage: string | undefined;
  /** The document as it was, for documents that no longer exist (deletes). */
  readonly snapshot: Readonly<Record<string, unknown>> | undefined;
}

export interface StoredChunk {
  readonly index: number;
  readonly chunkId: string;
  readonly contentType: string;
  readonly pageNumbers: readonly number[];
  readonly text: string;
  readonly suggestedText: string;
  readonly sectionSummary: string | undefined;
  /** The whole X-Ray chunk. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Document-level fields indexed with every chunk for lexical search. */
export interface ChunkIndexFields {
  readonly title: string;
  readonly keywords: string;
}

export interface DocumentQuery {
  /** Restrict to these buckets (lookup by bucket or group). */
  readonly bucketIds?: readonly number[];
  /** Restrict to the documents of one process (lookup by processId). */
  readonly processId?: string;
  /** Case-insensitive substring of the file name. */
  readonly fileNameContains?: string;
  /** Any of these statuses. */
  readonly statuses?: readonly DocumentStatus[];
  readonly sort: "name" | "created";
  readonly order: "asc" | "desc";
  readonly limit: number;
  /** Keyset cursor: the sort key and id of the last document of the previous page. */
  readonly after?: readonly [string, string];
}

export interface NewProcess {
  readonly id: string;
  readonly kind: ProcessKind;
  /** Pieces of work that are not documents yet (crawls) the process starts with. */
  readonly pendingWork?: number;
  readonly callbackUrl?: string | undefined;
  readonly callbackData?: string | undefined;
}

/**
 * Documents, their chunks, and the processes that ingest, update, copy and
 * delete them. Every account-facing read takes the `accountId`. Methods that
 * take `jobs` enqueue them in the same transaction as the rows they write (the
 * job queue lives in the same database), so a crash can never leave a document
 * without its job or a job without its document.
 */
export interface DocumentStore {
  /** Create a process with new documents, their process items and jobs. */
  createIngestProcess(
    accountId: string,
    process: NewProcess,
    documents: readonly NewDocument[],
    jobs: readonly NewJob[],
  ): Promise<ProcessRecord>;
  /** Create a process over existing documents (update): items start `queued`. */
  createItemsProcess(
    accountId: string,
    process: NewProcess,
    documentIds: readonly string[],
    jobs: readonly NewJob[],
  ): Promise<ProcessRecord>;
  /**
   * Delete documents now (rows and chunks; they vanish from every read) and
   * create a process whose items keep a snapshot of each, with `jobs` to remove
   * their files. Returns undefined when one of the ids is not in the account.
   */
  createDeleteProcess(
    accountId: string,
    process: NewProcess,
    documentIds: readonly string[],
    snapshot: (document: DocumentRecord) => Readonly<Record<string, unknown>>,
    jobs: readonly NewJob[],
  ): Promise<ProcessRecord | undefined>;

  getProcess(accountId: string, processId: string): Promise<ProcessRecord | undefined>;
  /** Add documents (and their jobs) to an existing process, e.g. pages a crawl discovered. */
  addDocuments(
    processId: string,
    accountId: string,
    documents: readonly NewDocument[],
    jobs: readonly NewJob[],
  ): Promise<void>;
  /** One piece of pending work (a crawl) of the process has ended. */
  finishPendingWork(processId: string): Promise<void>;
  /** Internal (workers, callbacks): any account. */
  getProcessById(processId: string): Promise<ProcessRecord | undefined>;
  /** Newest first. */
  listProcesses(accountId: string, limit: number, beforeSeq?: number): Promise<readonly ProcessRecord[]>;
  processItems(processId: string): Promise<readonly ProcessItem[]>;
  setItemStatus(
    processId: string,
    documentId: string,
    status: DocumentStatus,
    message?: string,
  ): Promise<void>;
  /**
   * Cancel a process: its queued and processing items and documents become
   * `cancelled`, its queued jobs are cancelled and running ones asked to stop.
   */
  cancelProcess(accountId: string, processId: string): Promise<readonly string[]>;
  /** Mark that the process's terminal callback was sent; false if it already was. */
  markProcessNotified(processId: string): Promise<boolean>;

  getDocument(accountId: string, documentId: string): Promise<DocumentRecord | undefined>;
  /** Internal (workers): any account. */
  getDocumentById(documentId: string): Promise<DocumentRecord | undefined>;
  getDocuments(accountId: string, documentIds: readonly string[]): Promise<readonly DocumentRecord[]>;
  listDocuments(
    accountId: string,
    query: DocumentQuery,
  ): Promise<{
    readonly items: readonly DocumentRecord[];
    readonly total: number;
    readonly remaining: number;
  }>;
  /** The account's documents in a bucket (copy of a whole bucket). */
  documentIdsInBucket(accountId: string, bucketId: number): Promise<readonly string[]>;
  /** How many documents have this content hash (artifact garbage collection). */
  countByContentHash(contentHash: string): Promise<number>;

  /** queued → processing (also for this process's item). False when no longer queued/processing. */
  startDocument(documentId: string): Promise<boolean>;
  /** What a download told about the file: its type and name, when the request did not say. */
  recordDownloadHints(
    documentId: string,
    hints: { readonly declaredType?: string; readonly fileName?: string },
  ): Promise<void>;
  /** Record what the fetch/store and detect stages learnt. */
  recordOriginal(
    documentId: string,
    original: { readonly fileBytes: number; readonly contentHash: string; readonly fileType?: DocumentType },
  ): Promise<void>;
  /**
   * processing → complete, with its chunks, atomically. False (and nothing
   * written) when the document is no longer processing (cancelled, deleted).
   */
  completeDocument(
    documentId: string,
    result: {
      readonly language: string;
      readonly tokens: number;
      readonly fileType: DocumentType;
      readonly fileSummary?: string | undefined;
      readonly fileKeywords?: string | undefined;
    },
    chunks: readonly StoredChunk[],
    index: ChunkIndexFields,
    /** One vector per chunk (dense retrieval), when an embedder is configured. */
    vectors?: readonly Float32Array[],
  ): Promise<boolean>;
  /** → error with a reason, unless already terminal. */
  failDocument(documentId: string, message: string): Promise<boolean>;
  /** Replace fileName/filter/searchData (update; absent fields are kept). */
  updateDocumentMetadata(
    documentId: string,
    changes: {
      readonly fileName?: string;
      readonly filter?: Readonly<Record<string, unknown>> | null;
      readonly searchData?: Readonly<Record<string, unknown>> | null;
    },
  ): Promise<void>;
  chunks(documentId: string): Promise<readonly StoredChunk[]>;
}
