/**
 * @module Lines in reading order → paragraphs and list items.
 *
 * A line continues the current paragraph unless one of these starts a new one:
 * - it starts with a list marker ("•", "-", "1.", "a)", "(iv)") — each list
 *   item is its own paragraph; its wrapped lines (indented under the text after
 *   the marker) continue it;
 * - its font size differs by more than `SIZE_CHANGE`, or its boldness differs;
 * - the vertical gap above it is larger than the paragraph's usual line gap by
 *   `GAP_EXTRA_EM` font sizes, or it lies above the previous line (a new
 *   column). For a paragraph's second line the usual gap is the text's typical
 *   line gap (median gap between stacked lines of the same size, when there are
 *   enough of them), else `FIRST_GAP_EM`;
 * - it does not overlap the paragraph horizontally;
 * - the previous line is short (ends well before the end edge) and ends a
 *   sentence or the next line starts further out (an indented quote or
 *   attribution followed by body text), or the line is indented by more than `INDENT_EM` (first-line indent)
 *   while the text is not centred. For right-to-left text the edges are
 *   mirrored (lines start at the right).
 * Monospaced lines (code) only break at gaps, font changes and column changes:
 * their indentation is structure, not a paragraph start.
 * Pieces of one row that the line builder kept apart (a wide gap that was not a
 * gutter) are joined back with a space.
 */
import { overlap1d } from "./geometry.js";
import type { Line } from "./lines.js";

const SIZE_CHANGE = 1.15;
const FIRST_GAP_EM = 1.0;
const GAP_EXTRA_EM = 0.45;
const INDENT_EM = 1.2;
const SHORT_LINE_EM = 2.5;

const LIST_START =
  /^(?:[•◦▪▫●○■□►▸‣⁃∙·➢➤✓✔✗❖◆◇\ue000-\uf8ff\u25a0-\u25ff\u2700-\u27bf]\s*\S|[-–—*]\s+\S|\(?\d{1,3}[.)]\s+\S|\(?[a-z][.)]\s+\S|\((?:[ivx]{1,5}|[a-z]|\d{1,3})\)\s+\S|(?:[ivx]{1,5})[.)]\s+\S)/iu;
const SENTENCE_END = /[.!?:;]["'”’)\]]?$/u;

export interface Paragraph {
  readonly lines: Line[];
  readonly list: boolean;
}

/** True when a line starts a list item. */
export function isListStart(text: string): boolean {
  return LIST_START.test(text);
}

function sameRow(last: Line, line: Line): boolean {
  const h = Math.min(last.y1 - last.y0, line.y1 - line.y0);
  const ov = overlap1d(last.y0, last.y1, line.y0, line.y1);
  return h > 0 && ov >= 0.5 * h && (last.rtl ? line.x1 <= last.x0 + h : line.x0 >= last.x1 - h);
}

/** Start edge (mirrored for right-to-left) of the text after a list marker: the item's continuation indent. */
function textStart(line: Line): number {
  const first = line.items[1] ?? line.items[0] ?? line;
  return line.rtl ? -first.x1 : first.x0;
}

interface Open {
  lines: Line[];
  list: boolean;
  x0: number;
  x1: number;
  gaps: number[];
  /** Start edge (mirrored for right-to-left) continuation lines of a list item align with. */
  indent: number;
}

function continues(p: Open, line: Line, typicalGap: number | undefined): boolean {
  const last = p.lines[p.lines.length - 1];
  if (!last) return false;
  if (sameRow(last, line)) return true;
  if (isListStart(line.text)) return false;
  const fs = Math.max(1, Math.min(last.fontSize, line.fontSize));
  if (Math.max(last.fontSize, line.fontSize) / fs > SIZE_CHANGE) return false;
  if (last.bold !== line.bold || last.mono !== line.mono) return false;
  const gap = line.y0 - last.y1;
  if (gap < -0.3 * fs) return false;
  const usual = p.gaps.length > 0 ? Math.min(...p.gaps) : typicalGap;
  if (usual === undefined ? gap > FIRST_GAP_EM * fs : gap > Math.max(usual, 0) + GAP_EXTRA_EM * fs)
    return false;
  if (overlap1d(p.x0, p.x1, line.x0, line.x1) <= 0) return false;
  if (line.mono) return true;
  // Edges in reading direction (mirrored for right-to-left text): start = where lines begin.
  const rtl = line.rtl;
  const start = (l: { x0: number; x1: number }) => (rtl ? -l.x1 : l.x0);
  const end = (l: { x0: number; x1: number }) => (rtl ? -l.x0 : l.x1);
  if (SENTENCE_END.test(last.text) && end(last) < Math.max(end(p), end(line)) - SHORT_LINE_EM * fs)
    return false;
  if (p.list) return start(line) >= p.indent - 0.5 * fs;
  const centred = Math.abs((line.x0 + line.x1) / 2 - (last.x0 + last.x1) / 2) < fs;
  // Rows, not lines: a label on the first row ("Chapter 1.") is not a first-line indent.
  if (!centred && start(line) > start(p) + INDENT_EM * fs && p.gaps.length >= 1) return false;
  return true;
}

/** Fewest stacked line pairs from which a typical line gap is trusted. */
const MIN_GAP_SAMPLES = 4;

/** The median gap between consecutive stacked lines of about the same size (undefined when too few). */
function lineGap(lines: readonly Line[]): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1];
    const b = lines[i];
    if (!a || !b || sameRow(a, b) || overlap1d(a.x0, a.x1, b.x0, b.x1) <= 0) continue;
    const fs = Math.min(a.fontSize, b.fontSize);
    if (Math.max(a.fontSize, b.fontSize) / fs > SIZE_CHANGE) continue;
    const gap = b.y0 - a.y1;
    if (gap >= -0.3 * fs && gap <= FIRST_GAP_EM * fs) gaps.push(gap);
  }
  if (gaps.length < MIN_GAP_SAMPLES) return undefined;
  gaps.sort((x, y) => x - y);
  return gaps[gaps.length >> 1];
}

/**
 * Group lines (already in reading order) into paragraphs.
 *
 * @example buildParagraphs(lines).map((p) => p.lines.length) // [3, 1, 4]
 */
export function buildParagraphs(lines: readonly Line[]): Paragraph[] {
  const typicalGap = lineGap(lines);
  const out: Paragraph[] = [];
  let open: Open | undefined;
  for (const line of lines) {
    if (open && continues(open, line, typicalGap)) {
      const last = open.lines[open.lines.length - 1];
      if (last && !sameRow(last, line)) open.gaps.push(line.y0 - last.y1);
      open.lines.push(line);
      open.x0 = Math.min(open.x0, line.x0);
      open.x1 = Math.max(open.x1, line.x1);
      continue;
    }
    if (open) out.push({ lines: open.lines, list: open.list });
    const list = isListStart(line.text);
    open = {
      lines: [line],
      list,
      x0: line.x0,
      x1: line.x1,
      gaps: [],
      indent: list ? textStart(line) : line.x0,
    };
  }
  if (open) out.push({ lines: open.lines, list: open.list });
  return out;
}
