/**
 * @module The chunker: blocks → linear text + chunks with offsets (STYLE.md habit 13).
 *
 * Pure. Offsets are recorded while the text is built, never searched for, so
 * repeated sentences cannot confuse them.
 *
 * - The linear text is every block's text in order, blocks separated by "\n\n"
 *   (a table is its header line and row lines, cells joined by " | ").
 * - A heading starts a section; its text opens the section's first chunk
 *   (consecutive headings open it together; the chunk belongs to the last one).
 *   A heading directly followed by an untitled table becomes that table's title.
 * - Paragraph blocks are merged while the chunk stays within `targetTokens`
 *   (or within `maxTokens` while the chunk is still under half the target); a
 *   block that does not fit starts a new chunk, and a block larger than
 *   `maxTokens` is split at sentence, then word boundaries.
 * - A table becomes chunks of whole rows, the header repeated in each; only a
 *   single row that is alone larger than the limit makes a chunk exceed it.
 * - A figure becomes a figure chunk (split like text when its text is long).
 */
import type {
  Block,
  Box,
  Chunk,
  ChunkContentType,
  ChunkedDocument,
  FigureBlock,
  ParsedDocument,
  Section,
  TableBlock,
} from "../types.js";
import { type Span, sentenceSpans, splitByTokens } from "./segment.js";
import { countTokens } from "./tokens.js";

export { countTokens } from "./tokens.js";

export interface ChunkOptions {
  /** Preferred chunk size in tokens (default 300). */
  readonly targetTokens?: number;
  /** Hard limit in tokens (default 400), exceeded only by a single table row. */
  readonly maxTokens?: number;
}

export const DEFAULT_TARGET_TOKENS = 300;
export const DEFAULT_MAX_TOKENS = 400;

const SEPARATOR = "\n\n";

/** A table row as one line: cells joined by " | ", line breaks inside cells become spaces. */
export function renderRow(cells: readonly string[]): string {
  return cells.map((cell) => cell.replace(/\s*\n\s*/g, " ")).join(" | ");
}

/** Header + rows as lines (the text of a table chunk). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [renderRow(header), ...rows.map(renderRow)].join("\n");
}

interface Meta {
  readonly pages: Set<number>;
  readonly boxes: Box[];
  readonly paths: string[];
}

interface OpenChunk extends Meta {
  readonly start: number;
  end: number;
  tokens: number;
  section: number;
  /** Only heading text so far. */
  headingOnly: boolean;
  headingText?: string;
}

interface Draft {
  readonly contentType: ChunkContentType;
  readonly section: number;
  readonly start: number;
  readonly end: number;
  readonly meta: Meta;
  /** Table chunks: the text (header repeated) and rows. */
  readonly table?: {
    text: string;
    title?: string;
    header: readonly string[];
    rows: readonly (readonly string[])[];
  };
}

function blockMeta(block: Block): Meta {
  const pages = new Set<number>();
  if (block.pageNumber !== undefined) pages.add(block.pageNumber);
  for (const box of block.boxes ?? []) pages.add(box.pageNumber);
  const path = block.kind === "text" ? block.path : undefined;
  return { pages, boxes: [...(block.boxes ?? [])], paths: path ? [path] : [] };
}

function mergeMeta(into: Meta, from: Meta): void {
  for (const page of from.pages) into.pages.add(page);
  into.boxes.push(...from.boxes);
  into.paths.push(...from.paths);
}

const PATH_SEGMENT = /^\$|\.[A-Za-z_$][\w$]*|\[(?:"(?:[^"\\]|\\.)*"|\d+(?::\d+)?)\]/g;

/** The deepest JSON path that contains all the given paths (`$.a[1]`, `$.a[2]` → `$.a`). */
export function commonJsonPath(paths: readonly string[]): string | undefined {
  const [first, ...rest] = paths;
  if (first === undefined) return undefined;
  let common: string[] = [...(first.match(PATH_SEGMENT) ?? ["$"])];
  for (const path of rest) {
    const segments = path.match(PATH_SEGMENT) ?? ["$"];
    let n = 0;
    while (n < common.length && n < segments.length && common[n] === segments[n]) n++;
    common = common.slice(0, n);
  }
  return common.length > 0 ? common.join("") : "$";
}

function shift(span: Span, by: number): Span {
  return { start: span.start + by, end: span.end + by };
}

function uniqueBoxes(boxes: readonly Box[]): Box[] {
  const seen = new Set<string>();
  return boxes.filter((box) => {
    const key = `${box.pageNumber}:${box.topLeftX}:${box.topLeftY}:${box.bottomRightX}:${box.bottomRightY}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

class ChunkBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  private readonly drafts: Draft[] = [];
  readonly sections: Section[] = [];
  private open: OpenChunk | undefined;
  private readonly target: number;
  private readonly max: number;
  private readonly min: number;

  constructor(target: number, max: number) {
    this.max = max;
    this.target = Math.min(target, max);
    this.min = Math.floor(this.target / 2);
  }

  /** Append a block's text to the linear text; returns its start offset. */
  private append(text: string): number {
    if (this.length > 0) {
      this.parts.push(SEPARATOR);
      this.length += SEPARATOR.length;
    }
    const start = this.length;
    this.parts.push(text);
    this.length += text.length;
    return start;
  }

  private currentSection(): number {
    if (this.sections.length === 0) this.sections.push({ index: 0, level: 0 });
    return this.sections.length - 1;
  }

  private fits(tokens: number): boolean {
    const open = this.open;
    if (!open) return true;
    return (
      open.tokens + tokens <= this.target || (open.tokens < this.min && open.tokens + tokens <= this.max)
    );
  }

  /** Emit the open paragraph chunk, if any. */
  private close(): void {
    const open = this.open;
    if (!open) return;
    this.drafts.push({
      contentType: "paragraph",
      section: open.section,
      start: open.start,
      end: open.end,
      meta: open,
    });
    this.open = undefined;
  }

  /** Add a span of the linear text to the open chunk (opening one if needed). */
  private addUnit(span: Span, tokens: number, meta: Meta): void {
    if (!this.fits(tokens)) this.close();
    const open = this.open;
    if (open) {
      open.end = span.end;
      open.tokens += tokens;
      open.headingOnly = false;
      mergeMeta(open, meta);
      return;
    }
    this.open = {
      start: span.start,
      end: span.end,
      tokens,
      section: this.currentSection(),
      headingOnly: false,
      pages: new Set(meta.pages),
      boxes: [...meta.boxes],
      paths: [...meta.paths],
    };
  }

  /** Spans of at most `limit` tokens covering `span`: sentences, long sentences cut at words. */
  private pieces(text: string, span: Span, limit: number): { span: Span; tokens: number }[] {
    const out: { span: Span; tokens: number }[] = [];
    for (const sentence of sentenceSpans(text, span.start, span.end, true)) {
      const tokens = countTokens(text.slice(sentence.start, sentence.end));
      if (tokens <= limit) {
        out.push({ span: sentence, tokens });
        continue;
      }
      for (const piece of splitByTokens(text, sentence, limit)) {
        out.push({ span: piece, tokens: countTokens(text.slice(piece.start, piece.end)) });
      }
    }
    return out;
  }

  heading(text: string, level: number, meta: Meta): void {
    const open = this.open;
    if (!open?.headingOnly) this.close();
    this.sections.push({ index: this.sections.length, title: text, level });
    const start = this.append(text);
    const section = this.sections.length - 1;
    const tokens = countTokens(text);
    if (open?.headingOnly) {
      open.end = start + text.length;
      open.tokens += tokens;
      open.section = section;
      open.headingText = text;
      mergeMeta(open, meta);
      return;
    }
    this.open = {
      start,
      end: start + text.length,
      tokens,
      section,
      headingOnly: true,
      headingText: text,
      pages: new Set(meta.pages),
      boxes: [...meta.boxes],
      paths: [],
    };
  }

  text(text: string, meta: Meta): void {
    this.currentSection();
    const start = this.append(text);
    const tokens = countTokens(text);
    const headingOnly = this.open?.headingOnly === true;
    if (tokens <= this.max && (this.fits(tokens) || !headingOnly)) {
      this.addUnit({ start, end: start + text.length }, tokens, meta);
      return;
    }
    // Too large for one chunk (or for the chunk its heading opened): sentence-sized units.
    for (const piece of this.pieces(text, { start: 0, end: text.length }, this.target)) {
      this.addUnit(shift(piece.span, start), piece.tokens, meta);
    }
  }

  table(block: TableBlock, meta: Meta): void {
    this.currentSection();
    let title = block.title;
    const open = this.open;
    if (open?.headingOnly && !title && open.headingText) {
      // The heading names the table: it becomes the title instead of a chunk of its own.
      title = open.headingText;
      this.open = undefined;
    } else {
      this.close();
    }
    const headerLine = renderRow(block.header);
    const rowLines = block.rows.map(renderRow);
    const start = this.append([headerLine, ...rowLines].join("\n"));
    const headerTokens = countTokens(headerLine);
    // Row i spans [rowStart[i], rowStart[i] + rowLines[i].length).
    const rowStart: number[] = [];
    let at = start + headerLine.length + 1;
    for (const line of rowLines) {
      rowStart.push(at);
      at += line.length + 1;
    }
    const section = this.sections.length - 1;
    const emit = (from: number, to: number): void => {
      const rows = block.rows.slice(from, to);
      const chunkStart = from === 0 ? start : (rowStart[from] ?? start);
      const last = to - 1;
      const chunkEnd =
        to > from ? (rowStart[last] ?? start) + (rowLines[last] ?? "").length : start + headerLine.length;
      this.drafts.push({
        contentType: "table",
        section,
        start: chunkStart,
        end: chunkEnd,
        meta,
        table: {
          text: [headerLine, ...rowLines.slice(from, to)].join("\n"),
          ...(title ? { title } : {}),
          header: block.header,
          rows,
        },
      });
    };
    if (rowLines.length === 0) {
      emit(0, 0);
      return;
    }
    let from = 0;
    let tokens = headerTokens;
    rowLines.forEach((line, i) => {
      const rowTokens = countTokens(line);
      if (i > from && tokens + rowTokens > this.target) {
        emit(from, i);
        from = i;
        tokens = headerTokens;
      }
      tokens += rowTokens;
    });
    emit(from, rowLines.length);
  }

  figure(block: FigureBlock, meta: Meta): void {
    this.currentSection();
    this.close();
    const text = [block.caption, block.text]
      .map((part) => part?.trim() ?? "")
      .filter((part) => part !== "")
      .join("\n");
    const section = this.sections.length - 1;
    if (!text) {
      this.drafts.push({ contentType: "figure", section, start: this.length, end: this.length, meta });
      return;
    }
    const start = this.append(text);
    const spans =
      countTokens(text) <= this.max
        ? [{ start, end: start + text.length }]
        : this.pieces(text, { start: 0, end: text.length }, this.target).map((p) => shift(p.span, start));
    for (const span of spans) {
      this.drafts.push({ contentType: "figure", section, start: span.start, end: span.end, meta });
    }
  }

  finish(): ChunkedDocument {
    this.close();
    const text = this.parts.join("");
    const chunks: Chunk[] = this.drafts.map((draft, index) => {
      const pathOf = commonJsonPath(draft.meta.paths);
      return {
        index,
        contentType: draft.contentType,
        text: draft.table ? draft.table.text : text.slice(draft.start, draft.end),
        pageNumbers: [...draft.meta.pages].sort((a, b) => a - b),
        boxes: uniqueBoxes(draft.meta.boxes),
        section: draft.section,
        charStart: draft.start,
        charEnd: draft.end,
        ...(draft.table
          ? {
              table: {
                ...(draft.table.title ? { title: draft.table.title } : {}),
                header: draft.table.header,
                rows: draft.table.rows,
              },
            }
          : {}),
        ...(pathOf ? { path: pathOf } : {}),
      };
    });
    return { text, chunks, sections: this.sections };
  }
}

/**
 * Chunk a parsed document (see the module comment for the rules).
 *
 * @example
 *   const { text, chunks } = chunkDocument({ blocks: [{ kind: "text", text: "Hello." }] });
 *   text.slice(chunks[0].charStart, chunks[0].charEnd) === chunks[0].text
 */
export function chunkDocument(doc: ParsedDocument, options: ChunkOptions = {}): ChunkedDocument {
  const builder = new ChunkBuilder(
    options.targetTokens ?? DEFAULT_TARGET_TOKENS,
    options.maxTokens ?? DEFAULT_MAX_TOKENS,
  );
  for (const block of doc.blocks) {
    const meta = blockMeta(block);
    switch (block.kind) {
      case "heading": {
        const text = block.text.trim();
        if (text) builder.heading(text, block.level, meta);
        break;
      }
      case "text": {
        const text = block.text.trim();
        if (text) builder.text(text, meta);
        break;
      }
      case "table":
        builder.table(block, meta);
        break;
      case "figure":
        builder.figure(block, meta);
        break;
    }
  }
  return builder.finish();
}
