/**
 * @module Images (png, jpg, tiff, webp, gif, heif, ico, svg, bmp): every frame
 * is a page, read by OCR and laid out like a scanned PDF page.
 *
 * - Frames come from `../image` (EXIF orientation applied, one per TIFF page,
 *   pixel cap against decompression bombs). The frame count is checked against
 *   `limits.maxPages` before any frame is decoded or recognised.
 * - Each frame goes through `recognize` (`../ocr`), its words through
 *   `ocrToPageContent` (words under 30 % confidence dropped), and all pages
 *   together through `layoutDocument` (`../layout`): paragraphs, headings,
 *   tables, reading order and running headers work as for PDFs.
 * - Page space: `pages[]` has each frame's pixel size, which is also the page
 *   image the server renders (`encodeJpeg`). When OCR found the frame rotated,
 *   the layout runs on the upright words and the resulting boxes are mapped back
 *   onto the frame as displayed, marked `corrected: true`.
 * - A page without recognisable text (a photo, a drawing) becomes a figure block
 *   covering the frame, without text. A document with no text on any page thus
 *   consists of empty figures, and the pipeline reports EMPTY_DOCUMENT "the
 *   document contains no text" — deliberate: without an image-description model
 *   there is nothing to index, and inventing text (the file name) would make the
 *   photo match searches it has nothing to do with.
 */
import { type ImageFormat, isImageFormat, openImage } from "../image/index.js";
import { layoutDocument } from "../layout/index.js";
import type { PageContent } from "../layout/types.js";
import type { OcrPage, Recognize } from "../ocr/types.js";
import {
  type Block,
  type Box,
  type PageInfo,
  type ParseContext,
  type ParsedDocument,
  ParseError,
  type Parser,
} from "../types.js";

export interface ImageParserOptions {
  /** OCR languages (installed `@tesseract.js-data/<code>` packages; default ["eng"]). */
  readonly languages?: readonly string[];
  /** Largest frame in pixels (default: the image module's 100 megapixels). */
  readonly maxPixels?: number;
  /** The OCR function (default: `recognize` of `../ocr`, loaded on first use). */
  readonly recognize?: Recognize;
}

const FORMATS = ["png", "jpg", "tiff", "webp", "gif", "heif", "ico", "svg", "bmp"] as const;

interface OcrModule {
  readonly recognize: Recognize;
  readonly ocrToPageContent: (page: OcrPage, pageNumber: number, scale: number) => PageContent;
  readonly toInputRect: typeof import("../ocr/index.js").toInputRect;
}

let ocrModule: Promise<OcrModule> | undefined;

/** The OCR module, imported on first use (it pulls in tesseract.js). */
function loadOcr(): Promise<OcrModule> {
  ocrModule ??= import("../ocr/index.js");
  return ocrModule;
}

function pageLimit(frames: number, context: ParseContext): void {
  if (frames > context.limits.maxPages) {
    throw new ParseError(
      "LIMIT_EXCEEDED",
      `the document has ${frames} pages, more than the limit of ${context.limits.maxPages}`,
    );
  }
}

/** A box laid out on the upright page, back on the frame as displayed. */
function toFrameBox(box: Box, ocr: OcrPage, frame: PageInfo, mod: OcrModule): Box {
  if (ocr.rotation === 0) return box;
  const r = mod.toInputRect(
    { x0: box.topLeftX, y0: box.topLeftY, x1: box.bottomRightX, y1: box.bottomRightY },
    ocr,
  );
  return {
    pageNumber: box.pageNumber,
    topLeftX: Math.max(0, Math.floor(r.x0)),
    topLeftY: Math.max(0, Math.floor(r.y0)),
    bottomRightX: Math.min(frame.width, Math.ceil(r.x1)),
    bottomRightY: Math.min(frame.height, Math.ceil(r.y1)),
    corrected: true,
  };
}

function wholeFrame(page: PageInfo): Block {
  return {
    kind: "figure",
    pageNumber: page.pageNumber,
    boxes: [
      {
        pageNumber: page.pageNumber,
        topLeftX: 0,
        topLeftY: 0,
        bottomRightX: page.width,
        bottomRightY: page.height,
      },
    ],
  };
}

/**
 * An image parser with its own OCR settings.
 *
 * @example registry.register(createImageParser({ languages: ["eng", "deu"] }));
 */
export function createImageParser(options: ImageParserOptions = {}): Parser {
  return {
    name: "image",
    formats: FORMATS,
    async parse(bytes, context): Promise<ParsedDocument> {
      if (!isImageFormat(context.format)) {
        throw new ParseError("UNSUPPORTED_TYPE", `${context.format} is not an image format`);
      }
      const format: ImageFormat = context.format;
      const image = await openImage(bytes, format, options.maxPixels ? { maxPixels: options.maxPixels } : {});
      pageLimit(image.frameCount, context);
      const mod = await loadOcr();
      const recognize = options.recognize ?? mod.recognize;
      const languages = options.languages ?? context.options?.ocrLanguages;
      const ocrOptions = languages ? { languages } : {};
      const pages: PageInfo[] = [];
      const ocrPages: OcrPage[] = [];
      const contents: PageContent[] = [];
      for (let i = 0; i < image.frameCount; i++) {
        const frame = await image.frame(i);
        const ocr = await recognize(frame, ocrOptions);
        pages.push({ pageNumber: i + 1, width: frame.width, height: frame.height });
        ocrPages.push(ocr);
        contents.push(mod.ocrToPageContent(ocr, i + 1, 1));
      }
      const laidOut = layoutDocument(contents.filter((c) => c.items.length > 0));
      const blocks: Block[] = [];
      for (const page of pages) {
        const ocr = ocrPages[page.pageNumber - 1];
        const onPage = laidOut.filter((b) => b.pageNumber === page.pageNumber);
        if (!ocr || onPage.length === 0) {
          blocks.push(wholeFrame(page));
          continue;
        }
        for (const block of onPage) {
          const boxes = block.boxes?.map((box) => {
            const frame = pages[box.pageNumber - 1] ?? page;
            const boxOcr = ocrPages[box.pageNumber - 1] ?? ocr;
            return toFrameBox(box, boxOcr, frame, mod);
          });
          blocks.push(boxes ? { ...block, boxes } : block);
        }
      }
      return { blocks, pages };
    },
  };
}

/** The image parser with the default OCR settings (English). */
export const imageParser: Parser = createImageParser();
