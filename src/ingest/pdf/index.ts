/**
 * @module PDF access for the parser and the server: open a document, extract a
 * page into `PageContent` for the layout stage, render a page to pixels, read
 * the title, and release everything.
 *
 * A `PdfDocument` wraps one pdf.js document. Pages are loaded one at a time and
 * released after use, so a 600-page file never holds more than one page's
 * resources (fonts shared by pages stay cached on the document). `close` must
 * be called on every path (try/finally); it destroys the pdf.js document.
 */
import type { PageContent } from "../layout/types.js";
import type { RawImage } from "../ocr/types.js";
import { extractPage, pageSize } from "./page.js";
import { loadPdfJs, openPdfDocument, type PDFDocumentProxy } from "./pdfjs.js";
import { renderPage } from "./render.js";

export { PIXELS_PER_POINT } from "./page.js";
export { MAX_PIXELS } from "./render.js";

export interface PdfDocument {
  readonly pageCount: number;
  /** The document information Title (or XMP dc:title), cleaned (`cleanTitle`); undefined when absent. */
  title(): Promise<string | undefined>;
  /** Page size in page pixels (150 dpi, rotation applied). */
  pageSize(pageNumber: number): Promise<{ width: number; height: number }>;
  /** Text items, rules and images of a page (1-based) in page pixels. */
  extractPage(pageNumber: number): Promise<PageContent>;
  /** The page (1-based) rendered on white, RGBA, at `dpi` (scaled down for huge pages). */
  renderPage(pageNumber: number, dpi: number): Promise<RawImage>;
  /** Release the document (idempotent). */
  close(): Promise<void>;
}

/** Titles producers write that say nothing about the document. */
const PLACEHOLDER_TITLE =
  /^(?:untitled(?: document| spreadsheet)?|powerpoint presentation|presentation\d*|document\d*|slide \d+|title|none|null|no title)$/i;
const FILE_NAME = /\.(?:pdf|docx?|pptx?|xlsx?|odt|rtf|txt|jpe?g|png|tiff?|gif|bmp|indd|qxd|ps|eps)$/i;

/**
 * A metadata title cleaned of producer noise, or undefined when it is only noise:
 * "Microsoft Word - Report.docx" → "Report"; "scan0001.jpg", "Untitled" → undefined.
 */
export function cleanTitle(raw: string): string | undefined {
  let title = raw.replace(/\s+/g, " ").trim();
  title = title.replace(/^microsoft (?:word|powerpoint|excel) - /i, "").trim();
  if (FILE_NAME.test(title)) title = title.replace(FILE_NAME, "").trim();
  if (!title || PLACEHOLDER_TITLE.test(title) || !/\p{L}/u.test(title)) return undefined;
  // A bare file name ("scan0001", "loremipsum") from the producer is not a title either.
  if (FILE_NAME.test(raw.trim()) && !/\s/.test(title)) return undefined;
  return title;
}

async function readTitle(doc: PDFDocumentProxy): Promise<string | undefined> {
  try {
    const { info, metadata } = await doc.getMetadata();
    const fromInfo = (info as { Title?: unknown } | undefined)?.Title;
    const candidates = [typeof fromInfo === "string" ? fromInfo : undefined, metadata?.get("dc:title")];
    for (const c of candidates) {
      const title = typeof c === "string" ? cleanTitle(c) : undefined;
      if (title) return title;
    }
  } catch {
    // Broken metadata is not a reason to fail the document.
  }
  return undefined;
}

/**
 * Open a PDF.
 *
 * @throws ParseError ENCRYPTED (password-protected), PARSE_FAILED (not a readable PDF)
 * @example
 *   const pdf = await openPdf(bytes);
 *   try { const page = await pdf.extractPage(1); } finally { await pdf.close(); }
 */
export async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  const pdfjs = await loadPdfJs();
  const doc = await openPdfDocument(bytes);
  let closed = false;
  return {
    pageCount: doc.numPages,
    title: () => readTitle(doc),
    pageSize: async (pageNumber) => {
      const page = await doc.getPage(pageNumber);
      try {
        return pageSize(page);
      } finally {
        page.cleanup();
      }
    },
    extractPage: (pageNumber) => extractPage(pdfjs, doc, pageNumber),
    renderPage: (pageNumber, dpi) => renderPage(doc, pageNumber, dpi),
    close: async () => {
      if (closed) return;
      closed = true;
      await doc.destroy();
    },
  };
}
