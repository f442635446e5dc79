/**
 * @module PDF page images: pdf.js renders the page at the page-image resolution
 * (150 dpi, the pixel space of the X-Ray's boxes), sharp encodes the JPEG.
 */
import { encodeFrameJpeg } from "../image/index.js";
import { PAGE_IMAGE_DPI } from "../layout/types.js";
import { openPdf } from "../pdf/index.js";
import { ParseError } from "../types.js";
import { PAGE_JPEG_QUALITY } from "./index.js";

/**
 * Render page `pageNumber` (1-based) of a PDF as a JPEG.
 *
 * @throws ParseError for a page the PDF does not have, ENCRYPTED or PARSE_FAILED for unreadable PDFs
 * @example const jpeg = await renderPdfPageJpeg(bytes, 1);
 */
export async function renderPdfPageJpeg(bytes: Uint8Array, pageNumber: number): Promise<Uint8Array> {
  // pdf.js refuses Node Buffers (and may take over the memory it is given): hand it a copy.
  const pdf = await openPdf(new Uint8Array(bytes));
  try {
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > pdf.pageCount) {
      throw new ParseError("PARSE_FAILED", `page ${pageNumber} does not exist: the PDF has ${pdf.pageCount}`);
    }
    const image = await pdf.renderPage(pageNumber, PAGE_IMAGE_DPI);
    return await encodeFrameJpeg(image, { quality: PAGE_JPEG_QUALITY });
  } finally {
    await pdf.close();
  }
}
