/**
 * @module Sentence and word boundaries with offsets, for splitting long text.
 *
 * Sentences come from `Intl.Segmenter` (Unicode UAX #29, so CJK and other scripts
 * work). V8's segmenter is quadratic on long strings (3 MB take minutes), so it
 * is run on windows of at most WINDOW characters: every sentence of a window
 * but the last is final; the next window starts at the last one.
 */
import { TOKEN_PATTERN, unitTokens } from "./tokens.js";

/** A half-open range `[start, end)` in some text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

const WINDOW = 8192;
const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Trim whitespace off both ends of a span. */
export function trimSpan(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start] ?? "")) start++;
  while (end > start && /\s/.test(text[end - 1] ?? "")) end--;
  return { start, end };
}

/**
 * Sentence spans of `text[start, end)` (trimmed, non-empty, in order). With
 * `softLineBreaks`, a single line break does not end a sentence.
 *
 * @example sentenceSpans("A b. C d.", 0, 9) // [{start: 0, end: 4}, {start: 5, end: 9}]
 */
export function sentenceSpans(text: string, start: number, end: number, softLineBreaks = false): Span[] {
  const spans: Span[] = [];
  let from = start;
  while (from < end) {
    const to = Math.min(end, from + WINDOW);
    const raw = text.slice(from, to);
    // UAX #29 ends a sentence at every line break; hard-wrapped prose needs them read as spaces
    // (same length, so offsets are unchanged). Blank lines still end sentences.
    const window = softLineBreaks ? raw.replace(/(?<!\n)\n(?!\n)/g, " ") : raw;
    const pieces = [...segmenter.segment(window)];
    // The last sentence of a window may be cut by the window end, unless the window reaches `end`.
    if (to < end && pieces.length < 2) {
      // One sentence longer than the window: emit it up to the window's last whitespace.
      const gap = Math.max(window.lastIndexOf(" "), window.lastIndexOf("\n"));
      const cutAt = gap > WINDOW / 2 ? from + gap : to;
      const span = trimSpan(text, { start: from, end: cutAt });
      if (span.end > span.start) spans.push(span);
      from = cutAt;
      continue;
    }
    const final = to === end ? pieces.length : pieces.length - 1;
    for (let i = 0; i < final; i++) {
      const piece = pieces[i];
      if (!piece) continue;
      const span = trimSpan(text, {
        start: from + piece.index,
        end: from + piece.index + piece.segment.length,
      });
      if (span.end > span.start) spans.push(span);
    }
    const last = pieces[final];
    // The last (possibly cut) sentence starts the next window.
    from = last && final < pieces.length ? from + last.index : to;
  }
  return spans;
}

/**
 * Split a span into pieces of at most `maxTokens` tokens (countTokens units),
 * cutting at the last whitespace before the limit when there is one, else between
 * tokens, and inside a single over-long run of letters as a last resort.
 */
export function splitByTokens(text: string, span: Span, maxTokens: number): Span[] {
  const pieces: Span[] = [];
  const pattern = new RegExp(TOKEN_PATTERN.source, TOKEN_PATTERN.flags);
  pattern.lastIndex = span.start;
  let pieceStart = span.start;
  let tokens = 0;
  /** Start of the last token preceded by whitespace in the current piece (a word boundary). */
  let lastGap = -1;
  let prevEnd = span.start;
  const cut = (at: number): void => {
    const piece = trimSpan(text, { start: pieceStart, end: at });
    if (piece.end > piece.start) pieces.push(piece);
    pieceStart = at;
  };
  for (;;) {
    const match = pattern.exec(text);
    if (!match || match.index >= span.end) break;
    const matchEnd = Math.min(match.index + match[0].length, span.end);
    const units = unitTokens(text.slice(match.index, matchEnd));
    if (units > maxTokens) {
      // One run longer than a whole piece: close the current piece, then cut the run by characters.
      cut(match.index);
      const step = Math.max(1, Math.floor(((matchEnd - match.index) / units) * maxTokens));
      let at = match.index;
      while (matchEnd - at > step) {
        // Do not cut a surrogate pair.
        let next = at + step;
        if (/[\uDC00-\uDFFF]/.test(text[next] ?? "")) next--;
        cut(next);
        at = next;
      }
      tokens = unitTokens(text.slice(at, matchEnd));
      lastGap = -1;
      prevEnd = matchEnd;
      continue;
    }
    const gap = match.index > prevEnd && /\s/.test(text[match.index - 1] ?? "");
    if (tokens + units > maxTokens) {
      // Cut at the last word boundary when the tokens after it fit in the next piece.
      const carried = lastGap > pieceStart && !gap ? countUnits(text.slice(lastGap, match.index)) : maxTokens;
      if (carried + units <= maxTokens) {
        cut(lastGap);
        tokens = carried;
      } else {
        cut(match.index);
        tokens = 0;
      }
      lastGap = -1;
    }
    if (gap) lastGap = match.index;
    tokens += units;
    prevEnd = matchEnd;
  }
  cut(span.end);
  return pieces;
}

function countUnits(text: string): number {
  let total = 0;
  for (const m of text.matchAll(TOKEN_PATTERN)) total += unitTokens(m[0]);
  return total;
}
