/**
 * @module Tables of contents: entries with dot leaders and a page number
 * ("Security fundamentals . . . . . . 12") become a two-column table
 * (entry, page) with a generated header — a TOC has no header row.
 *
 * - An entry is a line ending in at least `MIN_LEADERS` leader characters (".",
 *   "·", "…", "_") followed by a page number (arabic or roman); the number may
 *   be a separate line on the same baseline.
 * - At least `MIN_ENTRIES` entries stacked in one column (entries overlapping
 *   horizontally form a column — a two-column TOC gives two tables — with no
 *   gap above `MAX_GAP_EM` font sizes) make a table.
 * - Lines between two entries inside the same column are the first part of the
 *   next entry's title (titles that wrap).
 * - The leaders are dropped from the entry text.
 */

import { unionRects } from "./geometry.js";
import type { Line } from "./lines.js";
import type { TableRegion } from "./table-region.js";
import { joinLines } from "./text.js";

const MIN_LEADERS = 4;
const MIN_ENTRIES = 3;
const MAX_GAP_EM = 2.5;

const ENTRY = new RegExp(`^(.*?)\\s*(?:[.·…_]\\s*){${MIN_LEADERS},}\\s*(\\d{1,4}|[ivxlcdm]{1,7})$`, "iu");
const LEADERS_ONLY = new RegExp(`^(.*?)\\s*(?:[.·…_]\\s*){${MIN_LEADERS},}$`, "u");
const PAGE = /^(?:\d{1,4}|[ivxlcdm]{1,7})$/iu;

interface Entry {
  readonly title: string;
  readonly page: string;
  readonly lines: Line[];
}

/** Entries found among the lines (a leader line and its page number on the same row are one). */
function entries(lines: readonly Line[]): Entry[] {
  const out: Entry[] = [];
  const used = new Set<Line>();
  for (const line of lines) {
    if (used.has(line)) continue;
    const full = ENTRY.exec(line.text);
    if (full) {
      out.push({ title: (full[1] ?? "").trim(), page: full[2] ?? "", lines: [line] });
      continue;
    }
    const lead = LEADERS_ONLY.exec(line.text);
    if (!lead) continue;
    const page = lines.find(
      (l) =>
        !used.has(l) &&
        PAGE.test(l.text) &&
        l.x0 >= line.x1 - 1 &&
        Math.min(l.y1, line.y1) - Math.max(l.y0, line.y0) > 0.5 * Math.min(l.y1 - l.y0, line.y1 - line.y0),
    );
    if (!page) continue;
    used.add(page);
    out.push({ title: (lead[1] ?? "").trim(), page: page.text, lines: [line, page] });
  }
  return out.sort((a, b) => (a.lines[0]?.y0 ?? 0) - (b.lines[0]?.y0 ?? 0));
}

/**
 * Tables of contents among a page's lines, and the lines left for the body.
 *
 * @example findTocTables(lines).tables[0]?.cells // [["Notices", "vii"], ["Trademarks", "viii"], …]
 */
export function findTocTables(lines: readonly Line[]): { tables: TableRegion[]; body: Line[] } {
  const found = entries(lines);
  if (found.length < MIN_ENTRIES) return { tables: [], body: [...lines] };
  const tables: TableRegion[] = [];
  for (const column of columns(found)) {
    let group: Entry[] = [];
    const close = () => {
      if (group.length >= MIN_ENTRIES) tables.push(tocTable(group, lines));
      group = [];
    };
    for (const entry of column) {
      const last = group[group.length - 1];
      const a = unionRects(last?.lines ?? []);
      const b = unionRects(entry.lines);
      if (a && b && b.y0 - a.y1 > MAX_GAP_EM * (entry.lines[0]?.fontSize ?? 1)) close();
      group.push(entry);
    }
    close();
  }
  const taken = new Set<Line>(tables.flatMap((t) => t.lines));
  return { tables, body: lines.filter((l) => !taken.has(l)) };
}

/** Entries grouped into columns (horizontally overlapping entries), each top to bottom. */
function columns(found: readonly Entry[]): Entry[][] {
  const out: { x0: number; x1: number; entries: Entry[] }[] = [];
  for (const entry of found) {
    const r = unionRects(entry.lines);
    if (!r) continue;
    const column = out.find(
      (c) => Math.min(c.x1, r.x1) - Math.max(c.x0, r.x0) > 0.5 * Math.min(c.x1 - c.x0, r.x1 - r.x0),
    );
    if (column) {
      column.entries.push(entry);
      column.x0 = Math.min(column.x0, r.x0);
      column.x1 = Math.max(column.x1, r.x1);
    } else out.push({ x0: r.x0, x1: r.x1, entries: [entry] });
  }
  return out.map((c) => c.entries);
}

function tocTable(group: readonly Entry[], all: readonly Line[]): TableRegion {
  const rect = unionRects(group.flatMap((e) => e.lines)) ?? { x0: 0, y0: 0, x1: 0, y1: 0 };
  const own = new Set<Line>(group.flatMap((e) => e.lines));
  // Wrapped titles: other lines inside the table's area, before the entry they precede.
  const extra = all.filter(
    (l) =>
      !own.has(l) && l.y0 >= rect.y0 - 1 && l.y1 <= rect.y1 + 1 && l.x0 >= rect.x0 - 1 && l.x1 <= rect.x1 + 1,
  );
  const cells: string[][] = [];
  for (const entry of group) {
    const top = entry.lines[0]?.y0 ?? 0;
    const before = extra.filter((l) => l.y1 <= top + 1 && !own.has(l));
    for (const l of before) own.add(l);
    const title = joinLines([...before.sort((a, b) => a.y0 - b.y0).map((l) => l.text), entry.title]);
    cells.push([title, entry.page]);
  }
  return { rect, cells, lines: [...own], header: ["column_1", "column_2"] };
}
