/**
 * @module Text items → lines (one run of text on one baseline without a wide gap).
 *
 * - Items are grouped by baseline: an item joins the row whose band (that of its
 *   tallest item, so it cannot drift down a column) it overlaps by at least half
 *   of the smaller height — superscripts and mixed sizes stay on their line —
 *   unless it would sit on top of an item of the row: the columns of a page have
 *   their own baselines, often only a few pixels apart. Rotated text (a run
 *   much taller than its font size) is a row of its own.
 * - A row is cut into separate lines at horizontal gaps wider than
 *   `SPLIT_GAP_EM` × font size: such a gap is a column gutter or a table column,
 *   never a word space, and keeping the pieces apart is what lets the reading
 *   order and table stages see columns. A lone list marker ("•", "1.", "a)")
 *   is kept with the text that follows it, however far it is.
 * - Inside a line, items are joined with a space when the gap between them is
 *   wider than `SPACE_GAP_EM` × font size and neither side already has one.
 * - The same text painted twice at (almost) the same place — "fake bold" — is
 *   kept once and counts as bold; so is a line whose words have every glyph
 *   doubled ("BBOOLLDD", fake bold drawn glyph by glyph).
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
  /** The font size most of the line's characters are set in (half-pixel bins). */
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
  /** Vertical band of the row's tallest item (it does not drift as items join). */
  y0: number;
  y1: number;
  readonly items: TextItem[];
  /** A run of rotated text (taller than `ROTATED_EM` font sizes): a row of its own. */
  readonly rotated: boolean;
}

/** An item taller than this many font sizes is rotated text (e.g. a margin stamp running up the page). */
const ROTATED_EM = 2;

/**
 * True when `item` sits above or below an item already in the row (overlapping
 * it horizontally with its centre half a line away: another baseline), unless it
 * repeats it (fake bold).
 */
function stacked(row: Row, item: TextItem): boolean {
  const cy = (item.y0 + item.y1) / 2;
  for (const other of row.items) {
    const w = Math.min(other.x1 - other.x0, item.x1 - item.x0);
    const ov = Math.min(other.x1, item.x1) - Math.max(other.x0, item.x0);
    if (w <= 0 || ov <= 0.3 * w || other.text === item.text) continue;
    const h = Math.max(other.y1 - other.y0, item.y1 - item.y0);
    if (Math.abs((other.y0 + other.y1) / 2 - cy) > 0.5 * h) return true;
  }
  return false;
}

/** Group items into baseline rows (each row's items unsorted). */
function groupRows(items: readonly TextItem[]): Row[] {
  const sorted = [...items].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1) || a.x0 - b.x0);
  const rows: Row[] = [];
  let active: Row[] = [];
  for (const item of sorted) {
    const h = item.y1 - item.y0;
    const rotated = h > ROTATED_EM * item.fontSize;
    active = active.filter((r) => r.y1 > item.y0 - h);
    let best: Row | undefined;
    let bestRatio = 0.5;
    for (const row of rotated ? [] : active) {
      if (row.rotated) continue;
      const smaller = Math.min(h, row.y1 - row.y0);
      if (smaller <= 0) continue;
      const ratio = (Math.min(row.y1, item.y1) - Math.max(row.y0, item.y0)) / smaller;
      if (ratio >= bestRatio && !stacked(row, item)) {
        best = row;
        bestRatio = ratio;
      }
    }
    if (best) {
      best.items.push(item);
      if (h > best.y1 - best.y0 && !rotated) {
        best.y0 = item.y0;
        best.y1 = item.y1;
      }
    } else {
      const row: Row = { y0: item.y0, y1: item.y1, items: [item], rotated };
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

/** Dominant font size, boldness and monospacing (by characters); whitespace is normalised. */
function finishLine(line: Line, monoFonts: ReadonlySet<string>): Line {
  let chars = 0;
  let bold = 0;
  let mono = 0;
  // The size most characters are set in: a small "Chapter 1." or a superscript does not shrink a title line.
  const bySize = new Map<number, { chars: number; sum: number }>();
  for (const item of line.items) {
    const n = Math.max(1, item.text.trim().length);
    chars += n;
    const bin = Math.round(item.fontSize * 2) / 2;
    const entry = bySize.get(bin) ?? { chars: 0, sum: 0 };
    entry.chars += n;
    entry.sum += n * item.fontSize;
    bySize.set(bin, entry);
    if (item.bold) bold += n;
    if (item.fontName && monoFonts.has(item.fontName)) mono += n;
  }
  let dominant = { chars: 0, sum: 0 };
  for (const entry of bySize.values()) if (entry.chars > dominant.chars) dominant = entry;
  line.fontSize = dominant.chars > 0 ? dominant.sum / dominant.chars : (line.items[0]?.fontSize ?? 0);
  line.bold = bold * 2 > chars;
  line.mono = mono * 2 > chars;
  line.text = line.text.replace(/\s+/g, " ").trim().replace(LEADING_CONTROL, "•").replace(CONTROL, "");
  const undoubled = undoubleGlyphs(line.text);
  if (undoubled !== line.text) {
    line.text = undoubled;
    line.bold = true;
  }
  return line;
}

/** "BBOOLLDD" → "BOLD": every character of the word twice. */
function isDoubled(word: string): boolean {
  if (word.length < 2 || word.length % 2 === 1) return false;
  for (let i = 0; i < word.length; i += 2) if (word[i] !== word[i + 1]) return false;
  return true;
}

/**
 * Fake bold drawn glyph by glyph ("BBOOLLDD TTEEXXTT"): when most words of a
 * line have every character doubled, each doubled word is halved.
 */
function undoubleGlyphs(text: string): string {
  const words = text.split(" ");
  const candidates = words.filter((w) => w.length >= 2);
  const doubled = candidates.filter(isDoubled);
  if (doubled.length < 2 || doubled.length < 0.6 * candidates.length || !doubled.some((w) => w.length >= 4)) {
    return text;
  }
  return words.map((w) => (isDoubled(w) ? w.replace(/(.)\1/gsu, "$1") : w)).join(" ");
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
      // Painted twice: "fake bold" — that run (not the whole line) is bold.
      const bold = { ...last, bold: true };
      line.items[line.items.length - 1] = bold;
      last = bold;
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
