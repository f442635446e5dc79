/**
 * @module Page geometry for DOCX/PPTX: render the document to PDF with
 * LibreOffice (`./libreoffice.ts`), read the positioned text of every page
 * with the PDF module (`../pdf`), and align the blocks to it (`./align.ts`).
 *
 * The result has `pages` (the PDF page sizes in page-image pixels at 150 dpi),
 * `pagesPdf` (the rendering, from which the server draws page images) and
 * blocks with `pageNumber` and `boxes`. Whenever that is not possible —
 * LibreOffice missing or switched off (the `libreoffice` option), the
 * conversion failing or timing out, an unreadable PDF, more pages than
 * `limits.maxPages` — the document is returned unchanged: geometry is an
 * extra, never a reason to fail a document.
 *
 * Presentations: when the PDF has one page per slide, each block is searched
 * on its own slide's page only (and keeps its slide number if not found).
 */
import type { PageContent } from "../layout/types.js";
import { openPdf, type PdfDocument } from "../pdf/index.js";
import type { Block, ParsedDocument, ParseLimits, ParserOptions } from "../types.js";
import { alignBlocks } from "./align.js";
import { convertToPdf, libreOfficePath } from "./libreoffice.js";

export interface GeometryOptions {
  readonly format: "docx" | "pptx";
  readonly limits: ParseLimits;
  /** Which LibreOffice (or none) and its timeout. */
  readonly options: Pick<ParserOptions, "libreoffice" | "libreofficeTimeoutMs">;
  /** Presentations: the number of slides (block page numbers are slide numbers). */
  readonly slides?: number;
}

async function readPages(pdf: PdfDocument): Promise<PageContent[]> {
  const pages: PageContent[] = [];
  for (let n = 1; n <= pdf.pageCount; n++) pages.push(await pdf.extractPage(n));
  return pages;
}

/**
 * Add LibreOffice page geometry to a parsed DOCX/PPTX (see the module comment).
 *
 * @example const withPages = await addPageGeometry(parsed, bytes, { format: "docx", limits, options });
 */
export async function addPageGeometry(
  parsed: ParsedDocument,
  bytes: Uint8Array,
  options: GeometryOptions,
): Promise<ParsedDocument> {
  const soffice = libreOfficePath(options.options.libreoffice);
  if (!soffice) return parsed;
  const pdfBytes = await convertToPdf(bytes, options.format, {
    soffice,
    timeoutMs: options.options.libreofficeTimeoutMs,
  });
  if (!pdfBytes) return parsed;
  let pdf: PdfDocument | undefined;
  try {
    pdf = await openPdf(pdfBytes);
    if (pdf.pageCount === 0 || pdf.pageCount > options.limits.maxPages) return parsed;
    const pages = await readPages(pdf);
    const perSlide = options.format === "pptx" && options.slides === pdf.pageCount;
    const blocks: Block[] = alignBlocks(
      parsed.blocks,
      pages,
      perSlide ? { pageOf: (block) => block.pageNumber } : {},
    );
    return {
      ...parsed,
      blocks,
      pages: pages.map((p) => ({
        pageNumber: p.pageNumber,
        width: Math.round(p.width),
        height: Math.round(p.height),
      })),
      pagesPdf: pdfBytes,
    };
  } catch {
    return parsed;
  } finally {
    await pdf?.close().catch(() => undefined);
  }
}
