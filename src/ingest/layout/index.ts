/**
 * @module Page layout analysis: positioned text, rules and image regions of
 * each page (`PageContent`, from a PDF text layer or from OCR) → `Block`s in
 * reading order. One analysis serves every paged format.
 *
 * Pipeline, per document:
 * 1. items → lines on each page (`lines.ts`: baseline grouping, gap-aware
 *    joins, wide gaps split columns/cells apart);
 * 2. running headers, footers and page numbers across pages are dropped
 *    (`furniture.ts`);
 * 3. per page: figures from image regions (their text goes to the figure),
 *    ruled tables from the rules, tables of contents (dot leaders), unruled
 *    tables from text alignment, then code — monospaced lines close together,
 *    kept as one unit with their lines and indentation (`figures.ts`,
 *    `ruled-tables.ts`, `toc.ts`, `aligned-tables.ts`, `code.ts`, `fonts.ts`);
 * 4. per page: reading order of the remaining lines, tables, figures and code
 *    by a column-preferring XY-cut (`reading-order.ts`), then lines →
 *    paragraphs and list items (`paragraphs.ts`);
 * 5. document-wide: headings by font size/boldness relative to the body size
 *    (`headings.ts`), figure captions ("Figure 3: …" next to a figure) and
 *    table titles ("Table 2 …" next to a table);
 * 6. a paragraph cut by a page break (no sentence end, next page starts in
 *    lowercase) is joined into one block with a box on each page.
 * Every block has `pageNumber` (its first page) and one box per page it
 * touches: the union of the rectangles of its lines (figures: the image region
 * and the caption; tables: the grid and its text).
 */
import type { Block, Box, FigureBlock, HeadingBlock, TableBlock, TextBlock } from "../types.js";
import { findAlignedTables } from "./aligned-tables.js";
import { findCodeBlocks } from "./code.js";
import { type FigureRegion, findFigures } from "./figures.js";
import { monospaceFonts } from "./fonts.js";
import { findFurniture } from "./furniture.js";
import { type MutableRect, median, toBox, unionRects } from "./geometry.js";
import { bodyFontSize, headingKind, headingLevels } from "./headings.js";
import { buildLines, type Line } from "./lines.js";
import { buildParagraphs, type Paragraph } from "./paragraphs.js";
import { readingOrder } from "./reading-order.js";
import { findRuledTables } from "./ruled-tables.js";
import { type TableRegion, toTableBlock } from "./table-region.js";
import { joinLines } from "./text.js";
import { findTocTables } from "./toc.js";
import type { PageContent, Rect } from "./types.js";

export type { PageContent, Rect, TextItem } from "./types.js";
export { PAGE_IMAGE_DPI } from "./types.js";

/** Column gutters are at least this many body font sizes wide. */
const GUTTER_EM = 0.9;
const DEFAULT_FONT = 20;
/** Captions are within this many font sizes of their figure or table. */
const CAPTION_DISTANCE_EM = 4;
const FIGURE_CAPTION = /^(?:fig(?:ure)?\.?|image|chart|photo|plate|abbildung|abb\.)\s*[\dIVX]+[a-z]?\b/iu;
const TABLE_CAPTION = /^(?:table|tab\.|tabelle)\s*[\dIVX]+[a-z]?\b/iu;

type Entry =
  | { readonly kind: "para"; readonly para: Paragraph; readonly text: string; role?: "caption" | "code" }
  | { readonly kind: "table"; readonly region: TableRegion; title?: string }
  | { readonly kind: "figure"; readonly region: FigureRegion; caption?: Paragraph };

interface PageLayout {
  readonly page: PageContent;
  entries: Entry[];
}

interface Unit extends Rect {
  readonly line?: Line;
  /** Monospaced lines read as one block of code. */
  readonly code?: Line[];
  readonly table?: TableRegion;
  readonly figure?: FigureRegion;
}

function isRtlPage(lines: readonly Line[]): boolean {
  let rtl = 0;
  let all = 0;
  for (const l of lines) {
    all += l.text.length;
    if (l.rtl) rtl += l.text.length;
  }
  return rtl * 2 > all;
}

/** Average advance of a monospaced glyph, in font sizes. */
const MONO_ADVANCE_EM = 0.6;

/** Code keeps its lines and indentation (spaces from the x offsets in monospaced glyph widths). */
function codeText(lines: readonly Line[]): string {
  const left = Math.min(...lines.map((l) => l.x0));
  let out = "";
  let previous: Line | undefined;
  for (const line of lines) {
    const sameRow = previous && line.y0 < previous.y1 && line.y1 > previous.y0;
    if (previous && sameRow) {
      const gap = Math.round((line.x0 - previous.x1) / (MONO_ADVANCE_EM * line.fontSize));
      out += `${" ".repeat(Math.max(1, gap))}${line.text}`;
    } else {
      const indent = Math.max(0, Math.round((line.x0 - left) / (MONO_ADVANCE_EM * line.fontSize)));
      out += `${out ? "\n" : ""}${" ".repeat(indent)}${line.text}`;
    }
    previous = line;
  }
  return out;
}

function paragraphEntry(para: Paragraph): Entry {
  if (para.lines.every((l) => l.mono))
    return { kind: "para", para, text: codeText(para.lines), role: "code" };
  return { kind: "para", para, text: joinLines(para.lines.map((l) => l.text)) };
}

/** Figures, tables and paragraphs of one page, in reading order. */
function layoutPage(page: PageContent, lines: readonly Line[]): PageLayout {
  const { figures, body: afterFigures } = findFigures(page.images, lines, page.width, page.height);
  const { tables: ruled, body: afterRuled } = findRuledTables(page.rules, afterFigures);
  const { tables: toc, body: afterToc } = findTocTables(afterRuled);
  const { tables: aligned, body: afterAligned } = findAlignedTables(afterToc, page.rules);
  const { blocks: code, body } = findCodeBlocks(afterAligned);
  const fontSize = median(lines.map((l) => l.fontSize)) || DEFAULT_FONT;
  const units: Unit[] = [
    ...body.map((line) => ({ x0: line.x0, y0: line.y0, x1: line.x1, y1: line.y1, line })),
    ...code.map((block) => ({
      ...(unionRects(block) ?? block[0] ?? { x0: 0, y0: 0, x1: 0, y1: 0 }),
      code: block,
    })),
    ...[...ruled, ...toc, ...aligned].map((table) => ({ ...table.rect, table })),
    ...figures.map((figure) => ({ ...figure.rect, figure })),
  ];
  const ordered = readingOrder(units, GUTTER_EM * fontSize, isRtlPage(lines));
  const entries: Entry[] = [];
  let run: Line[] = [];
  const flush = () => {
    for (const para of buildParagraphs(run)) entries.push(paragraphEntry(para));
    run = [];
  };
  for (const unit of ordered) {
    if (unit.line) {
      run.push(unit.line);
      continue;
    }
    flush();
    if (unit.code) entries.push(paragraphEntry({ lines: unit.code, list: false }));
    else if (unit.table) entries.push({ kind: "table", region: unit.table });
    else if (unit.figure) entries.push({ kind: "figure", region: unit.figure });
  }
  flush();
  return { page, entries };
}

function paraRect(p: Paragraph): MutableRect {
  return unionRects(p.lines) ?? { x0: 0, y0: 0, x1: 0, y1: 0 };
}

/** Vertical distance between two rectangles that overlap horizontally (Infinity when they do not). */
function verticalDistance(a: Rect, b: Rect): number {
  if (Math.min(a.x1, b.x1) <= Math.max(a.x0, b.x0)) return Number.POSITIVE_INFINITY;
  if (a.y1 <= b.y0) return b.y0 - a.y1;
  if (b.y1 <= a.y0) return a.y0 - b.y1;
  return 0;
}

/** Attach "Figure n" paragraphs to the nearest figure and "Table n" paragraphs to the nearest table. */
function attachCaptions(layout: PageLayout): void {
  const paras = layout.entries.filter((e): e is Extract<Entry, { kind: "para" }> => e.kind === "para");
  const taken = new Set<Entry>();
  for (const entry of layout.entries) {
    if (entry.kind === "para") continue;
    const rect = entry.region.rect;
    const pattern = entry.kind === "figure" ? FIGURE_CAPTION : TABLE_CAPTION;
    let best: Extract<Entry, { kind: "para" }> | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const p of paras) {
      if (taken.has(p) || !pattern.test(p.text)) continue;
      const fs = p.para.lines[0]?.fontSize ?? DEFAULT_FONT;
      const d = verticalDistance(rect, paraRect(p.para));
      if (d <= CAPTION_DISTANCE_EM * fs && d < bestDistance) {
        best = p;
        bestDistance = d;
      }
    }
    if (!best) continue;
    taken.add(best);
    if (entry.kind === "figure") entry.caption = best.para;
    else {
      entry.title = best.text;
      best.role = "caption";
    }
  }
  for (const p of paras) {
    if (!taken.has(p) && !p.role && (FIGURE_CAPTION.test(p.text) || TABLE_CAPTION.test(p.text)))
      p.role = "caption";
  }
  layout.entries = layout.entries.filter((e) => !(e.kind === "para" && taken.has(e) && e.role !== "caption"));
}

function boxesOf(rect: Rect | undefined, page: PageContent): Box[] {
  return rect ? [toBox(rect, page.pageNumber, page.width, page.height)] : [];
}

const SENTENCE_END = /[.!?:;]["'”’)\]]?$/u;

/** Join a paragraph cut by a page break into the previous page's last paragraph. */
function continuesAcrossPages(prev: Block | undefined, text: string): prev is TextBlock {
  if (prev?.kind !== "text" || prev.role !== undefined) return false;
  if (SENTENCE_END.test(prev.text)) return false;
  return /^\p{Ll}/u.test(text);
}

/**
 * Lay out a document's pages into blocks in reading order.
 *
 * @example
 *   const blocks = layoutDocument([{ pageNumber: 1, width: 1275, height: 1650, rules: [], images: [],
 *     items: [{ text: "Hello", x0: 150, y0: 150, x1: 250, y1: 175, fontSize: 25 }] }]);
 *   // [{ kind: "text", text: "Hello", pageNumber: 1, boxes: [{ pageNumber: 1, topLeftX: 150, … }] }]
 */
export function layoutDocument(pages: readonly PageContent[]): Block[] {
  const mono = monospaceFonts(pages);
  const pageLines = pages.map((page) => buildLines(page.items, mono));
  const furniture = findFurniture(
    pages.map((page, i) => ({ lines: pageLines[i] ?? [], height: page.height })),
  );
  const layouts = pages.map((page, i) =>
    layoutPage(
      page,
      (pageLines[i] ?? []).filter((l) => !furniture.has(l)),
    ),
  );
  for (const layout of layouts) attachCaptions(layout);

  const bodyLines: Line[] = [];
  for (const layout of layouts) {
    for (const e of layout.entries) if (e.kind === "para") bodyLines.push(...e.para.lines);
  }
  const body = bodyFontSize(bodyLines);
  const kinds = new Map<Entry, NonNullable<ReturnType<typeof headingKind>>>();
  for (const layout of layouts) {
    for (const e of layout.entries) {
      if (e.kind !== "para" || e.role) continue;
      const kind = headingKind(e.para, e.text, body);
      if (kind) kinds.set(e, kind);
    }
  }
  const levelOf = headingLevels([...kinds.values()]);

  const blocks: Block[] = [];
  for (const { page, entries } of layouts) {
    entries.forEach((entry, index) => {
      const pageNumber = page.pageNumber;
      if (entry.kind === "table") {
        const rect = unionRects([entry.region.rect, ...entry.region.lines]);
        const table: TableBlock = {
          ...toTableBlock(entry.region, entry.title),
          pageNumber,
          boxes: boxesOf(rect, page),
        };
        blocks.push(table);
        return;
      }
      if (entry.kind === "figure") {
        const captionLines = entry.caption?.lines ?? [];
        const rect = unionRects([entry.region.rect, ...captionLines]);
        const text = joinLines(entry.region.lines.map((l) => l.text));
        const caption = joinLines(captionLines.map((l) => l.text));
        const figure: FigureBlock = {
          kind: "figure",
          ...(caption ? { caption } : {}),
          ...(text ? { text } : {}),
          pageNumber,
          boxes: boxesOf(rect, page),
        };
        blocks.push(figure);
        return;
      }
      const boxes = boxesOf(paraRect(entry.para), page);
      const kind = kinds.get(entry);
      if (kind) {
        const heading: HeadingBlock = {
          kind: "heading",
          level: levelOf(kind),
          text: entry.text,
          pageNumber,
          boxes,
        };
        blocks.push(heading);
        return;
      }
      const prev = blocks[blocks.length - 1];
      if (index === 0 && !entry.para.list && !entry.role && continuesAcrossPages(prev, entry.text)) {
        const prevPages = prev.boxes ?? [];
        if (prev.pageNumber !== pageNumber && prevPages.every((b) => b.pageNumber !== pageNumber)) {
          blocks[blocks.length - 1] = {
            ...prev,
            text: joinLines([prev.text, entry.text]),
            boxes: [...prevPages, ...boxes],
          };
          return;
        }
      }
      const role = entry.role ?? (entry.para.list ? "list-item" : undefined);
      const text: TextBlock = {
        kind: "text",
        text: entry.text,
        ...(role ? { role } : {}),
        pageNumber,
        boxes,
      };
      blocks.push(text);
    });
  }
  return blocks;
}
