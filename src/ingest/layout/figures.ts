/**
 * @module Figures: the regions painted by images.
 *
 * - Images smaller than `MIN_AREA` of the page or `MIN_SIDE` pixels on a side
 *   (bullets, rules drawn as images, tracking pixels) are ignored.
 * - Overlapping or touching images (tiled pictures) are merged into one region.
 * - A large image under several lines of text is a page background or a scan
 *   with an invisible OCR text layer: its text is the page's body, so the image
 *   is not a figure.
 * - Lines whose centre lies inside a figure are the figure's text (chart labels,
 *   text in a diagram), not body text.
 */
import { area, centreInside, type MutableRect } from "./geometry.js";
import type { Line } from "./lines.js";
import type { Rect } from "./types.js";

const MIN_AREA = 0.005;
const MIN_SIDE = 12;
const TOUCH = 4;
/** Above this fraction of the page, an image with text over it is a background. */
const BACKGROUND_AREA = 0.45;
const BACKGROUND_LINES = 3;

export interface FigureRegion {
  readonly rect: MutableRect;
  /** Lines inside the figure, top to bottom. */
  readonly lines: Line[];
}

function touches(a: Rect, b: Rect): boolean {
  return a.x0 <= b.x1 + TOUCH && b.x0 <= a.x1 + TOUCH && a.y0 <= b.y1 + TOUCH && b.y0 <= a.y1 + TOUCH;
}

/** Merge overlapping/touching rectangles until none touch. */
function mergeTouching(rects: MutableRect[]): MutableRect[] {
  const out = rects.map((r) => ({ ...r }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i];
        const b = out[j];
        if (!a || !b || !touches(a, b)) continue;
        a.x0 = Math.min(a.x0, b.x0);
        a.y0 = Math.min(a.y0, b.y0);
        a.x1 = Math.max(a.x1, b.x1);
        a.y1 = Math.max(a.y1, b.y1);
        out.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  return out;
}

/**
 * The figure regions of a page and the lines left for the body.
 *
 * @example findFigures([{ x0: 100, y0: 100, x1: 600, y1: 400 }], lines, 1275, 1650).figures.length === 1
 */
export function findFigures(
  images: readonly Rect[],
  lines: readonly Line[],
  width: number,
  height: number,
): { figures: FigureRegion[]; body: Line[] } {
  const pageArea = Math.max(1, width * height);
  const candidates = images
    .map((r) => ({
      x0: Math.max(0, r.x0),
      y0: Math.max(0, r.y0),
      x1: Math.min(width, r.x1),
      y1: Math.min(height, r.y1),
    }))
    .filter((r) => r.x1 - r.x0 >= MIN_SIDE && r.y1 - r.y0 >= MIN_SIDE && area(r) >= MIN_AREA * pageArea);
  if (candidates.length === 0) return { figures: [], body: [...lines] };
  const figures: FigureRegion[] = [];
  for (const rect of mergeTouching(candidates)) {
    const inside = lines.filter((l) => centreInside(l, rect));
    if (area(rect) >= BACKGROUND_AREA * pageArea && inside.length >= BACKGROUND_LINES) continue;
    figures.push({ rect, lines: inside });
  }
  const taken = new Set<Line>(figures.flatMap((f) => f.lines));
  return { figures, body: lines.filter((l) => !taken.has(l)) };
}
