/**
 * @module PDF parser: pdf.js text layer (or OCR) → shared layout analysis.
 *
 * - The page count is checked against `limits.maxPages` before any page is
 *   read; the text length against `limits.maxChars` while pages are read.
 * - Each page is extracted (`../pdf`) into positioned text, rules and images.
 *   A page whose text layer is garbage or missing (see `../pdf/text-quality`)
 *   is rendered at 300 dpi and OCR'd; pages with a real text layer never are.
 *   The OCR module is imported on first use, so text PDFs never load it and a
 *   missing or failing OCR only costs the pages that needed it: they keep
 *   whatever usable text they had, and when the document ends up with no text
 *   at all the OCR failure becomes the document's error.
 * - A page pdf.js cannot read is kept as an empty page; only a document where
 *   no page can be read fails (PARSE_FAILED).
 * - All pages go through `layoutDocument` together (running headers/footers
 *   are found across pages). Boxes of OCR'd pages that had to be turned upright
 *   are mapped back onto the page as displayed.
 * - `title`: the document information Title (producer noise such as
 *   "Microsoft Word - x.docx" or "Untitled" cleaned away), else the first
 *   top-level heading of the first two pages.
 * - Long documents are read by two threads (`../pdf/parallel`): each reads a
 *   page range, and the layout runs here on all pages.
 */
import { layoutDocument } from "../layout/index.js";
import { openPdf } from "../pdf/index.js";
import { type OcrModule, type Rotation, toPageSpace, withLanguages } from "../pdf/ocr-page.js";
import { parallelismFor, readPagesInParallel } from "../pdf/parallel.js";
import { defaultOcr, type PageResult, readPages } from "../pdf/read-pages.js";
import {
  type Block,
  type PageInfo,
  type ParseContext,
  type ParsedDocument,
  ParseError,
  type Parser,
} from "../types.js";

/** The title heading is looked for on this many first pages. */
const TITLE_PAGES = 2;

export interface PdfParserOptions {
  /** Loads the OCR module (default: `../ocr/index.js`, imported on first use; tests inject a fake). */
  readonly loadOcr?: () => Promise<OcrModule>;
  /** Threads to read pages with (default: by page count and CPUs, see `parallelismFor`; 1 = this thread only). */
  readonly threads?: number;
}

function hasText(block: Block): boolean {
  if (block.kind === "table") return [...block.header, ...block.rows.flat()].some((c) => c.trim() !== "");
  if (block.kind === "figure") return Boolean(block.caption?.trim() || block.text?.trim());
  return block.text.trim() !== "";
}

/** The top-level heading of the first pages (the first of the highest level), if any. */
function titleHeading(blocks: readonly Block[]): string | undefined {
  let best: { level: number; text: string } | undefined;
  for (const b of blocks) {
    if ((b.pageNumber ?? 1) > TITLE_PAGES) break;
    if (b.kind === "heading" && b.text.trim() && (!best || b.level < best.level)) {
      best = { level: b.level, text: b.text.trim() };
    }
  }
  return best?.text;
}

/** Boxes of pages laid out upright after OCR, mapped back onto the displayed page. */
function restoreBoxes(
  blocks: Block[],
  turned: ReadonlyMap<number, { rotation: Rotation; page: PageInfo }>,
): Block[] {
  if (turned.size === 0) return blocks;
  return blocks.map((block) => {
    if (!block.boxes?.some((b) => turned.has(b.pageNumber))) return block;
    const boxes = block.boxes.map((b) => {
      const t = turned.get(b.pageNumber);
      return t ? toPageSpace(b, t.rotation, t.page.width, t.page.height) : b;
    });
    return { ...block, boxes };
  });
}

async function parsePdf(
  bytes: Uint8Array,
  context: ParseContext,
  options: PdfParserOptions,
): Promise<ParsedDocument> {
  const languages = context.options?.ocrLanguages;
  const loadOcr = options.loadOcr ?? (languages ? withLanguages(defaultOcr, languages) : defaultOcr);
  const pdf = await openPdf(bytes);
  let results: PageResult[];
  let info: string | undefined;
  try {
    const count = pdf.pageCount;
    if (count > context.limits.maxPages) {
      throw new ParseError(
        "LIMIT_EXCEEDED",
        `the document has ${count} pages, more than the limit of ${context.limits.maxPages}`,
      );
    }
    if (count === 0) throw new ParseError("PARSE_FAILED", "the PDF has no pages");
    info = await pdf.title();
    const threads = options.threads ?? parallelismFor(count);
    const limits = context.limits;
    results =
      threads > 1 && !options.loadOcr
        ? await readPagesInParallel(
            bytes,
            count,
            threads,
            limits,
            (from, to) => readPages(pdf, from, to, limits, loadOcr),
            languages,
          )
        : await readPages(pdf, 1, count, limits, loadOcr);
  } finally {
    await pdf.close();
  }
  if (results.every((r) => r.failed))
    throw new ParseError("PARSE_FAILED", "no page of the PDF could be read");
  const pages: PageInfo[] = [];
  const turned = new Map<number, { rotation: Rotation; page: PageInfo }>();
  results.forEach((r, i) => {
    // An OCR'd page turned upright was laid out in the turned space: report the displayed size.
    const swap = r.rotation === 90 || r.rotation === 270;
    const { width, height } = r.content;
    const page: PageInfo = {
      pageNumber: i + 1,
      width: Math.round(swap ? height : width),
      height: Math.round(swap ? width : height),
    };
    pages.push(page);
    if (r.rotation) turned.set(i + 1, { rotation: r.rotation, page });
  });
  const blocks = restoreBoxes(layoutDocument(results.map((r) => r.content)), turned);
  const ocrErrors = results.flatMap((r) => (r.ocrError ? [r.ocrError] : []));
  if (ocrErrors.length > 0 && !blocks.some(hasText)) {
    throw new ParseError("PARSE_FAILED", `the PDF has no text layer and OCR failed (${ocrErrors[0]})`);
  }
  const title = info ?? titleHeading(blocks);
  return { blocks, pages, ...(title ? { title } : {}) };
}

/**
 * A PDF parser (tests inject a fake OCR module through `loadOcr`).
 *
 * @example const doc = await createPdfParser({ threads: 1 }).parse(bytes, context);
 */
export function createPdfParser(options: PdfParserOptions = {}): Parser {
  return {
    name: "pdf",
    formats: ["pdf"],
    parse: (bytes, context) => parsePdf(bytes, context, options),
  };
}

export const pdfParser: Parser = createPdfParser();
