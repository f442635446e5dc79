/**
 * @module The OCR contract: a page image in, words with boxes out. The PDF
 * parser (pages without a usable text layer) and the image parser both call it;
 * the words then go through the shared layout stage (`../layout`).
 */

/** A decoded image: 8-bit pixels, row-major, `channels` bytes per pixel. */
export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
}

export interface OcrWord {
  readonly text: string;
  /** 0–100. */
  readonly confidence: number;
  /** Box in the pixels of the image given to `recognize`. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Tesseract's line the word belongs to (index into `OcrPage.lines`). */
  readonly line: number;
}

export interface OcrLine {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Tesseract's block (paragraph region) the line belongs to. */
  readonly block: number;
  /** Tesseract's paragraph within the block, numbered across the page (tesseract.js implementation). */
  readonly paragraph?: number;
  /**
   * Height of the line's text from descender to ascender, in the same pixels
   * (tesseract's row height: unaffected by skew, unlike the box) — a font-size estimate.
   */
  readonly textHeight?: number;
}

export interface OcrPage {
  /** Size of the recognised image (after any rotation applied by `recognize`). */
  readonly width: number;
  readonly height: number;
  /** Clockwise rotation in degrees (0, 90, 180, 270) applied to the input so the text reads upright. */
  readonly rotation: 0 | 90 | 180 | 270;
  readonly words: readonly OcrWord[];
  readonly lines: readonly OcrLine[];
  /** Mean word confidence, 0–100 (0 when no words). */
  readonly confidence: number;
}

export interface OcrOptions {
  /** Tesseract language codes whose data packages are installed (default ["eng"]). */
  readonly languages?: readonly string[];
  /** Detect and undo page rotation (default true). */
  readonly autoRotate?: boolean;
}

/** What the parsers call; implemented with tesseract.js in `./index.ts`. */
export type Recognize = (image: RawImage, options?: OcrOptions) => Promise<OcrPage>;
