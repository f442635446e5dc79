/**
 * @module Reading order of a page's units (lines, tables, figures) by a
 * recursive XY-cut that prefers columns.
 *
 * In a region:
 * 1. If a vertical whitespace gutter at least `minGutter` wide runs through the
 *    whole region, cut there: the columns are read one after the other (left to
 *    right, or right to left on a right-to-left page).
 * 2. Otherwise cut the region into horizontal strips at every horizontal
 *    whitespace band. Consecutive strips that share a gutter (a common empty
 *    vertical band that at least one of them has text on both sides of; the
 *    others keep to one side) are regrouped into one band, so a two-column
 *    stretch between full-width lines is read column by column even when the
 *    two columns' baselines line up (which leaves horizontal gaps through both
 *    columns).
 * 3. Each band is ordered recursively; a region that cannot be cut is read
 *    top to bottom, and left to right on a row.
 * Hand-written: the classic XY-cut is a few dozen lines and no JavaScript
 * package implements it for arbitrary boxes.
 */
import type { Rect } from "./types.js";

interface Interval {
  readonly a: number;
  readonly b: number;
}

/** Units sorted top to bottom; units overlapping vertically (one row) by x. */
function sortRows<T extends Rect>(units: readonly T[], rtl: boolean): T[] {
  const sorted = [...units].sort((p, q) => p.y0 + p.y1 - (q.y0 + q.y1));
  const out: T[] = [];
  let row: T[] = [];
  let rowY0 = 0;
  let rowY1 = 0;
  const flush = () => {
    row.sort(rtl ? (p, q) => q.x1 - p.x1 : (p, q) => p.x0 - q.x0);
    out.push(...row);
    row = [];
  };
  for (const u of sorted) {
    const h = Math.min(u.y1 - u.y0, rowY1 - rowY0);
    const ov = Math.min(u.y1, rowY1) - Math.max(u.y0, rowY0);
    if (row.length > 0 && h > 0 && ov >= 0.5 * h) {
      row.push(u);
      continue;
    }
    if (row.length > 0) flush();
    row.push(u);
    rowY0 = u.y0;
    rowY1 = u.y1;
  }
  if (row.length > 0) flush();
  return out;
}

/** Groups of units separated by vertical gutters at least `minGutter` wide, left to right. */
function splitColumns<T extends Rect>(units: readonly T[], minGutter: number): T[][] {
  const sorted = [...units].sort((p, q) => p.x0 - q.x0);
  const groups: T[][] = [];
  let current: T[] = [];
  let maxX1 = Number.NEGATIVE_INFINITY;
  for (const u of sorted) {
    if (current.length > 0 && u.x0 - maxX1 >= minGutter) {
      groups.push(current);
      current = [];
    }
    current.push(u);
    maxX1 = Math.max(maxX1, u.x1);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Groups of units separated by horizontal whitespace, top to bottom. */
function splitStrips<T extends Rect>(units: readonly T[]): T[][] {
  const sorted = [...units].sort((p, q) => p.y0 - q.y0);
  const strips: T[][] = [];
  let current: T[] = [];
  let maxY1 = Number.NEGATIVE_INFINITY;
  for (const u of sorted) {
    if (current.length > 0 && u.y0 >= maxY1 - 0.5) {
      strips.push(current);
      current = [];
    }
    current.push(u);
    maxY1 = Math.max(maxY1, u.y1);
  }
  if (current.length > 0) strips.push(current);
  return strips;
}

/** Empty x-intervals of a strip inside [x0, x1], at least `min` wide (margins included). */
function freeIntervals(units: readonly Rect[], x0: number, x1: number, min: number): Interval[] {
  const sorted = [...units].sort((p, q) => p.x0 - q.x0);
  const out: Interval[] = [];
  let at = x0;
  for (const u of sorted) {
    if (u.x0 - at >= min) out.push({ a: at, b: u.x0 });
    at = Math.max(at, u.x1);
  }
  if (x1 - at >= min) out.push({ a: at, b: x1 });
  return out;
}

function intersect(p: readonly Interval[], q: readonly Interval[], min: number): Interval[] {
  const out: Interval[] = [];
  for (const i of p) {
    for (const j of q) {
      const a = Math.max(i.a, j.a);
      const b = Math.min(i.b, j.b);
      if (b - a >= min) out.push({ a, b });
    }
  }
  return out;
}

interface Band<T> {
  units: T[];
  free: Interval[];
  x0: number;
  x1: number;
  /** Horizontal extent of each strip in the band. */
  spans: Interval[];
}

/**
 * The band of `a` and `b` when they share a gutter with text on both sides of it
 * in at least one of their strips (two strips that merely sit side by side, a
 * centred heading above a left-aligned one, are not columns), else undefined.
 */
function mergeBand<T>(a: Band<T>, b: Band<T>, minGutter: number): Band<T> | undefined {
  const common = intersect(a.free, b.free, minGutter);
  const spans = [...a.spans, ...b.spans];
  if (!common.some((g) => spans.some((s) => s.a < g.a && s.b > g.b))) return undefined;
  return {
    units: [...a.units, ...b.units],
    free: common,
    x0: Math.min(a.x0, b.x0),
    x1: Math.max(a.x1, b.x1),
    spans,
  };
}

/** Regroup consecutive strips that share an interior gutter (see the module comment). */
function groupBands<T extends Rect>(strips: readonly T[][], minGutter: number): T[][] {
  const x0 = Math.min(...strips.flat().map((u) => u.x0));
  const x1 = Math.max(...strips.flat().map((u) => u.x1));
  const bands: Band<T>[] = [];
  let lastStrip: Band<T> | undefined;
  for (const strip of strips) {
    const sx0 = Math.min(...strip.map((u) => u.x0));
    const sx1 = Math.max(...strip.map((u) => u.x1));
    const own: Band<T> = {
      units: [...strip],
      free: freeIntervals(strip, x0, x1, minGutter),
      x0: sx0,
      x1: sx1,
      spans: [{ a: sx0, b: sx1 }],
    };
    const band = bands[bands.length - 1];
    const merged = band && mergeBand(band, own, minGutter);
    if (band && merged) {
      bands[bands.length - 1] = merged;
    } else if (band && lastStrip && band.units.length > lastStrip.units.length) {
      // One step back: the previous strip may belong with this one rather than with
      // the band it joined on a narrower gutter (a line above a two-column stretch).
      const pair = mergeBand(lastStrip, own, minGutter);
      if (pair) {
        band.units.splice(band.units.length - lastStrip.units.length);
        bands.push(pair);
      } else bands.push(own);
    } else bands.push(own);
    lastStrip = own;
  }
  return bands.map((b) => b.units);
}

function order<T extends Rect>(units: readonly T[], minGutter: number, rtl: boolean, depth: number): T[] {
  if (units.length <= 1 || depth > 40) return sortRows(units, rtl);
  const columns = splitColumns(units, minGutter);
  if (columns.length > 1) {
    if (rtl) columns.reverse();
    return columns.flatMap((c) => order(c, minGutter, rtl, depth + 1));
  }
  const strips = splitStrips(units);
  if (strips.length === 1) return sortRows(units, rtl);
  const bands = groupBands(strips, minGutter);
  if (bands.length === 1) return sortRows(units, rtl);
  return bands.flatMap((b) => order(b, minGutter, rtl, depth + 1));
}

/**
 * The units of one page in reading order.
 *
 * @param minGutter the narrowest whitespace (page pixels) that separates columns
 * @param rtl read columns and rows right to left
 * @example readingOrder(lines, 20) // left column top→bottom, then the right column
 */
export function readingOrder<T extends Rect>(units: readonly T[], minGutter: number, rtl = false): T[] {
  return order(units, Math.max(1, minGutter), rtl, 0);
}
