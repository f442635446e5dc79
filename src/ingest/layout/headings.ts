/**
 * @module Headings: short paragraphs set larger or bolder than the body text.
 *
 * - The body size is the document's dominant font size (character-weighted
 *   mode, sizes rounded to half a pixel).
 * - Rotated text is never a heading.
 * - A heading has at most `MAX_LINES` lines and `MAX_CHARS` characters, some
 *   letters, and either a font size at least `SIZE_RATIO` × the body size, or
 *   is bold throughout at about the body size while being at most two lines,
 *   not ending like a sentence (".", ",", ";").
 * - Levels rank the distinct heading sizes (sizes within `SAME_SIZE` are one
 *   level): the largest is level 1; bold body-size headings come after all
 *   larger ones. Levels stop at 6.
 */
import type { Line } from "./lines.js";
import type { Paragraph } from "./paragraphs.js";

const SIZE_RATIO = 1.15;
const SAME_SIZE = 1.06;
const MAX_LINES = 3;
const MAX_CHARS = 200;
const MAX_BOLD_CHARS = 120;

/** Character-weighted mean font size of some lines. */
export function linesFontSize(lines: readonly Line[]): number {
  let chars = 0;
  let sum = 0;
  for (const l of lines) {
    chars += l.text.length;
    sum += l.text.length * l.fontSize;
  }
  return chars > 0 ? sum / chars : 0;
}

/**
 * The dominant font size of the given lines (character-weighted, half-pixel bins).
 *
 * @example bodyFontSize(lines) === 20.5
 */
export function bodyFontSize(lines: Iterable<Line>): number {
  const weight = new Map<number, number>();
  for (const l of lines) {
    const bin = Math.round(l.fontSize * 2) / 2;
    weight.set(bin, (weight.get(bin) ?? 0) + l.text.length);
  }
  let best = 0;
  let most = -1;
  for (const [size, w] of weight) {
    if (w > most) {
      best = size;
      most = w;
    }
  }
  return best;
}

type HeadingKind = { readonly by: "size"; readonly size: number } | { readonly by: "bold" };

/** Why a paragraph is a heading, or undefined when it is not one. */
export function headingKind(p: Paragraph, text: string, body: number): HeadingKind | undefined {
  if (p.lines.length > MAX_LINES || text.length > MAX_CHARS || !/\p{L}{2}/u.test(text)) return undefined;
  // Rotated text (a margin stamp running up the page) is not a heading.
  if (p.lines.some((l) => l.y1 - l.y0 > 2.5 * l.fontSize && l.y1 - l.y0 > l.x1 - l.x0)) return undefined;
  const size = linesFontSize(p.lines);
  if (body > 0 && size >= SIZE_RATIO * body) return { by: "size", size };
  const bold = p.lines.every((l) => l.bold);
  if (
    bold &&
    !p.list &&
    p.lines.length <= 2 &&
    text.length <= MAX_BOLD_CHARS &&
    size >= body / SIZE_RATIO &&
    !/[.,;]$/.test(text)
  ) {
    return { by: "bold" };
  }
  return undefined;
}

/**
 * A function giving the level (1–6) of each heading kind, from all the kinds found.
 *
 * @example headingLevels([{ by: "size", size: 30 }, { by: "size", size: 24 }])({ by: "size", size: 24 }) === 2
 */
export function headingLevels(kinds: readonly HeadingKind[]): (kind: HeadingKind) => number {
  const sizes = kinds
    .flatMap((k) => (k.by === "size" ? [k.size] : []))
    .sort((a, b) => b - a)
    .reduce<number[]>((acc, s) => {
      const last = acc[acc.length - 1];
      if (last === undefined || last / s > SAME_SIZE) acc.push(s);
      return acc;
    }, []);
  return (kind) => {
    if (kind.by === "bold") return Math.min(6, sizes.length + 1);
    const rank = sizes.findIndex((s) => s / kind.size <= SAME_SIZE);
    return Math.min(6, (rank < 0 ? sizes.length : rank) + 1);
  };
}
