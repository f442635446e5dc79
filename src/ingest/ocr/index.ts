/**
 * @module OCR with tesseract.js (WebAssembly, offline): `recognize` turns a page
 * image into words with boxes, confidences and tesseract's line/block structure
 * (the contract in `./types.ts`); `ocrToPageContent` hands them to the layout
 * stage. Workers, language data and offline loading live in `./engine.ts`.
 *
 * Design decisions (figures measured on the docling OCR set, see
 * test/quality/ocr.test.ts and bench/parse/ocr.ts):
 * - Model: the LSTM-only "best_int" data of `@tesseract.js-data/eng` (2.9 MB
 *   gzipped); page segmentation is tesseract's automatic mode (PSM 3), as in the
 *   CLI — tesseract.js defaults to one uniform block (PSM 6), which read the
 *   newspaper's columns as single lines across the page.
 * - Preprocessing with sharp: one greyscale conversion (every later rotation and
 *   rescale works on one channel, a third of the data), then tesseract's own Otsu
 *   binarisation. Its alternatives were no better on the newspaper, the bill and
 *   the letter of the set (bag-of-words F1: tiled Otsu −8.8, −2.7, −1.9 points;
 *   Sauvola −0.2, +1.7, −1.9); feeding tesseract the RGB image instead of sharp's
 *   grey helped some scans and hurt others, so no colour-specific step is applied.
 * - Text size: tesseract read our samples best once a text line was 30–40 px high
 *   (doubling a 300-dpi letter, 40-px lines, changed F1 by −0.3). Lines below
 *   30 px (a 150-dpi scan, a screenshot) are upscaled (Lanczos, up to 3×). On the
 *   150-dpi newspaper F1 went from 90.5 to 93.3 and word accuracy from 43 to 56;
 *   on the 150-dpi bill F1 from 91.5 to 94.4 (its word accuracy fell from 80 to
 *   68: the table came out in another reading order); 8-px type that reads
 *   "Invoice number 4711 du on eda" unscaled reads right. To know the text size
 *   before paying for recognition, images whose longer side is under 2,400 px —
 *   the ones likely to hold small text — first get tesseract's layout analysis
 *   alone (~15–30 % of a recognition); larger images (a 300-dpi page is 2,481 ×
 *   3,509) are recognised directly and re-run upscaled only when their lines turn
 *   out small. An image in which layout analysis finds no text line (a photo, a
 *   blank page) returns no words at once.
 * - Orientation, cheap for upright pages: an upright page is recognised once. Only
 *   when the result is doubtful — mean word confidence under 60 (upright print
 *   scored 85–95 in our tests, sideways or upside-down text 30–50) or most words
 *   taller than wide (tesseract reads sideways text as vertical lines, sometimes
 *   with high confidence) — does tesseract's orientation detection (OSD: legacy
 *   engine, `osd` data, ~0.4 s a page) run; a page it finds rotated is recognised
 *   again upright, and that result is kept if its confidence is higher (for
 *   vertical lines: unless it is more than 10 points lower). Layout analysis
 *   that finds mostly vertical lines triggers OSD before the first recognition.
 * - Very large inputs are shrunk to ≤ 40 megapixels and ≤ 16,000 px a side first,
 *   which bounds tesseract's WebAssembly memory.
 * - Boxes are mapped back from the scaled image to the input's pixels; with a
 *   rotation they refer to the upright image (`width`/`height` are its size), and
 *   `toInputRect` maps a box back onto the unrotated input.
 * - `ocrToPageContent` drops words under 30 % confidence, for the junk tesseract
 *   reads into pictures ("CULLEN", "LEDRIIDN", "HIADDIONAN" in the newspaper's film
 *   still all score under 30). On the text pages of the set it is neutral (within
 *   ±0.6 point of F1; it does drop the odd correct word read with confidence 0).
 */
import sharp from "sharp";
import type Tesseract from "tesseract.js";
import type { PageContent, Rect, TextItem } from "../layout/types.js";
import { type OcrWorker, orientationWorker, recognitionWorker, terminateEngines } from "./engine.js";
import type { OcrLine, OcrOptions, OcrPage, OcrWord, RawImage } from "./types.js";

export { languageDataPath, OcrLanguageError } from "./engine.js";
export type { OcrLine, OcrOptions, OcrPage, OcrWord, RawImage, Recognize } from "./types.js";

/** Languages used when `OcrOptions.languages` is not given. */
export const DEFAULT_OCR_LANGUAGES: readonly string[] = ["eng"];
/** Words under this confidence are dropped by `ocrToPageContent` (noise from pictures and rules). */
export const OCR_MIN_WORD_CONFIDENCE = 30;

const MAX_OCR_PIXELS = 40_000_000;
const MAX_OCR_SIDE = 16_000;
const PROBE_BELOW_SIDE = 2_400;
const MIN_TEXT_HEIGHT = 30;
const TARGET_TEXT_HEIGHT = 40;
const MAX_UPSCALE = 3;
const DOUBTFUL_CONFIDENCE = 60;
/** Confidence points an upright reading may lose and still replace a vertical one. */
const VERTICAL_TEXT_MARGIN = 10;

type Rotation = OcrPage["rotation"];

/** A single-channel 8-bit image. */
interface Grey {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

interface LineBox extends Rect {
  readonly textHeight: number;
}

function checkImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`invalid image size ${width}×${height}`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(`the image data has ${data.length} bytes, expected ${width * height * channels}`);
  }
}

async function toGrey(image: RawImage): Promise<Grey> {
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The size of the grey image after `rotation` and `scale`. */
function targetSize(grey: Grey, rotation: Rotation, scale: number): { width: number; height: number } {
  const swap = rotation === 90 || rotation === 270;
  const width = swap ? grey.height : grey.width;
  const height = swap ? grey.width : grey.height;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** PNG bytes for tesseract: the grey image rotated clockwise, then resized. */
async function render(grey: Grey, rotation: Rotation, scale: number): Promise<Buffer> {
  const raw = {
    raw: { width: grey.width, height: grey.height, channels: 1 as const },
    limitInputPixels: false,
  };
  let input: Buffer = grey.data;
  let size = { width: grey.width, height: grey.height };
  if (rotation !== 0) {
    const rotated = await sharp(grey.data, raw)
      .rotate(rotation)
      .toColourspace("b-w")
      .raw()
      .toBuffer({ resolveWithObject: true });
    input = rotated.data;
    size = { width: rotated.info.width, height: rotated.info.height };
  }
  let pipeline = sharp(input, { raw: { ...size, channels: 1 }, limitInputPixels: false });
  if (scale !== 1) {
    const target = targetSize(grey, rotation, scale);
    pipeline = pipeline.resize(target.width, target.height, { kernel: scale > 1 ? "lanczos3" : "lanczos2" });
  }
  // A one-channel raw input is still written as sRGB unless told otherwise.
  return pipeline.toColourspace("b-w").png({ compressionLevel: 0 }).toBuffer();
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** tesseract.js blocks (pixels of the scaled, rotated image) → an OcrPage in input pixels. */
function toOcrPage(
  blocks: readonly Tesseract.Block[],
  size: { width: number; height: number },
  rotation: Rotation,
  scale: number,
): OcrPage {
  const clampX = (v: number) => round2(Math.min(size.width, Math.max(0, v / scale)));
  const clampY = (v: number) => round2(Math.min(size.height, Math.max(0, v / scale)));
  const words: OcrWord[] = [];
  const lines: OcrLine[] = [];
  let paragraph = -1;
  blocks.forEach((block, blockIndex) => {
    for (const para of block.paragraphs) {
      paragraph++;
      for (const line of para.lines) {
        const kept = line.words.filter((w) => w.text.trim() !== "");
        if (kept.length === 0) continue;
        const lineIndex = lines.length;
        const rowHeight = line.rowAttributes?.rowHeight;
        lines.push({
          x0: clampX(line.bbox.x0),
          y0: clampY(line.bbox.y0),
          x1: clampX(line.bbox.x1),
          y1: clampY(line.bbox.y1),
          block: blockIndex,
          paragraph,
          ...(rowHeight && rowHeight > 0 ? { textHeight: round2(rowHeight / scale) } : {}),
        });
        for (const w of kept) {
          words.push({
            text: w.text.trim(),
            confidence: Math.max(0, Math.min(100, w.confidence)),
            x0: clampX(w.bbox.x0),
            y0: clampY(w.bbox.y0),
            x1: clampX(w.bbox.x1),
            y1: clampY(w.bbox.y1),
            line: lineIndex,
          });
        }
      }
    }
  });
  const confidence = words.length ? words.reduce((sum, w) => sum + w.confidence, 0) / words.length : 0;
  return { ...size, rotation, words, lines, confidence: round2(confidence) };
}

async function recognizeAt(
  worker: OcrWorker,
  grey: Grey,
  rotation: Rotation,
  scale: number,
): Promise<OcrPage> {
  const png = await render(grey, rotation, scale);
  const { data } = await worker.run((w) => w.recognize(png, {}, { text: false, blocks: true }));
  return toOcrPage(data.blocks ?? [], targetSize(grey, rotation, 1), rotation, scale);
}

/** Tesseract's layout analysis alone: the text lines it finds, in the grey image's pixels. */
async function analyseLayout(worker: OcrWorker, grey: Grey, scale: number): Promise<LineBox[]> {
  const png = await render(grey, 0, scale);
  const { data } = await worker.run((w) =>
    w.recognize(png, {}, { text: false, blocks: false, layoutBlocks: true }),
  );
  const blocks = (data as unknown as { layoutBlocks?: Tesseract.Block[] | null }).layoutBlocks ?? [];
  return blocks.flatMap((b) =>
    b.paragraphs.flatMap((p) =>
      p.lines.map((l) => ({
        x0: l.bbox.x0 / scale,
        y0: l.bbox.y0 / scale,
        x1: l.bbox.x1 / scale,
        y1: l.bbox.y1 / scale,
        textHeight: (l.rowAttributes?.rowHeight || l.bbox.y1 - l.bbox.y0) / scale,
      })),
    ),
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The largest scale that keeps the image within the OCR limits (may exceed 1). */
function maxScale(grey: Grey): number {
  return Math.min(
    MAX_OCR_SIDE / Math.max(grey.width, grey.height),
    Math.sqrt(MAX_OCR_PIXELS / (grey.width * grey.height)),
  );
}

/** The scale for recognition: `base`, or larger so the median text height (input pixels) reaches the target. */
function textScale(textHeight: number, grey: Grey, base: number): number {
  if (!(textHeight > 0) || textHeight * base >= MIN_TEXT_HEIGHT) return base;
  return Math.max(base, Math.min(MAX_UPSCALE, TARGET_TEXT_HEIGHT / textHeight, maxScale(grey)));
}

function lineTextHeights(page: OcrPage): number[] {
  return page.lines.map((l) => l.textHeight ?? l.y1 - l.y0);
}

/** Why the text is probably not upright: low confidence, or words standing on end; undefined when it looks fine. */
function doubtful(page: OcrPage): "confidence" | "vertical" | undefined {
  if (page.words.length === 0) return undefined;
  const long = page.words.filter((w) => w.text.length >= 3);
  const tall = long.filter((w) => w.y1 - w.y0 > w.x1 - w.x0);
  if (long.length > 0 && tall.length * 2 > long.length) return "vertical";
  return page.confidence < DOUBTFUL_CONFIDENCE ? "confidence" : undefined;
}

/** Tesseract OSD: the clockwise rotation that makes the text upright (0 when unknown). */
async function detectRotation(grey: Grey, scale: number): Promise<Rotation> {
  try {
    const png = await render(grey, 0, scale);
    const worker = await orientationWorker();
    const { data } = await worker.run((w) => w.detect(png));
    const degrees = data.orientation_degrees;
    return degrees === 90 || degrees === 180 || degrees === 270 ? degrees : 0;
  } catch {
    // OSD finds too few characters on sparse pages; recognition then stays unrotated.
    return 0;
  }
}

/**
 * Recognise the text of a page image.
 *
 * @throws OcrLanguageError when a requested language's `@tesseract.js-data/<code>` package is not installed
 * @throws RangeError for an image whose data does not match its size
 * @example
 *   const page = await recognize({ data, width, height, channels: 1 });
 *   page.words.map((w) => w.text).join(" ");
 */
export async function recognize(image: RawImage, options: OcrOptions = {}): Promise<OcrPage> {
  checkImage(image);
  const worker = await recognitionWorker(options.languages ?? DEFAULT_OCR_LANGUAGES);
  const autoRotate = options.autoRotate ?? true;
  const grey = await toGrey(image);
  const base = Math.min(1, maxScale(grey));
  let rotation: Rotation = 0;
  let scale = base;
  let orientationChecked = false;
  const probed = Math.max(grey.width, grey.height) * base < PROBE_BELOW_SIDE;
  if (probed) {
    const lines = await analyseLayout(worker, grey, base);
    if (lines.length === 0) {
      return { ...targetSize(grey, 0, 1), rotation: 0, words: [], lines: [], confidence: 0 };
    }
    const vertical = lines.filter((l) => l.y1 - l.y0 > l.x1 - l.x0).length * 2 > lines.length;
    if (autoRotate && vertical) {
      rotation = await detectRotation(grey, base);
      orientationChecked = true;
    }
    scale = textScale(median(lines.map((l) => l.textHeight)), grey, base);
  }
  let page = await recognizeAt(worker, grey, rotation, scale);
  if (!probed && page.lines.length > 0) {
    const upscale = textScale(median(lineTextHeights(page)), grey, base);
    if (upscale > scale) {
      const larger = await recognizeAt(worker, grey, rotation, upscale);
      if (larger.confidence >= page.confidence) {
        page = larger;
        scale = upscale;
      }
    }
  }
  const doubt = autoRotate && !orientationChecked ? doubtful(page) : undefined;
  if (doubt) {
    const detected = await detectRotation(grey, base);
    if (detected !== 0) {
      const upright = await recognizeAt(worker, grey, detected, scale);
      // Sideways text that tesseract read as vertical lines may score as well as the
      // upright reading; upright lines are what the layout stage needs, so they win ties.
      const margin = doubt === "vertical" ? VERTICAL_TEXT_MARGIN : 0;
      if (upright.confidence + margin > page.confidence) page = upright;
    }
  }
  return page;
}

/**
 * Map a rectangle of the upright image OCR reported back onto the input image
 * it was given (undoes `page.rotation`).
 *
 * @example toInputRect({ x0: 0, y0: 0, x1: 10, y1: 5 }, { width: 100, height: 50, rotation: 90 }) // { x0: 0, y0: 90, x1: 5, y1: 100 }
 */
export function toInputRect(rect: Rect, page: Pick<OcrPage, "width" | "height" | "rotation">): Rect {
  const { x0, y0, x1, y1 } = rect;
  const { width: w, height: h } = page;
  switch (page.rotation) {
    case 90:
      return { x0: y0, y0: w - x1, x1: y1, y1: w - x0 };
    case 180:
      return { x0: w - x1, y0: h - y1, x1: w - x0, y1: h - y0 };
    case 270:
      return { x0: h - y1, y0: x0, x1: h - y0, y1: x1 };
    default:
      return { x0, y0, x1, y1 };
  }
}

export interface PageContentOptions {
  /** Drop words below this confidence (default OCR_MIN_WORD_CONFIDENCE). */
  readonly minConfidence?: number;
}

/**
 * An OCR result as the layout stage's input: one TextItem per word, `scale`
 * converting OCR pixels to page-image pixels (e.g. 0.5 for a 300-dpi OCR render
 * of a page whose image is 150 dpi). The page is the upright image OCR saw.
 *
 * @example const content = ocrToPageContent(await recognize(frame), 1, 1); layoutDocument([content]);
 */
export function ocrToPageContent(
  page: OcrPage,
  pageNumber: number,
  scale: number,
  options: PageContentOptions = {},
): PageContent {
  const minConfidence = options.minConfidence ?? OCR_MIN_WORD_CONFIDENCE;
  const items: TextItem[] = [];
  for (const word of page.words) {
    if (word.confidence < minConfidence) continue;
    const line = page.lines[word.line];
    const height = line ? (line.textHeight ?? line.y1 - line.y0) : word.y1 - word.y0;
    items.push({
      text: word.text,
      x0: word.x0 * scale,
      y0: word.y0 * scale,
      x1: word.x1 * scale,
      y1: word.y1 * scale,
      fontSize: height * scale,
      confidence: word.confidence,
    });
  }
  return {
    pageNumber,
    width: Math.round(page.width * scale),
    height: Math.round(page.height * scale),
    items,
    rules: [],
    images: [],
    ocr: true,
  };
}

/**
 * Stop the OCR workers of this thread (call at shutdown; a later `recognize` starts them again).
 *
 * @example await terminateOcr();
 */
export function terminateOcr(): Promise<void> {
  return terminateEngines();
}
