/**
 * @module Test images with known text at known places, rendered by sharp from
 * SVG (librsvg + fontconfig: "DejaVu Sans", else the system's sans-serif).
 */
import sharp from "sharp";

export interface DrawnText {
  readonly text: string;
  /** Left end of the baseline, in pixels. */
  readonly x: number;
  readonly y: number;
  /** Font size in pixels. */
  readonly size: number;
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An SVG document of black text on white. */
export function textSvg(width: number, height: number, texts: readonly DrawnText[]): string {
  const body = texts
    .map(
      (t) =>
        `<text x="${t.x}" y="${t.y}" font-size="${t.size}" font-family="DejaVu Sans, sans-serif" fill="#000">${escapeXml(t.text)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${body}</svg>`;
}

/**
 * A PNG (1 px per SVG unit) of black text on white, optionally turned clockwise afterwards.
 *
 * @example await textPng(800, 200, [{ text: "Hello", x: 40, y: 100, size: 48 }]);
 */
export async function textPng(
  width: number,
  height: number,
  texts: readonly DrawnText[],
  rotate: 0 | 90 | 180 | 270 = 0,
): Promise<Buffer> {
  const png = await sharp(Buffer.from(textSvg(width, height, texts)), { density: 72 })
    .png()
    .toBuffer();
  return rotate ? sharp(png).rotate(rotate).png().toBuffer() : png;
}
