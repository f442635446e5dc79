/**
 * @module pdf.js text content → layout `TextItem`s in page pixels.
 *
 * Each pdf.js item carries the text matrix of its first glyph (`transform`,
 * text space → PDF user space, font size included) and its advance `width` in
 * user space. Composing it with the viewport transform (user space → page
 * pixels at 150 dpi, which already applies /Rotate, the crop/view box offset
 * and the y flip) gives the baseline origin, the writing direction and the em
 * size in pixels; the item's box spans the advance along the baseline and the
 * font's ascent/descent across it. Rotated text gets the axis-aligned box of
 * its rotated rectangle.
 *
 * - `fontSize` is the em size in page pixels (the glyph height the layout
 *   stage compares).
 * - Ascent/descent come from pdf.js's font metrics, clamped to sane ranges
 *   (some fonts report 0, NaN — glyphless OCR fonts — or absurd values).
 * - Whitespace-only items are dropped (the layout stage inserts spaces from
 *   the geometry); items entirely outside the page are dropped, others are
 *   clipped to it.
 * - `fontName` is the font's PostScript name without its subset prefix
 *   ("ABCDEF+Arial-BoldMT" → "Arial-BoldMT") when pdf.js has loaded the font,
 *   and boldness comes from that name ("…-Bold", "Black", "Heavy", "Semibold",
 *   "-Medi"); the caller looks the fonts up once they are loaded.
 */
import type { TextItem } from "../layout/types.js";

/** The pdf.js text content shape this module reads (a subset of its `TextContent`). */
export interface PdfTextContent {
  readonly items: readonly unknown[];
  readonly styles: Readonly<Record<string, { ascent?: number; descent?: number; vertical?: boolean }>>;
}

interface PdfTextItem {
  readonly str: string;
  readonly transform: readonly number[];
  readonly width: number;
  readonly height: number;
  readonly fontName: string;
}

/** What is known of a font once pdf.js has loaded it. */
export interface FontInfo {
  /** PostScript name without the subset prefix. */
  readonly name?: string;
  readonly bold: boolean;
}

/** A 2D affine transform [a, b, c, d, e, f] (PDF convention). */
export type Matrix = readonly [number, number, number, number, number, number];

/** m1 × m2: apply m2 first, then m1 (same as pdf.js `Util.transform`). */
export function multiply(m1: Matrix, m2: Matrix): Matrix {
  return [
    m1[0] * m2[0] + m1[2] * m2[1],
    m1[1] * m2[0] + m1[3] * m2[1],
    m1[0] * m2[2] + m1[2] * m2[3],
    m1[1] * m2[2] + m1[3] * m2[3],
    m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
    m1[1] * m2[4] + m1[3] * m2[5] + m1[5],
  ];
}

const BOLD_NAME = /bold|black|heavy|ultra|cmbx|cmb\d/i;
/** Style suffixes ("Arial-BoldMT", "NimbusRomNo9L-Medi", "Foo,Bd") that mean bold. */
const BOLD_STYLE = /^(?:semi|demi|medi|bd|sb|b|bi|bdit|heavy|black)/i;

/** "ABCDEF+Arial-BoldMT" → "Arial-BoldMT". */
export function stripSubset(name: string): string {
  return name.replace(/^[A-Z]{6}\+/, "");
}

/**
 * True when a font's PostScript name says it is bold.
 *
 * @example isBoldFontName("ABCDEF+NimbusRomNo9L-Medi") === true
 */
export function isBoldFontName(name: string | undefined): boolean {
  if (name === undefined) return false;
  const bare = stripSubset(name);
  if (BOLD_NAME.test(bare)) return true;
  const cut = Math.max(bare.lastIndexOf("-"), bare.lastIndexOf(","));
  return cut > 0 && BOLD_STYLE.test(bare.slice(cut + 1));
}

function isTextItem(value: unknown): value is PdfTextItem {
  return typeof value === "object" && value !== null && "str" in value && "transform" in value;
}

function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/**
 * Convert pdf.js text content to text items in page pixels.
 *
 * @param viewport the viewport transform (user space → page pixels)
 * @param fonts pdf.js font ids (`fontName` of the items) → PostScript name and boldness
 * @example textItems(await page.getTextContent(), viewport.transform, new Map(), 1275, 1650)
 */
export function textItems(
  content: PdfTextContent,
  viewport: Matrix,
  fonts: ReadonlyMap<string, FontInfo>,
  width: number,
  height: number,
): TextItem[] {
  const scale = Math.hypot(viewport[0], viewport[1]) || 1;
  const out: TextItem[] = [];
  for (const raw of content.items) {
    if (!isTextItem(raw) || raw.str.trim() === "" || raw.transform.length < 6) continue;
    const m = multiply(viewport, raw.transform as unknown as Matrix);
    const em = Math.hypot(m[2], m[3]);
    const sx = Math.hypot(m[0], m[1]);
    if (!(em > 0) || !(sx > 0)) continue;
    const style = content.styles[raw.fontName];
    const font = fonts.get(raw.fontName);
    const ascent = clamp(finiteOr(style?.ascent, 0.8) || 0.8, 0.5, 1.1);
    const descent = clamp(finiteOr(style?.descent, -0.2), -0.45, 0);
    // Writing direction (u) and "up" (v) in page pixels.
    const ux = m[0] / sx;
    const uy = m[1] / sx;
    const vx = m[2] / em;
    const vy = m[3] / em;
    const ox = m[4];
    const oy = m[5];
    let xs: number[];
    let ys: number[];
    if (style?.vertical) {
      // Vertical writing: glyphs advance down the column, centred on the origin.
      const length = raw.height * scale;
      const half = em / 2;
      xs = [ox - ux * half, ox + ux * half, ox - ux * half - vx * length, ox + ux * half - vx * length];
      ys = [oy - uy * half, oy + uy * half, oy - uy * half - vy * length, oy + uy * half - vy * length];
    } else {
      const length = raw.width * scale;
      const up = em * ascent;
      const down = em * descent;
      xs = [ox + vx * up, ox + ux * length + vx * up, ox + vx * down, ox + ux * length + vx * down];
      ys = [oy + vy * up, oy + uy * length + vy * up, oy + vy * down, oy + uy * length + vy * down];
    }
    const x0 = Math.max(0, Math.min(...xs));
    const x1 = Math.min(width, Math.max(...xs));
    const y0 = Math.max(0, Math.min(...ys));
    const y1 = Math.min(height, Math.max(...ys));
    if (!(x1 > x0) || !(y1 > y0)) continue;
    const item: TextItem = {
      text: raw.str,
      x0,
      y0,
      x1,
      y1,
      fontSize: em,
      ...(font?.name ? { fontName: font.name } : {}),
      ...(font?.bold ? { bold: true } : {}),
    };
    out.push(item);
  }
  return out;
}
