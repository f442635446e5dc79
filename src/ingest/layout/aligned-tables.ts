/**
 * @module Unruled tables: consecutive rows whose pieces line up in columns.
 *
 * 1. The lines are grouped into rows (same baseline). A row with two or more
 *    lines (the line builder splits a baseline at wide gaps) is "multi".
 * 2. A run is a maximal stretch of rows, each at most `ROW_GAP_EM` font sizes
 *    below the previous one, that starts and ends with a multi row; single
 *    lines in between (wrapped cell text, spanning rows) are allowed.
 * 3. Column gutters come from a coverage profile over the run's multi rows:
 *    x positions covered by at most `GUTTER_NOISE` of the rows (so header
 *    cells spanning several columns do not erase their gutters) that are at least `MIN_GUTTER_EM`
 *    wide, between the leftmost and rightmost text.
 * 4. Page columns first: a gutter with running text on both sides (at least
 *    half of the characters in lines of `WORDY` words or more) separates text
 *    columns, not table columns. The run is cut there and each side is searched again, so a table
 *    inside one column of a two-column page is found on its own.
 * 5. A run is a table when it has at least `MIN_MULTI_ROWS` multi rows (two
 *    when a horizontal rule borders it, as in "booktabs" tables), two or more
 *    columns, and it is not prose (most pieces longer than `PROSE_WORDS` words,
 *    or no column with short cells — tables have a column of labels or
 *    numbers), not a bulleted list (a column holding only markers) and not
 *    code (monospaced lines, which align by indentation).
 * 6. Each line goes to the column holding its left part. A row closer to the
 *    previous one than the table's row spacing (a "tight" gap, when the run has
 *    both tight and loose gaps) continues the previous row's cells when it
 *    fills fewer columns, all of them filled in the previous row, or leaves
 *    the first column empty under a filled one — multi-line cells and two-line
 *    headers — unless a rule separates them.
 * Hand-written: no library detects unruled tables from positioned text.
 */
import type { MutableRect } from "./geometry.js";
import { median, unionRects } from "./geometry.js";
import { LIST_MARKER, type Line } from "./lines.js";
import { type HSeg, ruleSegments } from "./ruled-tables.js";
import { pruneEmpty, type TableRegion } from "./table-region.js";
import { joinLineText } from "./text.js";
import type { Rect } from "./types.js";

const ROW_GAP_EM = 1.6;
const MIN_GUTTER_EM = 0.6;
const GUTTER_NOISE = 0.3;
const MIN_MULTI_ROWS = 3;
/** A cell with more words than this is prose-like. */
const PROSE_WORDS = 7;
/** A table has at least one column whose cells have at most this many words (median). */
const SHORT_CELL_WORDS = 3;
/** Lines of at least this many words are running text (see `pageGutters`). */
const WORDY = 5;
const MAX_DEPTH = 4;

interface Row {
  readonly lines: Line[];
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

function toRows(lines: readonly Line[]): Row[] {
  const sorted = [...lines].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  const rows: Row[] = [];
  for (const line of sorted) {
    const row = rows[rows.length - 1];
    if (row) {
      const h = Math.min(row.y1 - row.y0, line.y1 - line.y0);
      const ov = Math.min(row.y1, line.y1) - Math.max(row.y0, line.y0);
      if (h > 0 && ov >= 0.5 * h) {
        row.lines.push(line);
        row.y0 = Math.min(row.y0, line.y0);
        row.y1 = Math.max(row.y1, line.y1);
        row.x0 = Math.min(row.x0, line.x0);
        row.x1 = Math.max(row.x1, line.x1);
        continue;
      }
    }
    rows.push({ lines: [line], y0: line.y0, y1: line.y1, x0: line.x0, x1: line.x1 });
  }
  for (const row of rows) row.lines.sort((a, b) => a.x0 - b.x0);
  return rows;
}

/** Maximal runs of close rows that start and end with a multi row. */
function runs(rows: readonly Row[], fontSize: number): Row[][] {
  const out: Row[][] = [];
  let run: Row[] = [];
  const close = () => {
    while (run.length > 0 && (run[run.length - 1]?.lines.length ?? 0) < 2) run.pop();
    if (run.length > 0) out.push(run);
    run = [];
  };
  for (const row of rows) {
    const last = run[run.length - 1];
    const fs = Math.max(fontSize, ...row.lines.map((l) => l.fontSize));
    if (last && row.y0 - last.y1 > ROW_GAP_EM * fs) close();
    if (run.length === 0 && row.lines.length < 2) continue;
    run.push(row);
  }
  close();
  return out;
}

/** Column boundaries (gutter centres) of a run, from the coverage of its multi rows. */
function gutters(run: readonly Row[], fontSize: number): number[] {
  const multi = run.filter((r) => r.lines.length >= 2);
  const x0 = Math.floor(Math.min(...run.map((r) => r.x0)));
  const x1 = Math.ceil(Math.max(...run.map((r) => r.x1)));
  const width = x1 - x0;
  if (width <= 0 || width > 20000) return [];
  const cover = new Int32Array(width + 1);
  for (const row of multi) {
    const seen = new Uint8Array(width + 1);
    for (const l of row.lines) {
      for (let x = Math.max(0, Math.floor(l.x0) - x0); x <= Math.min(width, Math.ceil(l.x1) - x0); x++)
        seen[x] = 1;
    }
    for (let x = 0; x <= width; x++) cover[x] = (cover[x] ?? 0) + (seen[x] ?? 0);
  }
  const noise = Math.floor(GUTTER_NOISE * multi.length);
  const minWidth = MIN_GUTTER_EM * fontSize;
  const out: number[] = [];
  let start = -1;
  for (let x = 0; x <= width; x++) {
    const free = (cover[x] ?? 0) <= noise;
    if (free && start < 0) start = x;
    if (!free && start >= 0) {
      if (start > 0 && x - start >= minWidth) out.push(x0 + (start + x) / 2);
      start = -1;
    }
  }
  return out;
}

function columnOf(line: Line, bounds: readonly number[]): number {
  // The column holding the line's left part (a spanning cell goes to its first column).
  const x = line.x0 + Math.min(line.x1 - line.x0, 8) / 2;
  let c = 0;
  while (c < bounds.length && x > (bounds[c] ?? 0)) c++;
  return c;
}

function ruleBetween(hRules: readonly HSeg[], a: Row, b: Row): boolean {
  return hRules.some((r) => r.y > a.y1 - 1 && r.y < b.y0 + 1 && r.x0 < Math.max(a.x1, b.x1) && r.x1 > a.x0);
}

function ruleNear(hRules: readonly HSeg[], rect: Rect, fs: number): boolean {
  return hRules.some(
    (r) =>
      r.x0 < rect.x1 &&
      r.x1 > rect.x0 &&
      ((r.y <= rect.y0 + 1 && rect.y0 - r.y < 2 * fs) || (r.y >= rect.y1 - 1 && r.y - rect.y1 < 2 * fs)),
  );
}

const WORD = /[\p{L}\p{N}]+/gu;
const IDEOGRAPH = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/** Words of a text: runs of letters/digits (dot leaders are not words); two CJK ideographs count as one. */
export function wordCount(text: string): number {
  const tokens = text.match(WORD)?.length ?? 0;
  const ideographs = text.match(IDEOGRAPH)?.length ?? 0;
  return ideographs > 0 ? Math.max(tokens, Math.ceil(ideographs / 2)) : tokens;
}

function columnsOf(lines: readonly Line[], bounds: readonly number[]): Line[][] {
  const perColumn = Array.from({ length: bounds.length + 1 }, () => [] as Line[]);
  for (const l of lines) perColumn[columnOf(l, bounds)]?.push(l);
  return perColumn;
}

/** Running text: most pieces long, or every column made of many-word lines. */
function looksLikeProse(columns: readonly Line[][]): boolean {
  const lines = columns.flat();
  const long = lines.filter((l) => wordCount(l.text) > PROSE_WORDS).length;
  if (long * 2 > lines.length) return true;
  return columns.every((c) => c.length === 0 || median(c.map((l) => wordCount(l.text))) > SHORT_CELL_WORDS);
}

/** A bulleted list: one column holds nothing but list markers or symbols. */
function looksLikeList(columns: readonly Line[][]): boolean {
  return columns.some(
    (c) =>
      c.length > 0 &&
      c.every((l) => LIST_MARKER.test(l.text) || /^[\p{So}\p{Co}\p{Pd}*•·]{1,2}$/u.test(l.text)),
  );
}

/** Gutters with running text on both sides: text columns of the page, not table columns. */
function pageGutters(lines: readonly Line[], bounds: readonly number[]): number[] {
  return bounds.filter((g) => {
    const left = lines.filter((l) => (l.x0 + l.x1) / 2 < g);
    const right = lines.filter((l) => (l.x0 + l.x1) / 2 >= g);
    const wordy = (side: Line[]) => {
      let all = 0;
      let long = 0;
      for (const l of side) {
        all += l.text.length;
        if (wordCount(l.text) >= WORDY) long += l.text.length;
      }
      return side.length >= 3 && long * 2 >= all;
    };
    return wordy(left) && wordy(right);
  });
}

function isTight(gap: number, tight: number, fontSize: number): boolean {
  return gap <= tight + 0.25 * fontSize;
}

function tableFromRun(
  run: readonly Row[],
  bounds: readonly number[],
  fontSize: number,
  hRules: readonly HSeg[],
) {
  const multi = run.filter((r) => r.lines.length >= 2);
  const rect: MutableRect = unionRects(run) ?? { x0: 0, y0: 0, x1: 0, y1: 0 };
  const minRows = ruleNear(hRules, rect, fontSize) ? 2 : MIN_MULTI_ROWS;
  if (multi.length < minRows) return undefined;
  const lines = run.flatMap((r) => r.lines);
  const columns = columnsOf(lines, bounds);
  if (looksLikeProse(columns) || looksLikeList(columns)) return undefined;
  if (lines.filter((l) => l.mono).length * 2 > lines.length) return undefined;
  const gaps = run.slice(1).map((r, i) => r.y0 - (run[i]?.y1 ?? r.y0));
  const tight = Math.min(...gaps);
  const hasLoose = gaps.some((g) => !isTight(g, tight, fontSize) && g > tight + 0.5 * fontSize);
  const cells: string[][] = [];
  run.forEach((row, i) => {
    const rowCells = Array<string>(bounds.length + 1).fill("");
    for (const line of row.lines) {
      const c = columnOf(line, bounds);
      rowCells[c] = rowCells[c] ? `${rowCells[c]} ${line.text}` : line.text;
    }
    const last = cells[cells.length - 1];
    const previous = run[i - 1];
    const gap = gaps[i - 1] ?? 0;
    const filled = (cells: readonly string[]) => cells.filter((c) => c !== "").length;
    const within =
      last !== undefined &&
      previous !== undefined &&
      hasLoose &&
      isTight(gap, tight, fontSize) &&
      !ruleBetween(hRules, previous, row) &&
      ((rowCells[0] === "" && (last[0] ?? "") !== "") ||
        (filled(rowCells) < filled(last) &&
          rowCells.every((text, c) => text === "" || (last[c] ?? "") !== "")));
    if (within && last) {
      rowCells.forEach((text, c) => {
        if (text) last[c] = joinLineText(last[c] ?? "", text);
      });
    } else cells.push(rowCells);
  });
  const pruned = pruneEmpty(cells);
  if (pruned.length < 2 || (pruned[0]?.length ?? 0) < 2) return undefined;
  return { rect, cells: pruned, lines };
}

/** Tables among some lines; text columns are split apart and searched separately. */
function detect(
  lines: readonly Line[],
  fontSize: number,
  hRules: readonly HSeg[],
  depth: number,
): TableRegion[] {
  const out: TableRegion[] = [];
  for (const run of runs(toRows(lines), fontSize)) {
    const bounds = gutters(run, fontSize);
    if (bounds.length === 0) continue;
    const runLines = run.flatMap((r) => r.lines);
    const split = depth < MAX_DEPTH ? pageGutters(runLines, bounds) : [];
    if (split.length > 0) {
      const pieces = Array.from({ length: split.length + 1 }, () => [] as Line[]);
      for (const l of runLines) {
        const cx = (l.x0 + l.x1) / 2;
        let k = 0;
        while (k < split.length && cx >= (split[k] ?? 0)) k++;
        pieces[k]?.push(l);
      }
      for (const piece of pieces) out.push(...detect(piece, fontSize, hRules, depth + 1));
      continue;
    }
    const table = tableFromRun(run, bounds, fontSize, hRules);
    if (table) out.push(table);
  }
  return out;
}

/**
 * The unruled tables among a page's lines and the lines left for the body.
 *
 * @param rules the page's rules (horizontal ones border "booktabs" tables and separate rows)
 * @example findAlignedTables(lines, []).tables[0]?.cells // [["Name", "Qty"], ["Apples", "3"], …]
 */
export function findAlignedTables(
  lines: readonly Line[],
  rules: readonly Rect[],
): { tables: TableRegion[]; body: Line[] } {
  if (lines.length < 4) return { tables: [], body: [...lines] };
  const fontSize = median(lines.map((l) => l.fontSize)) || 1;
  const hRules = ruleSegments(rules).h;
  const tables = detect(lines, fontSize, hRules, 0);
  const taken = new Set<Line>(tables.flatMap((t) => t.lines));
  return { tables, body: lines.filter((l) => !taken.has(l)) };
}
