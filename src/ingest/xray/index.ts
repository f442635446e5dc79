/**
 * @module The X-Ray document (CONTRACT.md §5), without the URLs the server adds
 * (`sourceUrl`, page image `pageUrl`s, crop `multimodalUrl`s).
 *
 * Decisions on the open points:
 * - `pageNumbers`: unpaged documents (txt, csv, json, html…) report `[1]`: the
 *   Python loader needs an int list and `search.text` prints "page number <p>".
 * - `boundingBoxes`: the chunk's boxes; a chunk without boxes gets one box per
 *   page it is on (page 1 for unpaged documents) with all coordinates 0. Every
 *   box has `pageNumber` and `corrected` (false unless the parser set it).
 * - `suggestedText`: paragraphs → the text with its headings as Markdown
 *   (`## Title`), and the section heading prepended as context on chunks that
 *   continue a section; tables/figures → one JSON line per `json[]` entry, a
 *   blank line, then the narrative (one sentence per line). With processLevel
 *   "none" it is the raw `text`.
 * - Tables: `json` = [metadata, ...rows]; row keys are the snake_case headers,
 *   deduplicated (`name`, `name_2`); cells stay strings. Figures: [metadata].
 * - `documentPages`: only when the parser reports pages; `pageUrl` is "" — the
 *   server fills it when it renders the page images. Per-page chunk copies are
 *   not emitted (optional in §5.3; they would double the size).
 */
import { toDocumentType } from "../detect/index.js";
import { detectLanguage, type Enrichment, enrichDocument, locateTables } from "../enrich/index.js";
import type {
  Box,
  Chunk,
  ChunkedDocument,
  ParsedDocument,
  SourceFormat,
  XRay,
  XRayBox,
  XRayChunk,
  XRayPage,
} from "../types.js";

export interface BuildXRayInput {
  readonly fileName: string;
  readonly format: SourceFormat;
  readonly chunked: ChunkedDocument;
  readonly parsed: ParsedDocument;
  readonly processLevel: "full" | "none";
  /** 6 base36 characters derived from the documentId by the server. */
  readonly chunkIdPrefix: string;
  /** Precomputed enrichment (processDocument passes it); computed here when absent and needed. */
  readonly enrichment?: Enrichment;
  /** Precomputed language name; detected here when absent. */
  readonly language?: string;
}

/**
 * snake_case key of a column header: accents dropped, camelCase split, any run
 * of non-letters/digits → "_" ("Customer Id" → "customer_id", "# In stock" → "in_stock").
 */
export function snakeCase(header: string): string {
  return header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC")
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, "$1_$2")
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}

/** Row-object keys for a header: snake_case, `column_<n>` when empty, collisions numbered (`name`, `name_2`). */
export function rowKeys(header: readonly string[]): string[] {
  const used = new Set<string>();
  return header.map((h, i) => {
    const base = snakeCase(h) || `column_${i + 1}`;
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
    used.add(key);
    return key;
  });
}

function toXRayBox(box: Box): XRayBox {
  return {
    pageNumber: box.pageNumber,
    topLeftX: box.topLeftX,
    topLeftY: box.topLeftY,
    bottomRightX: box.bottomRightX,
    bottomRightY: box.bottomRightY,
    corrected: box.corrected ?? false,
  };
}

function boxesOf(chunk: Chunk, pageNumbers: readonly number[]): XRayBox[] {
  if (chunk.boxes.length > 0) return chunk.boxes.map(toXRayBox);
  return pageNumbers.map((pageNumber) => ({
    pageNumber,
    topLeftX: 0,
    topLeftY: 0,
    bottomRightX: 0,
    bottomRightY: 0,
    corrected: false,
  }));
}

function markdownHeading(title: string, level: number): string {
  return `${"#".repeat(Math.min(6, Math.max(1, level)))} ${title}`;
}

/** Paragraph text with its opening headings as Markdown, or the section heading as context. */
function paragraphSuggestedText(chunk: Chunk, chunked: ChunkedDocument): string {
  const levels = new Map<string, number>();
  for (const section of chunked.sections.slice(0, chunk.section + 1)) {
    if (section.title !== undefined) levels.set(section.title, section.level);
  }
  const blocks = chunk.text.split("\n\n");
  let i = 0;
  for (; i < blocks.length - 1; i++) {
    const level = levels.get(blocks[i] ?? "");
    if (level === undefined) break;
    blocks[i] = markdownHeading(blocks[i] ?? "", level);
  }
  const section = chunked.sections[chunk.section];
  if (i === 0 && section?.title !== undefined && section.level > 0) {
    return `${markdownHeading(section.title, section.level)}\n\n${chunk.text}`;
  }
  return blocks.join("\n\n");
}

function jsonLines(json: readonly unknown[], narrative: readonly string[]): string {
  const lines = json.map((entry) => JSON.stringify(entry)).join("\n");
  return narrative.length > 0 ? `${lines}\n\n${narrative.join("\n")}` : lines;
}

/**
 * Build the X-Ray of a processed document (see the module comment for the decisions).
 *
 * @example buildXRay({ fileName: "a.csv", format: "csv", chunked, parsed, processLevel: "full", chunkIdPrefix: "k3v9qa" })
 *   .chunks[0].chunk === "k3v9qa-0"
 */
export function buildXRay(input: BuildXRayInput): Omit<XRay, "sourceUrl"> {
  const { fileName, format, chunked, parsed, processLevel, chunkIdPrefix } = input;
  const full = processLevel === "full";
  const enrichment = full ? (input.enrichment ?? enrichDocument({ fileName, chunked, parsed })) : undefined;
  const language = input.language ?? enrichment?.language ?? detectLanguage(chunked.text).name;
  const figureNumbers = new Map<number, number>();
  for (const chunk of chunked.chunks) {
    if (chunk.contentType === "figure") figureNumbers.set(chunk.index, figureNumbers.size + 1);
  }
  const tablePositions = enrichment?.tables ?? locateTables(chunked, parsed);

  const chunks = chunked.chunks.map((chunk): XRayChunk => {
    const pageNumbers = chunk.pageNumbers.length > 0 ? [...chunk.pageNumbers] : [1];
    const out: XRayChunk = {
      chunk: `${chunkIdPrefix}-${chunk.index}`,
      contentType: [chunk.contentType],
      pageNumbers,
      text: chunk.text,
      suggestedText: chunk.text,
      boundingBoxes: boxesOf(chunk, pageNumbers),
    };
    const sectionSummary = enrichment?.sectionSummaries[chunk.section];
    if (sectionSummary) out.sectionSummary = sectionSummary;
    const element = enrichment?.elements.get(chunk.index);

    if (chunk.contentType === "table" && chunk.table) {
      const number = tablePositions.get(chunk.index)?.tableNumber ?? 1;
      const keys = rowKeys(chunk.table.header);
      const metadata: Record<string, unknown> = {
        table_title: chunk.table.title ?? `Table ${number}`,
        table_number: number,
        ...(element ? { summary: element.summary } : {}),
        main_headers: [...chunk.table.header],
        ...(element ? { keywords: element.keywords } : {}),
      };
      const rows = chunk.table.rows.map((row) =>
        Object.fromEntries(keys.map((key, c) => [key, row[c] ?? ""])),
      );
      out.json = [metadata, ...rows];
      if (element) {
        out.narrative = [...element.narrative];
        out.suggestedText = jsonLines(out.json, element.narrative);
      }
    } else if (chunk.contentType === "figure") {
      const firstLine = chunk.text.split("\n")[0]?.trim() ?? "";
      const metadata: Record<string, unknown> = {
        figure_title: firstLine || null,
        figure_number: figureNumbers.get(chunk.index) ?? null,
        ...(element ? { summary: element.summary } : {}),
        components: [],
        relationships: [],
        ...(element ? { keywords: element.keywords } : {}),
        source: fileName,
      };
      out.json = [metadata];
      if (element) {
        out.narrative = [...element.narrative];
        out.suggestedText = jsonLines(out.json, element.narrative);
      }
    } else if (full) {
      out.suggestedText = paragraphSuggestedText(chunk, chunked);
    }
    return out;
  });

  const xray: Omit<XRay, "sourceUrl"> = {
    fileName,
    fileType: toDocumentType(format),
    language,
    ...(enrichment ? { fileSummary: enrichment.fileSummary, fileKeywords: enrichment.fileKeywords } : {}),
    chunks,
  };
  if (parsed.pages && parsed.pages.length > 0) {
    xray.documentPages = parsed.pages.map(
      (page): XRayPage => ({
        pageNumber: page.pageNumber,
        pageUrl: "",
        width: page.width,
        height: page.height,
      }),
    );
  }
  return xray;
}
