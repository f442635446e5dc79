import { formatFileSize, toRfc3339 } from "../../core/format.js";
import { deriveProcessStatus, type ProcessStatus } from "../../ingest/process-status.js";
import type { HostedUrls } from "../../ingest/urls.js";
import type {
  DocumentRecord,
  DocumentStatus,
  DocumentStore,
  ProcessItem,
  ProcessRecord,
} from "../../store/contracts/document-store.js";

/** DocumentDetail (CONTRACT.md §2.1). `status` may be overridden by a process's own view. */
export function presentDocument(
  document: DocumentRecord,
  urls: HostedUrls,
  status?: DocumentStatus,
  message?: string,
) {
  const effective = status ?? document.status;
  const statusMessage = status === undefined ? document.statusMessage : message;
  return {
    documentId: document.id,
    bucketId: document.bucketId,
    fileName: document.fileName,
    fileSize: formatFileSize(document.fileBytes),
    ...(document.fileType ? { fileType: document.fileType } : {}),
    ...(document.filter ? { filter: document.filter } : {}),
    ...(document.searchData ? { searchData: document.searchData } : {}),
    processId: document.processId,
    processLevel: document.processLevel,
    sourceUrl: urls.source(document),
    status: effective,
    ...(statusMessage ? { statusMessage } : {}),
    ...(document.status === "complete" ? { xrayUrl: urls.xray(document) } : {}),
    created: toRfc3339(document.created),
    updated: toRfc3339(document.updated),
  };
}

export type DocumentDetail = ReturnType<typeof presentDocument>;

const PROGRESS_KEYS: Record<DocumentStatus, "queued" | "processing" | "complete" | "errors" | "cancelled"> = {
  queued: "queued",
  processing: "processing",
  complete: "complete",
  error: "errors",
  cancelled: "cancelled",
};

/** A one-line account of a process: "2 complete, 1 error of 3 documents". */
function describe(status: ProcessStatus, items: readonly ProcessItem[]): string {
  const counts = new Map<DocumentStatus, number>();
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  const parts = [...counts].map(([s, n]) => `${n} ${s}`);
  return `${status}: ${parts.length > 0 ? parts.join(", ") : "no documents"} (${items.length} in all)`;
}

/** IngestStatus with all five progress buckets (CONTRACT.md §2.2). */
export async function presentIngestStatus(process: ProcessRecord, store: DocumentStore, urls: HostedUrls) {
  const items = await store.processItems(process.id);
  const documents = new Map(
    (
      await store.getDocuments(
        process.accountId,
        items.map((i) => i.documentId),
      )
    ).map((d) => [d.id, d]),
  );
  const progress = {
    queued: { total: 0, documents: [] as unknown[] },
    processing: { total: 0, documents: [] as unknown[] },
    complete: { total: 0, documents: [] as unknown[] },
    errors: { total: 0, documents: [] as unknown[] },
    cancelled: { total: 0, documents: [] as unknown[] },
  };
  for (const item of items) {
    const bucket = progress[PROGRESS_KEYS[item.status]];
    bucket.total += 1;
    const document = documents.get(item.documentId);
    if (document) bucket.documents.push(presentDocument(document, urls, item.status, item.statusMessage));
    else if (item.snapshot) {
      bucket.documents.push({
        ...item.snapshot,
        status: item.status,
        ...(item.statusMessage ? { statusMessage: item.statusMessage } : {}),
      });
    } else {
      bucket.documents.push({
        documentId: item.documentId,
        status: item.status,
        statusMessage: item.statusMessage ?? "document deleted",
      });
    }
  }
  const status = deriveProcessStatus(
    process.cancelled,
    items.map((i) => i.status),
    process.pendingWork,
  );
  return { processId: process.id, id: process.seq, status, statusMessage: describe(status, items), progress };
}

/** IngestStatusLight (§2.3). */
export async function presentIngestStatusLight(process: ProcessRecord, store: DocumentStore) {
  const items = await store.processItems(process.id);
  const status = deriveProcessStatus(
    process.cancelled,
    items.map((i) => i.status),
    process.pendingWork,
  );
  return { processId: process.id, id: process.seq, status, statusMessage: describe(status, items) };
}
