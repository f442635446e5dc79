/**
 * @module OCR of a PDF page whose text layer is missing or garbage.
 *
 * The page is rendered at `OCR_DPI` and given to the OCR module's `recognize`;
 * the words come back in the pixels of that image, possibly after `recognize`
 * turned it upright (`rotation`). The OCR module's `ocrToPageContent` scales
 * them to page pixels (150 dpi: × width of the page / width of the image, i.e.
 * 150/300 unless a huge page was rendered smaller) in the upright orientation,
 * where the layout stage can read them as lines, and drops low-confidence
 * words. The PDF's rules are turned the same way so ruled tables still work;
 * its image regions are dropped — on a scanned page the images are the scan,
 * and the text read from them is the page's body, not figure text.
 * `toPageSpace` maps the resulting boxes back onto the
 * page as it is displayed (and marks them `corrected`).
 */
import type { PageContent, Rect } from "../layout/types.js";
import type { OcrPage, RawImage, Recognize } from "../ocr/types.js";
import type { Box } from "../types.js";

export const OCR_DPI = 300;

export type Rotation = 0 | 90 | 180 | 270;

/** Original page pixels → upright page pixels, for a page turned `rotation` degrees clockwise. */
function forward(rotation: Rotation, w: number, h: number, x: number, y: number): [number, number] {
  switch (rotation) {
    case 90:
      return [h - y, x];
    case 180:
      return [w - x, h - y];
    case 270:
      return [y, w - x];
    default:
      return [x, y];
  }
}

/** Upright page pixels → original page pixels. */
function backward(rotation: Rotation, w: number, h: number, u: number, v: number): [number, number] {
  switch (rotation) {
    case 90:
      return [v, h - u];
    case 180:
      return [w - u, h - v];
    case 270:
      return [w - v, u];
    default:
      return [u, v];
  }
}

function mapRect(r: Rect, f: (x: number, y: number) => [number, number]): Rect {
  const [ax, ay] = f(r.x0, r.y0);
  const [bx, by] = f(r.x1, r.y1);
  return { x0: Math.min(ax, bx), y0: Math.min(ay, by), x1: Math.max(ax, bx), y1: Math.max(ay, by) };
}

/** What the PDF reader needs of the OCR module (`../ocr/index.ts`). */
export interface OcrModule {
  readonly recognize: Recognize;
  readonly ocrToPageContent: (page: OcrPage, pageNumber: number, scale: number) => PageContent;
}

/**
 * The OCR words of a page as layout input, in upright page pixels, with the
 * PDF's rules turned the same way (and no image regions).
 *
 * @param page the page as extracted from the PDF (its size, rules, images)
 * @param image the rendering that was recognised (original orientation)
 */
export function ocrPageContent(
  ocrModule: OcrModule,
  page: PageContent,
  image: RawImage,
  ocr: OcrPage,
): PageContent {
  const scale = page.width / Math.max(1, image.width);
  const content = ocrModule.ocrToPageContent(ocr, page.pageNumber, scale);
  const turn = (x: number, y: number) => forward(ocr.rotation, page.width, page.height, x, y);
  // No image regions: on a scanned page the images are the scan, and their text is the page's body.
  return { ...content, rules: page.rules.map((r) => mapRect(r, turn)), images: [], ocr: true };
}

/**
 * Map a box laid out in upright space back onto the displayed page.
 *
 * @example toPageSpace(box, 90, 1275, 1650) // corrected: true
 */
export function toPageSpace(box: Box, rotation: Rotation, width: number, height: number): Box {
  if (rotation === 0) return box;
  const r = mapRect(
    { x0: box.topLeftX, y0: box.topLeftY, x1: box.bottomRightX, y1: box.bottomRightY },
    (u, v) => backward(rotation, width, height, u, v),
  );
  return {
    pageNumber: box.pageNumber,
    topLeftX: Math.max(0, Math.floor(r.x0)),
    topLeftY: Math.max(0, Math.floor(r.y0)),
    bottomRightX: Math.min(Math.ceil(width), Math.ceil(r.x1)),
    bottomRightY: Math.min(Math.ceil(height), Math.ceil(r.y1)),
    corrected: true,
  };
}

/**
 * An OCR module loader that recognises in the given languages.
 *
 * @example readPages(pdf, 1, n, limits, withLanguages(defaultOcr, ["eng", "deu"]))
 */
export function withLanguages(
  loadOcr: () => Promise<OcrModule>,
  languages: readonly string[],
): () => Promise<OcrModule> {
  return async () => {
    const module = await loadOcr();
    return { ...module, recognize: (image, options) => module.recognize(image, { languages, ...options }) };
  };
}

/** Recognise a rendered page; `rotation` tells how the returned content was turned upright. */
export async function recognizePage(
  loadOcr: () => Promise<OcrModule>,
  page: PageContent,
  image: RawImage,
): Promise<{ content: PageContent; rotation: Rotation }> {
  const ocrModule = await loadOcr();
  const ocr = await ocrModule.recognize(image);
  return { content: ocrPageContent(ocrModule, page, image, ocr), rotation: ocr.rotation };
}
