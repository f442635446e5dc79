/**
 * @module Text items → lines (one run of text on one baseline without a wide gap).
 *
 * - Items are grouped by baseline: an item joins the row whose mean vertical band
 *   it overlaps by at least half of the smaller height (superscripts and mixed
 *   sizes stay on their line).
 * - A row is cut into separate lines at horizontal gaps wider than
 *   `SPLIT_GAP_EM` × font size: such a gap is a column gutter or a table column,
 *   never a word space, and keeping the pieces apart is what lets the reading
 *   order and table stages see columns. A lone list marker ("•", "1.", "a)")
 *   is kept with the text that follows it, however far it is.
 * - Inside a line, items are joined with a space when the gap between them is
 *   wider than `SPACE_GAP_EM` × font size and neither side already has one.
 * - The same text painted twice at (almost) the same place — "fake bold" — is
 *   kept once and marks the line bold.
 * - A line is monospaced (`mono`, code) when most of its characters are in one
 *   of the given monospaced fonts (see `fonts.ts`).
 * - Glyphs pdf.js could not map and reports as control characters are dropped,
 *   except at the start of a line, where they are bullets of a symbol font
 *   and become "•".
 * - Right-to-left rows (more Hebrew/Arabic letters than other letters) are read
 *   from right to left; pdf.js already gives each item in logical order.
 */
import type { MutableRect } from "./geometry.js";
import type { TextItem } from "./types.js";

/** A gap wider than this many font sizes separates two lines on the same baseline. */
export const SPLIT_GAP_EM = 0.9;
/** A gap wider than this many font sizes between two items is a word space. */
export const SPACE_GAP_EM = 0.15;
/** How far (font sizes) a lone list marker may be from its text. */
const MARKER_GAP_EM = 5;

/** A line: text items on one baseline with no wide gap between them. */
export interface Line extends MutableRect {
  text: string;
  readonly items: TextItem[];
  /** Character-weighted mean font size. */
  fontSize: number;
  bold: boolean;
  /** Most characters are in a monospaced font (code). */
  mono: boolean;
  rtl: boolean;
}

const NO_FONTS: ReadonlySet<string> = new Set();
const RTL_CHAR = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/gu;
const LETTER = /\p{L}/gu;
/**
 * Glyphs without a Unicode mapping that pdf.js reports as C0 control characters;
 * alone at the start of a line they are bullets drawn with a symbol font.
 */
const CONTROL = /\p{Cc}/gu;
const LEADING_CONTROL = /^\p{Cc}+(?=\s|$)/u;
/** A lone list marker: a bullet, "1.", "1)", "(a)", "iv.", "a." (also section numbers like "2.1"). */
export const LIST_MARKER =
  /^(?:[•◦▪▫●○■□►▸‣⁃∙·\-–—*➢➤✓✔✗❖◆◇\ue000-\uf8ff\u25a0-\u25ff\u2700-\u27bf\p{Cc}]|\(?\d{1,3}(?:\.\d{1,3})*[.)]?|\(?[a-zA-Z][.)]|\(?[ivxlcIVXLC]{1,6}[.)])$/u;

function isRtlText(text: string): boolean {
  const rtl = text.match(RTL_CHAR)?.length ?? 0;
  if (rtl === 0) return false;
  const letters = text.match(LETTER)?.length ?? 0;
  return rtl * 2 > letters;
}

interface Row {
  sumY0: number;
  sumY1: number;
  n: number;
  readonly items: TextItem[];
}

function band(row: Row): { y0: number; y1: number } {
  return { y0: row.sumY0 / row.n, y1: row.sumY1 / row.n };
}

/** Group items into baseline rows (each row's items unsorted). */
function groupRows(items: readonly TextItem[]): Row[] {
  const sorted = [...items].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1) || a.x0 - b.x0);
  const rows: Row[] = [];
  let active: Row[] = [];
  for (const item of sorted) {
    const h = item.y1 - item.y0;
    active = active.filter((r) => band(r).y1 > item.y0 - h);
    let best: Row | undefined;
    let bestRatio = 0.5;
    for (const row of active) {
      const b = band(row);
      const smaller = Math.min(h, b.y1 - b.y0);
      if (smaller <= 0) continue;
      const ratio = (Math.min(b.y1, item.y1) - Math.max(b.y0, item.y0)) / smaller;
      if (ratio >= bestRatio) {
        best = row;
        bestRatio = ratio;
      }
    }
    if (best) {
      best.items.push(item);
      best.sumY0 += item.y0;
      best.sumY1 += item.y1;
      best.n++;
    } else {
      const row: Row = { sumY0: item.y0, sumY1: item.y1, n: 1, items: [item] };
      rows.push(row);
      active.push(row);
    }
  }
  return rows;
}

/** Horizontal gap from `a` to the next item `b` in reading direction. */
function gapBetween(a: Rect1, b: Rect1, rtl: boolean): number {
  return rtl ? a.x0 - b.x1 : b.x0 - a.x1;
}

interface Rect1 {
  readonly x0: number;
  readonly x1: number;
}

function newLine(item: TextItem, rtl: boolean): Line {
  return {
    x0: item.x0,
    y0: item.y0,
    x1: item.x1,
    y1: item.y1,
    text: item.text,
    items: [item],
    fontSize: item.fontSize,
    bold: item.bold === true,
    mono: false,
    rtl,
  };
}

function appendItem(line: Line, item: TextItem, space: boolean): void {
  line.text = space ? `${line.text} ${item.text}` : line.text + item.text;
  line.items.push(item);
  if (item.x0 < line.x0) line.x0 = item.x0;
  if (item.y0 < line.y0) line.y0 = item.y0;
  if (item.x1 > line.x1) line.x1 = item.x1;
  if (item.y1 > line.y1) line.y1 = item.y1;
}

function needsSpace(left: string, right: string, gap: number, fontSize: number): boolean {
  if (gap <= SPACE_GAP_EM * fontSize) return false;
  return !/\s$/.test(left) && !/^\s/.test(right);
}

/** Character-weighted font size, boldness and monospacing; whitespace is normalised. */
function finishLine(line: Line, monoFonts: ReadonlySet<string>): Line {
  let chars = 0;
  let size = 0;
  let bold = 0;
  let mono = 0;
  for (const item of line.items) {
    const n = Math.max(1, item.text.trim().length);
    chars += n;
    size += n * item.fontSize;
    if (item.bold) bold += n;
    if (item.fontName && monoFonts.has(item.fontName)) mono += n;
  }
  line.fontSize = size / chars;
  line.bold = line.bold || bold * 2 > chars;
  line.mono = mono * 2 > chars;
  line.text = line.text.replace(/\s+/g, " ").trim().replace(LEADING_CONTROL, "•").replace(CONTROL, "");
  return line;
}

function isDuplicate(prev: TextItem, item: TextItem): boolean {
  const tol = 0.35 * Math.max(prev.fontSize, item.fontSize, 1);
  return (
    prev.text === item.text &&
    Math.abs(prev.x0 - item.x0) < tol &&
    Math.abs(prev.y0 - item.y0) < tol &&
    Math.abs(prev.x1 - item.x1) < tol
  );
}

/** Split one baseline row into lines at wide gaps. */
function splitRow(row: Row, monoFonts: ReadonlySet<string>): Line[] {
  const rtl = isRtlText(row.items.map((i) => i.text).join(""));
  const items = [...row.items].sort(rtl ? (a, b) => b.x1 - a.x1 : (a, b) => a.x0 - b.x0);
  const lines: Line[] = [];
  let line: Line | undefined;
  let last: TextItem | undefined;
  for (const item of items) {
    if (!line || !last) {
      line = newLine(item, rtl);
      lines.push(line);
      last = item;
      continue;
    }
    if (isDuplicate(last, item)) {
      line.bold = true;
      continue;
    }
    const fs = Math.max(1, (last.fontSize + item.fontSize) / 2);
    const gap = gapBetween(last, item, rtl);
    const loneMarker = line.items.length === 1 && LIST_MARKER.test(line.text.trim());
    if (gap > SPLIT_GAP_EM * fs && !(loneMarker && gap < MARKER_GAP_EM * fs)) {
      line = newLine(item, rtl);
      lines.push(line);
    } else {
      appendItem(line, item, loneMarker || needsSpace(line.text, item.text, gap, fs));
    }
    last = item;
  }
  return lines.map((l) => finishLine(l, monoFonts));
}

/**
 * Group a page's text items into lines, top to bottom (left to right on a row).
 *
 * @example buildLines([{ text: "Hello", x0: 0, x1: 50, y0: 0, y1: 12, fontSize: 12 },
 *   { text: "world", x0: 54, x1: 100, y0: 0, y1: 12, fontSize: 12 }])[0].text === "Hello world"
 */
export function buildLines(items: readonly TextItem[], monoFonts: ReadonlySet<string> = NO_FONTS): Line[] {
  const usable = items.filter(
    (i) =>
      i.text.trim() !== "" &&
      Number.isFinite(i.x0) &&
      Number.isFinite(i.y0) &&
      Number.isFinite(i.x1) &&
      Number.isFinite(i.y1) &&
      i.x1 >= i.x0 &&
      i.y1 >= i.y0,
  );
  const lines: Line[] = [];
  for (const row of groupRows(usable)) lines.push(...splitRow(row, monoFonts));
  return lines
    .filter((l) => l.text !== "")
    .sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1) || (a.rtl ? b.x1 - a.x1 : a.x0 - b.x0));
}
