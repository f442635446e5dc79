/**
 * @module Rectangle helpers for the layout stage (page pixels, origin top-left,
 * y down). Tiny and dependency-free: every other layout module measures overlap,
 * gaps and unions with these, so the conventions (half-open extents, empty
 * union = undefined) live in one place.
 */
import type { Box } from "../types.js";
import type { Rect } from "./types.js";

export interface MutableRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The smallest rectangle containing all the given ones (undefined for none). */
export function unionRects(rects: Iterable<Rect>): MutableRect | undefined {
  let out: MutableRect | undefined;
  for (const r of rects) {
    if (!out) out = { x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y1 };
    else {
      if (r.x0 < out.x0) out.x0 = r.x0;
      if (r.y0 < out.y0) out.y0 = r.y0;
      if (r.x1 > out.x1) out.x1 = r.x1;
      if (r.y1 > out.y1) out.y1 = r.y1;
    }
  }
  return out;
}

/** Length of the overlap of [a0, a1] and [b0, b1] (0 when disjoint). */
export function overlap1d(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** Vertical overlap divided by the smaller height (0…1). */
export function verticalOverlapRatio(a: Rect, b: Rect): number {
  const h = Math.min(a.y1 - a.y0, b.y1 - b.y0);
  if (h <= 0) return 0;
  return overlap1d(a.y0, a.y1, b.y0, b.y1) / h;
}

/** Horizontal overlap divided by the smaller width (0…1). */
export function horizontalOverlapRatio(a: Rect, b: Rect): number {
  const w = Math.min(a.x1 - a.x0, b.x1 - b.x0);
  if (w <= 0) return 0;
  return overlap1d(a.x0, a.x1, b.x0, b.x1) / w;
}

export function area(r: Rect): number {
  return Math.max(0, r.x1 - r.x0) * Math.max(0, r.y1 - r.y0);
}

/** Area of the intersection of two rectangles. */
export function intersectionArea(a: Rect, b: Rect): number {
  return overlap1d(a.x0, a.x1, b.x0, b.x1) * overlap1d(a.y0, a.y1, b.y0, b.y1);
}

/** True when the centre of `inner` lies inside `outer` (grown by `pad`). */
export function centreInside(inner: Rect, outer: Rect, pad = 0): boolean {
  const cx = (inner.x0 + inner.x1) / 2;
  const cy = (inner.y0 + inner.y1) / 2;
  return cx >= outer.x0 - pad && cx <= outer.x1 + pad && cy >= outer.y0 - pad && cy <= outer.y1 + pad;
}

/** A page-pixel rectangle as a `Box`: outward-rounded to whole pixels and clamped to the page. */
export function toBox(r: Rect, pageNumber: number, width: number, height: number): Box {
  return {
    pageNumber,
    topLeftX: Math.max(0, Math.floor(r.x0)),
    topLeftY: Math.max(0, Math.floor(r.y0)),
    bottomRightX: Math.min(Math.ceil(width), Math.ceil(r.x1)),
    bottomRightY: Math.min(Math.ceil(height), Math.ceil(r.y1)),
  };
}

/** The median of a list of numbers (0 for an empty list). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
