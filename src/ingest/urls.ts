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

  /** The JPEG image of one page (1-based), rendered on first request (§5.3 `pageUrl`). */
  page(document: Pick<DocumentRecord, "id" | "urlToken">, pageNumber: number): string {
    return `${this.#root(document)}/pages/${pageNumber}.jpg`;
  }

  /** The JPEG crop of a table or figure chunk on its first page (§5.2 `multimodalUrl`). */
  crop(document: Pick<DocumentRecord, "id" | "urlToken">, chunkIndex: number): string {
    return `${this.#root(document)}/crops/${chunkIndex}.jpg`;
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
  page: (documentId: string, pageNumber: number) => `documents/${documentId}/pages/${pageNumber}.jpg`,
  crop: (documentId: string, chunkIndex: number) => `documents/${documentId}/crops/${chunkIndex}.jpg`,
  /** The PDF LibreOffice made of a DOCX/PPTX (depends on the bytes only). */
  pagesPdf: (contentHash: string) => `artifacts/${contentHash}/pages.pdf`,
  artifactPrefix: (contentHash: string) => `artifacts/${contentHash}`,
  artifact: (contentHash: string, variant: string) => `artifacts/${contentHash}/${variant}.json`,
  vectors: (contentHash: string, variant: string) => `artifacts/${contentHash}/${variant}.f32`,
};
