import type { ChunkPageRefs } from "../../../ingest/pages.js";
import type { HostedUrls } from "../../../ingest/urls.js";
import type { SearchHit } from "../../../search/search.js";
import { buildSearchText } from "../../../search/text.js";

/** SearchResultItem (CONTRACT.md §2.4); `searchData` only at verbosity 2. */
export function presentHit(hit: SearchHit, urls: HostedUrls, verbosity: number) {
  const { chunk, document } = hit;
  const data = chunk.data as {
    boundingBoxes?: unknown[];
    json?: unknown[];
    narrative?: string[];
    multimodalUrl?: string;
  } & ChunkPageRefs;
  return {
    score: hit.score,
    text: chunk.text,
    suggestedText: chunk.suggestedText,
    documentId: document.id,
    processId: document.processId,
    bucketId: document.bucketId,
    chunkId: chunk.chunkId,
    fileName: document.fileName,
    ...(document.fileSummary ? { fileSummary: document.fileSummary } : {}),
    ...(document.fileKeywords ? { fileKeywords: document.fileKeywords } : {}),
    ...(chunk.sectionSummary ? { sectionSummary: chunk.sectionSummary } : {}),
    sourceUrl: urls.source(document),
    ...(data.multimodalUrl ? { multimodalUrl: data.multimodalUrl } : {}),
    boundingBoxes: data.boundingBoxes ?? [],
    ...(data.pageImages ? { pageImages: data.pageImages } : {}),
    ...(data.pages ? { pages: data.pages } : {}),
    ...(data.json ? { json: data.json } : {}),
    ...(data.narrative ? { narrative: data.narrative } : {}),
    ...(verbosity >= 2
      ? {
          searchData: {
            ...document.searchData,
            ...(document.fileSummary ? { documentSummary: document.fileSummary } : {}),
            ...(chunk.sectionSummary ? { sectionSummary: chunk.sectionSummary } : {}),
            fullTitle: document.fileName,
          },
        }
      : {}),
  };
}

/** `search.text` (§6.4) over the hits of this page. */
export function presentSearchText(hits: readonly SearchHit[]): string {
  return buildSearchText(
    hits.map((hit) => ({
      documentId: hit.document.id,
      fileName: hit.document.fileName,
      sectionKey: hit.chunk.sectionSummary ?? "",
      pageNumbers: hit.chunk.pageNumbers,
      suggestedText: hit.chunk.suggestedText,
      text: hit.chunk.text,
    })),
  );
}
