/**
 * @module Page images and crops of a document's X-Ray: which box a table or
 * figure crop shows, and the page references a search result carries (§2.4
 * `pages[]`, `pageImages`).
 *
 * Boxes of unpaged documents are all zeros (§5.2 needs one per page anyway);
 * such a box has no area and never gets a crop.
 */
import type { XRayBox, XRayChunk, XRayPage } from "./types.js";

/** The margin around a crop, in page pixels, so table borders are not cut. */
const CROP_MARGIN = 8;

/**
 * The region a table/figure crop shows: the union of the chunk's boxes on the
 * first page (with an image) it has a box with area on, widened by a small margin
 * and clamped to the page when its size is given; undefined when there is none.
 *
 * @example cropBox({ boundingBoxes: [{ pageNumber: 2, topLeftX: 10, topLeftY: 10, bottomRightX: 50, bottomRightY: 40, corrected: false }] }, new Set([2]))
 *   // → { pageNumber: 2, topLeftX: 2, topLeftY: 2, bottomRightX: 58, bottomRightY: 48, corrected: false }
 */
export function cropBox(
  chunk: Pick<XRayChunk, "boundingBoxes">,
  imaged: ReadonlySet<number>,
  page?: Pick<XRayPage, "width" | "height">,
): XRayBox | undefined {
  const boxes = chunk.boundingBoxes.filter(
    (box) =>
      box.pageNumber !== null &&
      imaged.has(box.pageNumber) &&
      box.bottomRightX > box.topLeftX &&
      box.bottomRightY > box.topLeftY,
  );
  const first = boxes[0];
  if (!first) return undefined;
  const onPage = boxes.filter((box) => box.pageNumber === first.pageNumber);
  const width = page?.width ?? Number.POSITIVE_INFINITY;
  const height = page?.height ?? Number.POSITIVE_INFINITY;
  return {
    pageNumber: first.pageNumber,
    topLeftX: Math.max(0, Math.min(...onPage.map((b) => b.topLeftX)) - CROP_MARGIN),
    topLeftY: Math.max(0, Math.min(...onPage.map((b) => b.topLeftY)) - CROP_MARGIN),
    bottomRightX: Math.min(width, Math.max(...onPage.map((b) => b.bottomRightX)) + CROP_MARGIN),
    bottomRightY: Math.min(height, Math.max(...onPage.map((b) => b.bottomRightY)) + CROP_MARGIN),
    corrected: first.corrected,
  };
}

export interface ChunkPageRefs {
  pages?: { number: number; imageUrl: string; width: number; height: number }[];
  pageImages?: string[];
}

/**
 * The page images a chunk touches, for search results: nothing when the
 * document has no page images.
 *
 * @example chunkPageRefs({ pageNumbers: [2] }, [{ pageNumber: 2, pageUrl: "u2", width: 10, height: 20 }])
 *   // → { pages: [{ number: 2, imageUrl: "u2", width: 10, height: 20 }], pageImages: ["u2"] }
 */
export function chunkPageRefs(
  chunk: Pick<XRayChunk, "pageNumbers">,
  documentPages: readonly XRayPage[] | undefined,
): ChunkPageRefs {
  if (!documentPages?.length) return {};
  const byNumber = new Map(documentPages.map((page) => [page.pageNumber, page]));
  const pages = chunk.pageNumbers.flatMap((n) => {
    const page = byNumber.get(n);
    return page ? [{ number: n, imageUrl: page.pageUrl, width: page.width, height: page.height }] : [];
  });
  return pages.length ? { pages, pageImages: pages.map((p) => p.imageUrl) } : {};
}
