/**
 * @module Ruled tables: grids drawn with horizontal and vertical rules.
 *
 * 1. Thin rectangles become horizontal or vertical segments; collinear pieces
 *    that touch are merged (tables are often drawn one cell edge at a time).
 * 2. Segments that cross (within `TOL` pixels) form connected components; a
 *    component with horizontal and vertical segments is a candidate grid.
 * 3. Column boundaries are the vertical segments' x plus the outer ends of the
 *    horizontal ones (tables without side borders); row boundaries likewise.
 * 4. Two neighbouring grid cells belong to one spanning cell when the boundary
 *    between them is not drawn (covered by a segment for less than
 *    `COVERED` of its length).
 * 5. A grid row whose cells all hold the same number of unwrapped lines on
 *    shared baselines is several rows with the rule between them missing
 *    (typically a two-line header): it is split into one row per line.
 * 6. Text items are assigned to the cell holding their centre; an item that
 *    crosses a drawn column boundary (pdf.js sometimes merges neighbouring
 *    cells' text) is cut there, at the nearest space, by the proportional
 *    position of its characters.
 * A grid with fewer than two non-empty rows or columns is not a table (boxes
 * around paragraphs, page frames); its lines stay in the body.
 * Hand-written: no JavaScript library finds table grids in vector rules.
 */
import { buildLines, type Line } from "./lines.js";
import { pruneEmpty, type TableRegion } from "./table-region.js";
import { joinLines } from "./text.js";
import type { Rect, TextItem } from "./types.js";

/** Thickest rule, in page pixels (≈ 3 pt at 150 dpi). */
const MAX_THICKNESS = 6;
const MIN_LENGTH = 8;
/** Crossing / merging tolerance in page pixels. */
const TOL = 4;
const COVERED = 0.6;

export interface HSeg {
  y: number;
  x0: number;
  x1: number;
}
export interface VSeg {
  x: number;
  y0: number;
  y1: number;
}

/** Split rules into horizontal and vertical segments (merged when collinear and touching). */
export function ruleSegments(rules: readonly Rect[]): { h: HSeg[]; v: VSeg[] } {
  const h: HSeg[] = [];
  const v: VSeg[] = [];
  for (const r of rules) {
    const w = r.x1 - r.x0;
    const ht = r.y1 - r.y0;
    if (ht <= MAX_THICKNESS && w >= MIN_LENGTH && w >= 2 * ht)
      h.push({ y: (r.y0 + r.y1) / 2, x0: r.x0, x1: r.x1 });
    else if (w <= MAX_THICKNESS && ht >= MIN_LENGTH && ht >= 2 * w)
      v.push({ x: (r.x0 + r.x1) / 2, y0: r.y0, y1: r.y1 });
  }
  return { h: mergeH(h), v: mergeV(v) };
}

function mergeH(segs: HSeg[]): HSeg[] {
  segs.sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const out: HSeg[] = [];
  for (const s of segs) {
    // Sorted by y: only the segments at the end of `out` can be collinear with this one.
    let same: HSeg | undefined;
    for (let k = out.length - 1; k >= 0; k--) {
      const o = out[k] as HSeg;
      if (s.y - o.y > TOL / 2) break;
      if (s.x0 <= o.x1 + TOL && o.x0 <= s.x1 + TOL) {
        same = o;
        break;
      }
    }
    if (same) {
      same.x0 = Math.min(same.x0, s.x0);
      same.x1 = Math.max(same.x1, s.x1);
    } else out.push({ ...s });
  }
  return out;
}

function mergeV(segs: VSeg[]): VSeg[] {
  segs.sort((a, b) => a.x - b.x || a.y0 - b.y0);
  const out: VSeg[] = [];
  for (const s of segs) {
    let same: VSeg | undefined;
    for (let k = out.length - 1; k >= 0; k--) {
      const o = out[k] as VSeg;
      if (s.x - o.x > TOL / 2) break;
      if (s.y0 <= o.y1 + TOL && o.y0 <= s.y1 + TOL) {
        same = o;
        break;
      }
    }
    if (same) {
      same.y0 = Math.min(same.y0, s.y0);
      same.y1 = Math.max(same.y1, s.y1);
    } else out.push({ ...s });
  }
  return out;
}

function crosses(h: HSeg, v: VSeg): boolean {
  return v.x >= h.x0 - TOL && v.x <= h.x1 + TOL && h.y >= v.y0 - TOL && h.y <= v.y1 + TOL;
}

/** Beyond this many horizontal × vertical pairs a page is a drawing, not a table (and too costly to check). */
const MAX_PAIRS = 4_000_000;

/** Connected components of crossing segments. */
function components(h: HSeg[], v: VSeg[]): { h: HSeg[]; v: VSeg[] }[] {
  if (h.length * v.length > MAX_PAIRS) return [];
  const parent = Array.from({ length: h.length + v.length }, (_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    let j = i;
    while (parent[j] !== r) {
      const next = parent[j] ?? r;
      parent[j] = r;
      j = next;
    }
    return r;
  };
  h.forEach((hs, i) => {
    v.forEach((vs, j) => {
      if (crosses(hs, vs)) parent[find(i)] = find(h.length + j);
    });
  });
  const groups = new Map<number, { h: HSeg[]; v: VSeg[] }>();
  const group = (i: number) => {
    const root = find(i);
    let g = groups.get(root);
    if (!g) {
      g = { h: [], v: [] };
      groups.set(root, g);
    }
    return g;
  };
  h.forEach((s, i) => {
    group(i).h.push(s);
  });
  v.forEach((s, j) => {
    group(h.length + j).v.push(s);
  });
  return [...groups.values()];
}

/** Sorted distinct values (values closer than `TOL` are one boundary). */
function boundaries(values: number[]): number[] {
  values.sort((a, b) => a - b);
  const out: number[] = [];
  let sum = 0;
  let n = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value - last > TOL && n > 0) {
      out.push(sum / n);
      sum = 0;
      n = 0;
    }
    sum += value;
    n++;
    last = value;
  }
  if (n > 0) out.push(sum / n);
  return out;
}

function coveredV(v: VSeg[], x: number, y0: number, y1: number): boolean {
  let covered = 0;
  for (const s of v) {
    if (Math.abs(s.x - x) > TOL) continue;
    covered += Math.max(0, Math.min(s.y1, y1) - Math.max(s.y0, y0));
  }
  return covered >= COVERED * (y1 - y0);
}

function coveredH(h: HSeg[], y: number, x0: number, x1: number): boolean {
  let covered = 0;
  for (const s of h) {
    if (Math.abs(s.y - y) > TOL) continue;
    covered += Math.max(0, Math.min(s.x1, x1) - Math.max(s.x0, x0));
  }
  return covered >= COVERED * (x1 - x0);
}

/** Cut an item at the drawn column boundaries it crosses (proportional character positions). */
function cutItem(item: TextItem, xs: readonly number[]): TextItem[] {
  const inner = xs.filter((x) => x > item.x0 + TOL && x < item.x1 - TOL);
  if (inner.length === 0 || item.text.length < 2) return [item];
  const perChar = (item.x1 - item.x0) / item.text.length;
  const pieces: TextItem[] = [];
  let start = 0;
  let x0 = item.x0;
  for (const x of inner) {
    let at = Math.round((x - item.x0) / perChar);
    const space = item.text.lastIndexOf(" ", at);
    const nextSpace = item.text.indexOf(" ", at);
    if (space > start && (nextSpace < 0 || at - space <= nextSpace - at)) at = space;
    else if (nextSpace > 0) at = nextSpace;
    if (at <= start || at >= item.text.length) continue;
    const x1 = item.x0 + at * perChar;
    pieces.push({ ...item, text: item.text.slice(start, at), x0, x1 });
    start = at;
    x0 = x1;
  }
  pieces.push({ ...item, text: item.text.slice(start), x0 });
  return pieces.filter((p) => p.text.trim() !== "");
}

/**
 * How many text rows one grid row holds: k when every non-empty cell has the
 * same k ≥ 2 lines on shared baselines and none of them wraps (fills its cell)
 * — two header rows without a rule between them — else 1.
 */
function subRows(cells: ReadonlyMap<number, Line[]>, widths: ReadonlyMap<number, number>): number {
  const filled = [...cells.entries()].filter(([, lines]) => lines.length > 0);
  if (filled.length < 2) return 1;
  const k = filled[0]?.[1].length ?? 1;
  if (k < 2 || filled.some(([, lines]) => lines.length !== k)) return 1;
  for (const [root, lines] of filled) {
    const width = widths.get(root) ?? 0;
    if (lines.slice(0, -1).some((l) => l.x1 - l.x0 > 0.8 * width)) return 1;
  }
  for (let i = 0; i < k; i++) {
    const centres = filled.map(([, lines]) => ((lines[i]?.y0 ?? 0) + (lines[i]?.y1 ?? 0)) / 2);
    const fs = Math.min(...filled.map(([, lines]) => lines[i]?.fontSize ?? 1));
    if (Math.max(...centres) - Math.min(...centres) > 0.5 * fs) return 1;
  }
  return k;
}

function gridTable(h: HSeg[], v: VSeg[], lines: readonly Line[]): TableRegion | undefined {
  const xs = boundaries([
    ...v.map((s) => s.x),
    Math.min(...h.map((s) => s.x0)),
    Math.max(...h.map((s) => s.x1)),
  ]);
  const ys = boundaries([
    ...h.map((s) => s.y),
    Math.min(...v.map((s) => s.y0)),
    Math.max(...v.map((s) => s.y1)),
  ]);
  const nr = ys.length - 1;
  const nc = xs.length - 1;
  if (nr < 1 || nc < 2) return undefined;
  const rect = { x0: xs[0] ?? 0, y0: ys[0] ?? 0, x1: xs[nc] ?? 0, y1: ys[nr] ?? 0 };
  const inside = lines.filter((l) => {
    const cx = (l.x0 + l.x1) / 2;
    const cy = (l.y0 + l.y1) / 2;
    return cx > rect.x0 && cx < rect.x1 && cy > rect.y0 && cy < rect.y1;
  });
  if (inside.length === 0) return undefined;
  // Spanning cells: union grid cells whose shared boundary is not drawn.
  const id = (r: number, c: number) => r * nc + c;
  const parent = Array.from({ length: nr * nc }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] ?? i;
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let r = 0; r < nr; r++) {
    for (let c = 0; c < nc; c++) {
      const y0 = ys[r] ?? 0;
      const y1 = ys[r + 1] ?? 0;
      const x0 = xs[c] ?? 0;
      const x1 = xs[c + 1] ?? 0;
      if (c + 1 < nc && !coveredV(v, x1, y0, y1)) union(id(r, c), id(r, c + 1));
      if (r + 1 < nr && !coveredH(h, y1, x0, x1)) union(id(r, c), id(r + 1, c));
    }
  }
  const drawnXs = xs.slice(1, -1).filter((x) => v.some((s) => Math.abs(s.x - x) <= TOL));
  const byCell = new Map<number, TextItem[]>();
  for (const line of inside) {
    for (const item of line.items) {
      for (const piece of cutItem(item, drawnXs)) {
        const cx = (piece.x0 + piece.x1) / 2;
        const cy = (piece.y0 + piece.y1) / 2;
        const c = Math.min(nc - 1, Math.max(0, xs.findIndex((x) => x > cx) - 1));
        const r = Math.min(nr - 1, Math.max(0, ys.findIndex((y) => y > cy) - 1));
        const root = find(id(r, c));
        let list = byCell.get(root);
        if (!list) {
          list = [];
          byCell.set(root, list);
        }
        list.push(piece);
      }
    }
  }
  // Rows of the grid, each possibly several text rows (see `subRows`).
  const multiRow = new Set<number>();
  for (let i = 0; i < nr * nc; i++)
    if (Math.floor(find(i) / nc) !== Math.floor(i / nc)) multiRow.add(find(i));
  const spansRows = (root: number) => multiRow.has(root);
  const cells: string[][] = [];
  for (let r = 0; r < nr; r++) {
    const inRow = [...byCell.entries()].filter(([root]) => Math.floor(root / nc) === r);
    const lines = new Map(inRow.map(([root, items]) => [root, buildLines(items)]));
    const widths = new Map(inRow.map(([root]) => [root, (xs[(root % nc) + 1] ?? 0) - (xs[root % nc] ?? 0)]));
    const split = inRow.some(([root]) => spansRows(root)) ? 1 : subRows(lines, widths);
    const rows = Array.from({ length: split }, () => Array<string>(nc).fill(""));
    for (const [root, cellLines] of lines) {
      if (split === 1) (rows[0] as string[])[root % nc] = joinLines(cellLines.map((l) => l.text));
      else
        cellLines.forEach((l, k) => {
          (rows[k] as string[])[root % nc] = l.text;
        });
    }
    cells.push(...rows);
  }
  const pruned = pruneEmpty(cells);
  if (pruned.length < 2 || (pruned[0]?.length ?? 0) < 2) return undefined;
  return { rect, cells: pruned, lines: inside };
}

/**
 * The ruled tables of a page and the lines left for the body.
 *
 * @example findRuledTables(page.rules, lines).tables[0]?.cells // [["Name", "Age"], ["Ann", "31"]]
 */
export function findRuledTables(
  rules: readonly Rect[],
  lines: readonly Line[],
): { tables: TableRegion[]; body: Line[] } {
  if (rules.length < 4) return { tables: [], body: [...lines] };
  const { h, v } = ruleSegments(rules);
  const tables: TableRegion[] = [];
  for (const comp of components(h, v)) {
    if (comp.h.length < 2 || comp.v.length < 1) continue;
    const table = gridTable(comp.h, comp.v, lines);
    if (table) tables.push(table);
  }
  const taken = new Set<Line>(tables.flatMap((t) => t.lines));
  return { tables, body: lines.filter((l) => !taken.has(l)) };
}
