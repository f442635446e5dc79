/** Tables and figures: where each table chunk sits in its table, and deterministic descriptions. */
import type { Chunk, ChunkedDocument, ParsedDocument } from "../types.js";

export interface TablePosition {
  /** 1-based number of the table in the document. */
  readonly tableNumber: number;
  /** 0-based index of the chunk's first row in its table. */
  readonly firstRow: number;
  /** Body rows of the whole table. */
  readonly totalRows: number;
}

/**
 * Position of every table chunk (by chunk index). The chunker emits each table
 * block's rows in order over one or more chunks, so walking the table blocks
 * with a row cursor recovers which table (and which rows) a chunk holds.
 */
export function locateTables(
  chunked: ChunkedDocument,
  parsed: ParsedDocument,
): ReadonlyMap<number, TablePosition> {
  const tables = parsed.blocks.filter((b) => b.kind === "table");
  const positions = new Map<number, TablePosition>();
  let table = 0;
  let cursor = 0;
  for (const chunk of chunked.chunks) {
    if (chunk.contentType !== "table" || !chunk.table) continue;
    const rows = chunk.table.rows.length;
    const totalRows = tables[table]?.rows.length ?? rows;
    positions.set(chunk.index, { tableNumber: table + 1, firstRow: cursor, totalRows });
    cursor += rows;
    if (cursor >= totalRows) {
      table++;
      cursor = 0;
    }
  }
  return positions;
}

/** Row sentences are written for chunks of at most this many rows. */
const MAX_ROW_SENTENCES = 10;
const MAX_COLUMNS_NAMED = 12;
const MAX_CELL_CHARS = 80;

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function clip(text: string, max = MAX_CELL_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export interface TableDescription {
  /** One sentence: what the table is, its size and columns (json[0].summary). */
  readonly summary: string;
  /** The summary, then one short sentence per row for small chunks. */
  readonly narrative: string[];
}

/**
 * Describe a table chunk in plain sentences.
 *
 * @example describeTable(chunk, { tableNumber: 1, firstRow: 0, totalRows: 3 }).summary
 *   // 'Table 1 "Stanley Cups" has 3 rows and 3 columns: Team, Location and Stanley Cups.'
 */
export function describeTable(chunk: Chunk, position: TablePosition): TableDescription {
  const table = chunk.table;
  if (!table) return { summary: "", narrative: [] };
  const name = table.title
    ? `Table ${position.tableNumber} "${clip(table.title)}"`
    : `Table ${position.tableNumber}`;
  const named = table.header.slice(0, MAX_COLUMNS_NAMED).map((h) => clip(h, 40));
  const more = table.header.length - named.length;
  const columns = more > 0 ? `${named.join(", ")} and ${more} more` : listOf(named);
  const size = `${plural(position.totalRows, "row")} and ${plural(table.header.length, "column")}`;
  const rows = table.rows.length;
  const part =
    rows < position.totalRows && rows > 0
      ? ` This part holds rows ${position.firstRow + 1} to ${position.firstRow + rows}.`
      : "";
  const summary = `${name} has ${size}: ${columns}.${part}`;
  const narrative = [summary];
  if (rows > 0 && rows <= MAX_ROW_SENTENCES) {
    table.rows.forEach((row, i) => {
      const cells = row
        .map((cell, c) => ({ cell: clip(cell), head: clip(table.header[c] ?? `column ${c + 1}`, 40) }))
        .filter(({ cell }) => cell !== "")
        .map(({ cell, head }) => `${head} is ${cell}`);
      if (cells.length > 0) narrative.push(`Row ${position.firstRow + i + 1}: ${cells.join("; ")}.`);
    });
  }
  return { summary, narrative };
}

/** One sentence for a figure chunk (caption or leading text). */
export function describeFigure(chunk: Chunk): string {
  const text = clip(chunk.text, 200);
  return text ? `Figure: ${text}` : "Figure without text.";
}
