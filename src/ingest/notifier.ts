import { presentDocument, presentIngestStatus } from "../api/presenters/documents.js";
import type { CallbackSender } from "../net/index.js";
import type { DocumentStore } from "../store/contracts/document-store.js";
import { isTerminal } from "./process-status.js";
import type { HostedUrls } from "./urls.js";

/**
 * Callbacks (CONTRACT.md D6): one POST per document reaching complete, error or
 * cancelled, and one for the process when it becomes terminal, each
 * `{ ingest, document?, callbackData }`. Sent in the background: a slow or dead
 * receiver never blocks ingestion.
 */
export class CallbackNotifier {
  readonly #documents: DocumentStore;
  readonly #sender: CallbackSender;
  readonly #urls: HostedUrls;

  constructor(documents: DocumentStore, sender: CallbackSender, urls: HostedUrls) {
    this.#documents = documents;
    this.#sender = sender;
    this.#urls = urls;
  }

  async documentSettled(processId: string, documentId: string): Promise<void> {
    const process = await this.#documents.getProcessById(processId);
    if (!process?.callbackUrl) return;
    const ingest = await presentIngestStatus(process, this.#documents, this.#urls);
    const item = (await this.#documents.processItems(processId)).find((i) => i.documentId === documentId);
    const record = await this.#documents.getDocumentById(documentId);
    const document = record
      ? presentDocument(record, this.#urls, item?.status, item?.statusMessage)
      : { ...item?.snapshot, documentId, status: item?.status };
    const callbackData = process.callbackData;
    this.#sender.sendInBackground(process.callbackUrl, {
      ingest,
      document,
      ...(callbackData !== undefined ? { callbackData } : {}),
    });
    if (isTerminal(ingest.status) && (await this.#documents.markProcessNotified(processId))) {
      this.#sender.sendInBackground(process.callbackUrl, {
        ingest,
        ...(callbackData !== undefined ? { callbackData } : {}),
      });
    }
  }

  /** The process-level callback, once, when a process became terminal without a document settling. */
  async processChanged(processId: string): Promise<void> {
    const process = await this.#documents.getProcessById(processId);
    if (!process?.callbackUrl) return;
    const ingest = await presentIngestStatus(process, this.#documents, this.#urls);
    if (isTerminal(ingest.status) && (await this.#documents.markProcessNotified(processId))) {
      const callbackData = process.callbackData;
      this.#sender.sendInBackground(process.callbackUrl, {
        ingest,
        ...(callbackData !== undefined ? { callbackData } : {}),
      });
    }
  }

  /** Wait for callbacks in flight (shutdown, tests). */
  idle(): Promise<void> {
    return this.#sender.idle();
  }
}
