/**
 * @module Page images: one page of a paged document rendered as a JPEG whose
 * pixel size is the page size the X-Ray reports (`documentPages[].width/height`),
 * so bounding boxes can be drawn on it as they are. Runs in a sandbox worker
 * (the server's render pool). The renderers load lazily: a parser thread that
 * never renders never loads pdf.js's canvas.
 */
import { isImageFormat } from "../image/index.js";
import { ParseError, type SourceFormat } from "../types.js";

export interface RenderRequest {
  /** The original file, or for DOCX/PPTX the PDF LibreOffice made of it (then `format` is "pdf"). */
  readonly bytes: Uint8Array;
  readonly format: SourceFormat;
  /** 1-based. */
  readonly pageNumber: number;
}

/** JPEG quality of page images: text stays legible, a letter page is ~150–300 KB. */
export const PAGE_JPEG_QUALITY = 80;

/**
 * Render one page as a JPEG.
 *
 * @throws ParseError when the format has no pages or the page does not exist
 * @example const jpeg = await renderPageJpeg({ bytes, format: "pdf", pageNumber: 1 });
 */
export async function renderPageJpeg(request: RenderRequest): Promise<Uint8Array> {
  if (request.format === "pdf") {
    const { renderPdfPageJpeg } = await import("./pdf.js");
    return renderPdfPageJpeg(request.bytes, request.pageNumber);
  }
  if (isImageFormat(request.format)) {
    const { renderImagePageJpeg } = await import("./image.js");
    return renderImagePageJpeg(request.bytes, request.format, request.pageNumber);
  }
  throw new ParseError("UNSUPPORTED_TYPE", `${request.format} documents have no page images`);
}
