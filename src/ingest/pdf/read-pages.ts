/**
 * @module Reading a range of PDF pages into layout input, with OCR for pages
 * whose text layer is unusable. Shared by the parser (in its own thread) and
 * the page workers of `./parallel.ts`.
 *
 * - A page with a real text layer is used as is and never OCR'd.
 * - A page with a garbage text layer, or almost no text but some ink on a
 *   quick low-resolution rendering, is rendered at `OCR_DPI` and recognised.
 *   The OCR module is imported on first use: text PDFs never load it, and a
 *   missing or failing OCR only affects the pages that needed it — they keep
 *   their usable text (none for a garbage layer) and carry the error.
 * - A page pdf.js cannot read becomes an empty page marked `failed`.
 * - `limits.maxChars` is checked as pages come in.
 */
import type { PageContent } from "../layout/types.js";
import { checkCharLimit } from "../parsers/common.js";
import type { ParseLimits } from "../types.js";
import type { PdfDocument } from "./index.js";
import { OCR_DPI, type OcrModule, type Rotation, recognizePage } from "./ocr-page.js";
import { inkRatio, MIN_INK, measureTextLayer, textLayerVerdict } from "./text-quality.js";

/** Resolution of the quick rendering that tells a blank page from a scan. */
const INK_DPI = 36;

/** One page as read: plain data, so it can cross a thread boundary. */
export interface PageResult {
  readonly content: PageContent;
  /** Set when OCR turned the page upright: `content` is in the turned space. */
  readonly rotation?: Rotation;
  /** Why OCR was needed but failed. */
  readonly ocrError?: string;
  /** pdf.js could not read the page. */
  readonly failed?: boolean;
}

/** The OCR module, imported on first use (never for PDFs with a text layer on every page). */
export function defaultOcr(): Promise<OcrModule> {
  return import("../ocr/index.js");
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The text layer of a page, or its OCR when the text layer is unusable. */
async function readPage(
  pdf: PdfDocument,
  pageNumber: number,
  loadOcr: () => Promise<OcrModule>,
): Promise<PageResult> {
  let content: PageContent;
  try {
    content = await pdf.extractPage(pageNumber);
  } catch {
    const size = await pdf.pageSize(pageNumber).catch(() => ({ width: 0, height: 0 }));
    return { content: { pageNumber, ...size, items: [], rules: [], images: [] }, failed: true };
  }
  const verdict = textLayerVerdict(measureTextLayer(content.items));
  if (verdict === "ok") return { content };
  try {
    if (verdict === "missing" && inkRatio(await pdf.renderPage(pageNumber, INK_DPI)) < MIN_INK) {
      return { content };
    }
    const image = await pdf.renderPage(pageNumber, OCR_DPI);
    const ocr = await recognizePage(loadOcr, content, image);
    return { content: ocr.content, ...(ocr.rotation ? { rotation: ocr.rotation } : {}) };
  } catch (error) {
    const usable = verdict === "garbage" ? [] : content.items;
    return { content: { ...content, items: usable }, ocrError: `page ${pageNumber}: ${reason(error)}` };
  }
}

/**
 * Read pages `from`…`to` (1-based, inclusive) of an open PDF.
 *
 * @throws ParseError LIMIT_EXCEEDED when the text grows past `limits.maxChars`
 * @example const pages = await readPages(pdf, 1, pdf.pageCount, DEFAULT_PARSE_LIMITS);
 */
export async function readPages(
  pdf: PdfDocument,
  from: number,
  to: number,
  limits: ParseLimits,
  loadOcr: () => Promise<OcrModule> = defaultOcr,
): Promise<PageResult[]> {
  const out: PageResult[] = [];
  let chars = 0;
  for (let n = from; n <= to; n++) {
    const result = await readPage(pdf, n, loadOcr);
    for (const item of result.content.items) chars += item.text.length;
    checkCharLimit(chars, limits);
    out.push(result);
  }
  return out;
}
