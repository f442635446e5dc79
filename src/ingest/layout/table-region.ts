/**
 * @module The table a detector found on a page, before it becomes a
 * `TableBlock`: a grid of cell texts plus the lines it consumed (for its box).
 *
 * Spanning cells: the text goes into the top-left grid position of the span and
 * the other positions stay empty — replicating it would invent cells that the
 * source shows once. Rows and columns that end up entirely empty are dropped.
 * Cell text is the cell's lines top to bottom, joined with `joinLines` (so
 * hyphenation inside narrow cells is undone).
 */
import type { TableBlock } from "../types.js";
import type { MutableRect } from "./geometry.js";
import type { Line } from "./lines.js";

export interface TableRegion {
  readonly rect: MutableRect;
  /** Rows × columns of cell text; row 0 is the header unless `header` is given. */
  readonly cells: string[][];
  /** A generated header (`column_<n>`) for tables without a header row; all `cells` are body rows. */
  readonly header?: readonly string[];
  /** The body lines the table replaces. */
  readonly lines: readonly Line[];
}

/** Drop rows and columns in which every cell is empty. */
export function pruneEmpty(cells: readonly (readonly string[])[]): string[][] {
  const rows = cells.filter((r) => r.some((c) => c.trim() !== ""));
  const width = Math.max(0, ...rows.map((r) => r.length));
  const keep: number[] = [];
  for (let c = 0; c < width; c++) if (rows.some((r) => (r[c] ?? "").trim() !== "")) keep.push(c);
  return rows.map((r) => keep.map((c) => (r[c] ?? "").trim()));
}

/**
 * A region as a TableBlock: header = first row. Empty header cells stay empty
 * (the X-Ray names their keys `column_<n>`), so no text is invented.
 */
export function toTableBlock(region: TableRegion, title?: string): TableBlock {
  if (region.header)
    return { kind: "table", ...(title ? { title } : {}), header: region.header, rows: region.cells };
  const [header = [], ...rows] = region.cells;
  return { kind: "table", ...(title ? { title } : {}), header, rows };
}
