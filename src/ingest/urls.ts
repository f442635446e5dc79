import type { DocumentRecord } from "../store/contracts/document-store.js";

/**
 * The hosted URLs of a document (CONTRACT.md D14): absolute, under the public
 * URL, fetchable without the API key thanks to the unguessable token in the path.
 */
export class HostedUrls {
  readonly #base: string;

  constructor(publicUrl: string) {
    this.#base = publicUrl.replace(/\/+$/, "");
  }

  #root(document: Pick<DocumentRecord, "id" | "urlToken">): string {
    return `${this.#base}/files/${document.id}/${document.urlToken}`;
  }

  /**
   * The document's `sourceUrl`: the hosted copy of its original (D14), except
   * for a crawled page, whose sourceUrl is the page itself (D12).
   */
  source(
    document: Pick<DocumentRecord, "id" | "urlToken" | "fileName" | "sourceKind" | "originUrl">,
  ): string {
    return document.sourceKind === "crawl" && document.originUrl
      ? document.originUrl
      : this.original(document);
  }

  /** The stored original file. */
  original(document: Pick<DocumentRecord, "id" | "urlToken" | "fileName">): string {
    return `${this.#root(document)}/original/${encodeURIComponent(document.fileName)}`;
  }

  /** The X-Ray JSON, identical to GET /ingest/document/xray/{id}. */
  xray(document: Pick<DocumentRecord, "id" | "urlToken">): string {
    return `${this.#root(document)}/xray.json`;
  }
}

/** Blob keys of a document's stored files. */
export const blobKeys = {
  documentPrefix: (documentId: string) => `documents/${documentId}`,
  original: (documentId: string) => `documents/${documentId}/original`,
  xray: (documentId: string) => `documents/${documentId}/xray.json`,
  artifactPrefix: (contentHash: string) => `artifacts/${contentHash}`,
  artifact: (contentHash: string, variant: string) => `artifacts/${contentHash}/${variant}.json`,
  vectors: (contentHash: string, variant: string) => `artifacts/${contentHash}/${variant}.f32`,
};
