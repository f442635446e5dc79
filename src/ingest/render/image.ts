/**
 * @module Image page images: the frame as the image parser saw it (EXIF
 * orientation applied, one frame per TIFF page), re-encoded as JPEG.
 */
import { encodeJpeg, isImageFormat } from "../image/index.js";
import { ParseError, type SourceFormat } from "../types.js";
import { PAGE_JPEG_QUALITY } from "./index.js";

/**
 * Render frame `pageNumber` (1-based) of an image as a JPEG.
 *
 * @throws ParseError for formats that are not images and for undecodable images
 * @example const jpeg = await renderImagePageJpeg(pngBytes, "png", 1);
 */
export async function renderImagePageJpeg(
  bytes: Uint8Array,
  format: SourceFormat,
  pageNumber: number,
): Promise<Uint8Array> {
  if (!isImageFormat(format)) throw new ParseError("UNSUPPORTED_TYPE", `${format} is not an image format`);
  try {
    return await encodeJpeg(bytes, format, pageNumber, { quality: PAGE_JPEG_QUALITY });
  } catch (error) {
    if (error instanceof RangeError) throw new ParseError("PARSE_FAILED", error.message);
    throw error;
  }
}
