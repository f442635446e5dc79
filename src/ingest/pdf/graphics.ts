/**
 * @module pdf.js operator list → ruling lines and image regions in page pixels.
 *
 * The current transformation matrix is tracked through `save`/`restore`,
 * `transform` and form XObjects (`paintFormXObjectBegin/End` carry their
 * matrix). pdf.js 5 hands paths over as `constructPath` with the painting
 * operator and a flat buffer of drawing commands (moveTo, lineTo, curveTo,
 * quadraticCurveTo, closePath) in user space.
 * - Stroked paths: every straight, axis-aligned segment becomes a rule as thick
 *   as the (transformed) line width, at least one pixel.
 * - Filled paths: every closed axis-aligned rectangle that is thin (at most
 *   `MAX_RULE_THICKNESS` pixels on one side) becomes a rule — many producers
 *   draw table borders as thin filled rectangles. Larger fills (cell shading,
 *   backgrounds) are not rules.
 * - Images (XObjects, inline images, image masks, repeated images) paint the
 *   unit square under the current matrix; that square's box is the region.
 * Hand-written: pdf.js exposes no geometry API beyond the operator list.
 */
import type { Rect } from "../layout/types.js";
import type { PdfJsModule } from "./pdfjs.js";
import { type Matrix, multiply } from "./text.js";

const MAX_RULE_THICKNESS = 6;
const MAX_SEGMENTS = 20_000;

/** The subset of pdf.js `OPS` this module reads. */
type Ops = PdfJsModule["OPS"];

export interface PageGraphics {
  readonly rules: Rect[];
  readonly images: Rect[];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

function boxOf(m: Matrix, x0: number, y0: number, x1: number, y1: number): Rect {
  const [ax, ay] = apply(m, x0, y0);
  const [bx, by] = apply(m, x1, y0);
  const [cx, cy] = apply(m, x1, y1);
  const [dx, dy] = apply(m, x0, y1);
  return {
    x0: Math.min(ax, bx, cx, dx),
    y0: Math.min(ay, by, cy, dy),
    x1: Math.max(ax, bx, cx, dx),
    y1: Math.max(ay, by, cy, dy),
  };
}

function inPage(r: Rect, width: number, height: number): Rect | undefined {
  const out = {
    x0: Math.max(0, r.x0),
    y0: Math.max(0, r.y0),
    x1: Math.min(width, r.x1),
    y1: Math.min(height, r.y1),
  };
  return out.x1 > out.x0 && out.y1 > out.y0 ? out : undefined;
}

/** Points of each subpath of a pdf.js draw-ops buffer (curves end a straight run). */
function subpaths(data: ArrayLike<number>): { points: number[]; closed: boolean; curved: boolean }[] {
  const out: { points: number[]; closed: boolean; curved: boolean }[] = [];
  let current: { points: number[]; closed: boolean; curved: boolean } | undefined;
  for (let i = 0; i < data.length; ) {
    const op = data[i++];
    switch (op) {
      case 0: // moveTo
        current = { points: [data[i] ?? 0, data[i + 1] ?? 0], closed: false, curved: false };
        out.push(current);
        i += 2;
        break;
      case 1: // lineTo
        current?.points.push(data[i] ?? 0, data[i + 1] ?? 0);
        i += 2;
        break;
      case 2: // curveTo
        if (current) current.curved = true;
        current?.points.push(data[i + 4] ?? 0, data[i + 5] ?? 0);
        i += 6;
        break;
      case 3: // quadraticCurveTo
        if (current) current.curved = true;
        current?.points.push(data[i + 2] ?? 0, data[i + 3] ?? 0);
        i += 4;
        break;
      case 4: // closePath
        if (current) current.closed = true;
        break;
      default:
        return out;
    }
  }
  return out;
}

/**
 * Rules and image regions of a page from its operator list.
 *
 * @param viewport user space → page pixels
 * @example pageGraphics(ops, await page.getOperatorList(), viewport.transform, 1275, 1650).rules
 */
export function pageGraphics(
  OPS: Ops,
  list: { readonly fnArray: ArrayLike<number>; readonly argsArray: readonly unknown[] },
  viewport: Matrix,
  width: number,
  height: number,
): PageGraphics {
  const rules: Rect[] = [];
  const images: Rect[] = [];
  const stack: { ctm: Matrix; lineWidth: number }[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let lineWidth = 1;
  const strokeOps = new Set<number>([
    OPS.stroke,
    OPS.closeStroke,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.closeFillStroke,
    OPS.closeEOFillStroke,
  ]);
  const fillOps = new Set<number>([
    OPS.fill,
    OPS.eoFill,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.closeFillStroke,
    OPS.closeEOFillStroke,
  ]);
  const addRule = (r: Rect) => {
    const clipped = inPage(r, width, height);
    if (clipped && rules.length < MAX_SEGMENTS) rules.push(clipped);
  };
  const addImage = (m: Matrix) => {
    const clipped = inPage(boxOf(multiply(viewport, m), 0, 0, 1, 1), width, height);
    if (clipped) images.push(clipped);
  };
  const n = list.fnArray.length;
  for (let i = 0; i < n; i++) {
    const fn = list.fnArray[i];
    const args = list.argsArray[i] as unknown[] | null;
    switch (fn) {
      case OPS.save:
        stack.push({ ctm, lineWidth });
        break;
      case OPS.restore: {
        const top = stack.pop();
        if (top) ({ ctm, lineWidth } = top);
        break;
      }
      case OPS.transform:
        if (args && args.length >= 6) ctm = multiply(ctm, args as unknown as Matrix);
        break;
      case OPS.paintFormXObjectBegin: {
        stack.push({ ctm, lineWidth });
        const matrix = args?.[0] as ArrayLike<number> | null | undefined;
        if (matrix && matrix.length >= 6) ctm = multiply(ctm, Array.from(matrix) as unknown as Matrix);
        break;
      }
      case OPS.paintFormXObjectEnd: {
        const top = stack.pop();
        if (top) ({ ctm, lineWidth } = top);
        break;
      }
      case OPS.setLineWidth:
        if (typeof args?.[0] === "number") lineWidth = args[0];
        break;
      case OPS.constructPath: {
        const paint = args?.[0] as number;
        const data = (args?.[1] as unknown[] | undefined)?.[0] as ArrayLike<number> | null | undefined;
        if (!data || (!strokeOps.has(paint) && !fillOps.has(paint))) break;
        const m = multiply(viewport, ctm);
        const paths = subpaths(data);
        if (strokeOps.has(paint)) strokeRules(paths, m, lineWidth, addRule);
        if (fillOps.has(paint)) fillRules(paths, m, addRule);
        break;
      }
      case OPS.paintImageXObject:
      case OPS.paintInlineImageXObject:
      case OPS.paintImageMaskXObject:
      case OPS.paintSolidColorImageMask:
        addImage(ctm);
        break;
      case OPS.paintImageXObjectRepeat: {
        const [, sx, sy, positions] = (args ?? []) as [unknown, number, number, ArrayLike<number>];
        for (let p = 0; positions && p + 1 < positions.length; p += 2) {
          addImage(multiply(ctm, [sx, 0, 0, sy, positions[p] ?? 0, positions[p + 1] ?? 0]));
        }
        break;
      }
      default:
        break;
    }
  }
  return { rules, images };
}

function strokeRules(
  paths: ReturnType<typeof subpaths>,
  m: Matrix,
  lineWidth: number,
  add: (r: Rect) => void,
): void {
  const scale = Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2])) || 1;
  const half = Math.max(0.5, (lineWidth * scale) / 2);
  for (const path of paths) {
    if (path.curved) continue;
    const pts = path.closed ? [...path.points, path.points[0] ?? 0, path.points[1] ?? 0] : path.points;
    for (let k = 0; k + 3 < pts.length; k += 2) {
      const [x0, y0] = apply(m, pts[k] ?? 0, pts[k + 1] ?? 0);
      const [x1, y1] = apply(m, pts[k + 2] ?? 0, pts[k + 3] ?? 0);
      if (Math.abs(y1 - y0) <= 0.5) {
        add({ x0: Math.min(x0, x1), y0: y0 - half, x1: Math.max(x0, x1), y1: y0 + half });
      } else if (Math.abs(x1 - x0) <= 0.5) {
        add({ x0: x0 - half, y0: Math.min(y0, y1), x1: x0 + half, y1: Math.max(y0, y1) });
      }
    }
  }
}

function fillRules(paths: ReturnType<typeof subpaths>, m: Matrix, add: (r: Rect) => void): void {
  for (const path of paths) {
    if (path.curved) continue;
    const pts = path.points;
    // A rectangle: 4 corners (5 when the first is repeated), axis-aligned in page pixels.
    const count = pts.length / 2;
    if (count < 2 || count > 5) continue;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k + 1 < pts.length; k += 2) {
      const [x, y] = apply(m, pts[k] ?? 0, pts[k + 1] ?? 0);
      xs.push(x);
      ys.push(y);
    }
    const r = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
    if (count >= 4 && !isAxisAligned(xs, ys)) continue;
    if (Math.min(r.x1 - r.x0, r.y1 - r.y0) <= MAX_RULE_THICKNESS) add(r);
  }
}

/** Every corner shares its x or y with the next one (no diagonal edges). */
function isAxisAligned(xs: readonly number[], ys: readonly number[]): boolean {
  for (let k = 0; k < xs.length; k++) {
    const j = (k + 1) % xs.length;
    const dx = Math.abs((xs[k] ?? 0) - (xs[j] ?? 0));
    const dy = Math.abs((ys[k] ?? 0) - (ys[j] ?? 0));
    if (dx > 0.5 && dy > 0.5) return false;
  }
  return true;
}
