/**
 * @module Generated PDFs for the PDF reader, layout and parser tests (pdf-lib):
 * text at known coordinates, so tests can compute where its glyphs are in page
 * pixels and check boxes against them.
 *
 * Coordinates are PDF points with the origin at the bottom-left (PDF user
 * space); `glyphRect` converts a drawn run to the page-pixel rectangle its
 * glyphs cover (150 dpi, origin top-left) on an unrotated page.
 */
import { degrees, PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import sharp from "sharp";

export const LETTER: [number, number] = [612, 792];
const PX = 150 / 72;

export interface Run {
  readonly text: string;
  readonly x: number;
  /** Baseline, PDF points from the bottom. */
  readonly y: number;
  readonly size: number;
  readonly bold?: boolean;
}

export interface PageSpec {
  readonly runs?: readonly Run[];
  /** Lines: [x1, y1, x2, y2, thickness]. */
  readonly lines?: readonly (readonly [number, number, number, number, number])[];
  /** Images: [x, y, width, height] (a grey PNG with a black bar). */
  readonly images?: readonly (readonly [number, number, number, number])[];
  readonly rotate?: 0 | 90 | 180 | 270;
  readonly size?: [number, number];
}

export interface Fonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
}

let png: Uint8Array | undefined;

/** A 200×100 PNG: light grey with a black bar (ink for the blank-page check). */
async function samplePng(): Promise<Uint8Array> {
  if (png) return png;
  const width = 200;
  const height = 100;
  const data = Buffer.alloc(width * height * 3, 200);
  for (let y = 40; y < 60; y++)
    for (let x = 20; x < 180; x++) data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  png = new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
  return png;
}

function drawPage(page: PDFPage, spec: PageSpec, fonts: Fonts): void {
  for (const run of spec.runs ?? []) {
    page.drawText(run.text, {
      x: run.x,
      y: run.y,
      size: run.size,
      font: run.bold ? fonts.bold : fonts.regular,
    });
  }
  for (const [x1, y1, x2, y2, thickness] of spec.lines ?? []) {
    page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness, color: rgb(0, 0, 0) });
  }
  if (spec.rotate) page.setRotation(degrees(spec.rotate));
}

/**
 * A PDF of the given pages.
 *
 * @example const bytes = await makePdf([{ runs: [{ text: "Hello", x: 72, y: 700, size: 12 }] }]);
 */
export async function makePdf(pages: readonly PageSpec[], title?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title) doc.setTitle(title);
  const fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
  };
  for (const spec of pages) {
    const page = doc.addPage(spec.size ?? LETTER);
    drawPage(page, spec, fonts);
    for (const [x, y, width, height] of spec.images ?? []) {
      const image = await doc.embedPng(await samplePng());
      page.drawImage(image, { x, y, width, height });
    }
  }
  return doc.save();
}

/** Width of a run in points (Helvetica metrics, as pdf-lib draws it). */
export async function runWidth(run: Run): Promise<number> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(run.bold ? StandardFonts.HelveticaBold : StandardFonts.Helvetica);
  return font.widthOfTextAtSize(run.text, run.size);
}

/**
 * The page-pixel rectangle covered by a run's glyphs (cap height above the
 * baseline, descenders below) on an unrotated page of height `pageHeight` points.
 */
export async function glyphRect(
  run: Run,
  pageHeight = LETTER[1],
): Promise<{ x0: number; y0: number; x1: number; y1: number }> {
  const width = await runWidth(run);
  return {
    x0: run.x * PX,
    x1: (run.x + width) * PX,
    y0: (pageHeight - run.y - 0.72 * run.size) * PX,
    y1: (pageHeight - run.y + 0.2 * run.size) * PX,
  };
}

/** Lines of text, `leading` points apart, starting at baseline `y`. */
export function textLines(lines: readonly string[], x: number, y: number, size = 11, leading = 14): Run[] {
  return lines.map((text, i) => ({ text, x, y: y - i * leading, size }));
}
