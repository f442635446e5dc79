/**
 * @module One PDF page → `PageContent` (text items, rules, image regions in
 * page pixels at `PAGE_IMAGE_DPI`).
 *
 * The operator list is fetched first: it loads the page's fonts into pdf.js's
 * common objects, which is where the fonts' real names (and so their
 * boldness) can be read; the text content then reuses the parsed fonts.
 * Annotations are left out (their appearance streams are widgets, not page
 * content). The page's resources are released (`cleanup`) before returning,
 * so memory stays bounded on long documents.
 */
import { PAGE_IMAGE_DPI, type PageContent } from "../layout/types.js";
import { pageGraphics } from "./graphics.js";
import type { PDFDocumentProxy, PDFPageProxy, PdfJsModule } from "./pdfjs.js";
import {
  type FontInfo,
  isBoldFontName,
  type Matrix,
  type PdfTextContent,
  stripSubset,
  textItems,
} from "./text.js";

/** Page pixels per PDF point. */
export const PIXELS_PER_POINT = PAGE_IMAGE_DPI / 72;

/** Size of a page in page pixels (rotation applied). */
export function pageSize(page: PDFPageProxy): { width: number; height: number } {
  const viewport = page.getViewport({ scale: PIXELS_PER_POINT });
  return {
    width: Math.round(viewport.width * 1000) / 1000,
    height: Math.round(viewport.height * 1000) / 1000,
  };
}

/** Name and boldness of the fonts the text items use (loaded by the operator list). */
function pageFonts(page: PDFPageProxy, content: PdfTextContent): Map<string, FontInfo> {
  const fonts = new Map<string, FontInfo>();
  for (const item of content.items) {
    const id = (item as { fontName?: unknown }).fontName;
    if (typeof id !== "string" || fonts.has(id)) continue;
    const font = page.commonObjs.has(id) ? (page.commonObjs.get(id) as { name?: unknown } | null) : null;
    const name = typeof font?.name === "string" ? stripSubset(font.name) : undefined;
    fonts.set(id, { ...(name ? { name } : {}), bold: isBoldFontName(name) });
  }
  return fonts;
}

/**
 * Extract one page (1-based) into the layout stage's input.
 *
 * @example const content = await extractPage(pdfjs, doc, 1); content.items[0]?.text
 */
export async function extractPage(
  pdfjs: PdfJsModule,
  doc: PDFDocumentProxy,
  pageNumber: number,
): Promise<PageContent> {
  const page = await doc.getPage(pageNumber);
  try {
    const viewport = page.getViewport({ scale: PIXELS_PER_POINT });
    const transform = viewport.transform as unknown as Matrix;
    const ops = await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE });
    const content = (await page.getTextContent()) as unknown as PdfTextContent;
    // 792 pt × 150/72 is 1650.0000000000002 in floating point: keep sizes tidy.
    const width = Math.round(viewport.width * 1000) / 1000;
    const height = Math.round(viewport.height * 1000) / 1000;
    const graphics = pageGraphics(pdfjs.OPS, ops, transform, width, height);
    return {
      pageNumber,
      width,
      height,
      items: textItems(content, transform, pageFonts(page, content), width, height),
      rules: graphics.rules,
      images: graphics.images,
    };
  } finally {
    page.cleanup();
  }
}
