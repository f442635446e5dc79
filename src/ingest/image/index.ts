/**
 * @module Image decoding: any supported image file → 8-bit frames (`RawImage`),
 * and frames → JPEG for the server's page images.
 *
 * Design decisions:
 * - sharp (libvips) decodes png, jpg, tiff, webp, gif, svg and AVIF-coded heif.
 *   Formats its prebuilt binaries lack go to `./fallback.ts` (bmp-js, decode-ico,
 *   heic-decode), whose RGBA output then runs through the same sharp pipeline,
 *   so every format gets identical treatment.
 * - The pipeline: EXIF orientation applied (`autoOrient`), transparency
 *   flattened onto white (dark text on a transparent background must not turn
 *   into black on black), converted to 8-bit grey (1 channel) when the source
 *   is grey and to 8-bit sRGB (3 channels) otherwise — so 16-bit, CMYK,
 *   palette and alpha inputs all arrive in one of two layouts.
 * - Frames: every page of a TIFF is a frame; GIF and animated WebP give their
 *   first frame, HEIF its primary image, ICO its largest icon. Frames decode
 *   lazily (`openImage(...).frame(i)`), one at a time, so a long multi-page TIFF
 *   never holds more than one page of pixels.
 * - SVG is rasterised at twice its nominal size (density 144: its text reaches
 *   OCR-friendly heights), less when that would exceed 25 megapixels (or the
 *   pixel cap, if lower): a vector drawing declaring a huge size is shrunk, not
 *   refused, unless even density 1 would exceed the cap.
 * - Decompression bombs: every frame's declared size is checked against
 *   `maxPixels` (default 100 megapixels ≈ a 10,000 × 10,000 scan) before its
 *   pixels are decoded, and sharp's own `limitInputPixels` guards the same
 *   cap → LIMIT_EXCEEDED. Anything a decoder rejects (truncated, corrupt,
 *   not an image) → PARSE_FAILED "could not decode the image: …".
 */
import sharp, { type Sharp, type SharpOptions } from "sharp";
import type { Rect } from "../layout/types.js";
import type { RawImage } from "../ocr/types.js";
import { ParseError } from "../types.js";
import {
  checkPixels,
  decodeBmp,
  decodeHeic,
  decodeLargestIcon,
  type RgbaPixels,
  tooManyPixels,
  undecodable,
} from "./fallback.js";

/** The document types that are images. */
export const IMAGE_FORMATS = ["png", "jpg", "tiff", "webp", "gif", "heif", "ico", "svg", "bmp"] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** Default cap on the pixels of one frame (width × height). */
export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;

/** SVG is rendered at this multiple of its nominal (CSS pixel) size… */
export const SVG_SCALE = 2;
/** …and at most this many pixels (less when `maxPixels` is lower). */
export const SVG_MAX_PIXELS = 25_000_000;

const WHITE = { r: 255, g: 255, b: 255 };

export interface DecodeOptions {
  /** Largest frame accepted, in pixels (default DEFAULT_MAX_IMAGE_PIXELS). */
  readonly maxPixels?: number;
}

/** An opened image: its frame count is known, frames decode on demand. */
export interface ImageSource {
  readonly format: ImageFormat;
  /** TIFF pages; 1 for every other format. */
  readonly frameCount: number;
  /**
   * Decode one frame (0-based): oriented, flattened onto white, 8-bit grey or sRGB.
   *
   * @throws ParseError LIMIT_EXCEEDED, PARSE_FAILED
   */
  frame(index: number): Promise<RawImage>;
}

/** True for a format this module decodes. */
export function isImageFormat(format: string): format is ImageFormat {
  return (IMAGE_FORMATS as readonly string[]).includes(format);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (
    message
      .split("\n")
      .find((line) => line.trim())
      ?.trim() ?? "unknown error"
  );
}

/** A decoder failure as the ParseError a document gets. */
function asParseError(error: unknown, maxPixels: number): ParseError {
  if (error instanceof ParseError) return error;
  const reason = firstLine(error);
  if (/exceeds pixel limit/i.test(reason)) {
    return new ParseError("LIMIT_EXCEEDED", `the image has more than ${maxPixels} pixels`);
  }
  return undecodable(reason);
}

/** The shared tail of every decode: orientation (sharp inputs only), white background, 8-bit layout. */
async function toRawImage(pipeline: Sharp, grey: boolean, orient: boolean): Promise<RawImage> {
  const oriented = orient ? pipeline.autoOrient() : pipeline;
  const { data, info } = await oriented
    .flatten({ background: WHITE })
    .toColourspace(grey ? "b-w" : "srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 && info.channels !== 3) {
    throw undecodable(`unexpected ${info.channels}-channel output`);
  }
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: info.channels,
  };
}

function fromRgba(pixels: RgbaPixels, maxPixels: number): Promise<RawImage> {
  const input = sharp(pixels.data, {
    raw: { width: pixels.width, height: pixels.height, channels: 4 },
    limitInputPixels: maxPixels,
  });
  return toRawImage(input, false, false);
}

const GREY_SPACES: ReadonlySet<string> = new Set(["b-w", "grey16"]);

/** A format sharp reads: one sharp instance per frame, sized and capped before decoding. */
async function openWithSharp(
  bytes: Uint8Array,
  format: ImageFormat,
  maxPixels: number,
): Promise<ImageSource> {
  const base: SharpOptions = { limitInputPixels: maxPixels, failOn: "error" };
  // Headers only: the declared size is checked here, with a clearer message than sharp's.
  const meta = await sharp(bytes, { ...base, limitInputPixels: false }).metadata();
  if (format === "svg") {
    // Nominal size at 72 dpi = CSS pixels; scale up for OCR, down to fit the cap.
    const nominal = meta.width * meta.height;
    const budget = Math.min(maxPixels, SVG_MAX_PIXELS);
    // (0.99: rounding the rendered size up must not cross the cap.)
    const scale = Math.min(SVG_SCALE, 0.99 * Math.sqrt(budget / Math.max(nominal, 1)));
    const density = 72 * scale;
    if (density < 1) throw tooManyPixels(meta.width, meta.height, maxPixels);
    return {
      format,
      frameCount: 1,
      frame: async (index) => {
        if (index !== 0) throw new RangeError(`frame ${index} does not exist: the image has 1 frame`);
        return toRawImage(sharp(bytes, { ...base, density }), false, false);
      },
    };
  }
  checkPixels(meta.width, meta.height, maxPixels);
  const frameCount = format === "tiff" ? Math.max(meta.pages ?? 1, 1) : 1;
  return {
    format,
    frameCount,
    frame: async (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= frameCount) {
        throw new RangeError(`frame ${index} does not exist: the image has ${frameCount} frame(s)`);
      }
      const options: SharpOptions = { ...base, page: index };
      const page =
        index === 0 ? meta : await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
      checkPixels(page.width, page.height, maxPixels);
      const grey = GREY_SPACES.has(page.space) || page.channels <= 2;
      return toRawImage(sharp(bytes, options), grey, true);
    },
  };
}

function singleFrame(format: ImageFormat, decode: () => Promise<RawImage>): ImageSource {
  let decoded: Promise<RawImage> | undefined;
  return {
    format,
    frameCount: 1,
    frame: (index) => {
      if (index !== 0)
        return Promise.reject(new RangeError(`frame ${index} does not exist: the image has 1 frame`));
      decoded ??= decode();
      return decoded;
    },
  };
}

/**
 * Open an image file: checks that it decodes far enough to know its frames.
 *
 * @throws ParseError LIMIT_EXCEEDED (a frame over `maxPixels`), PARSE_FAILED (corrupt or not this format)
 * @example
 *   const image = await openImage(bytes, "tiff");
 *   for (let i = 0; i < image.frameCount; i++) ocr(await image.frame(i));
 */
export async function openImage(
  bytes: Uint8Array,
  format: ImageFormat,
  options: DecodeOptions = {},
): Promise<ImageSource> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const guarded = (source: ImageSource): ImageSource => ({
    ...source,
    frame: (index) =>
      source.frame(index).catch((error: unknown) => {
        throw error instanceof RangeError ? error : asParseError(error, maxPixels);
      }),
  });
  try {
    switch (format) {
      case "bmp":
        return guarded(singleFrame(format, () => fromRgba(decodeBmp(bytes, maxPixels), maxPixels)));
      case "ico": {
        const icon = decodeLargestIcon(bytes, maxPixels);
        if ("png" in icon) return guarded(await openWithSharp(icon.png, format, maxPixels));
        return guarded(singleFrame(format, () => fromRgba(icon.pixels, maxPixels)));
      }
      case "heif": {
        // sharp reads AVIF-coded HEIF; HEVC-coded (HEIC, iPhone photos) needs heic-decode.
        const viaSharp = await openWithSharp(bytes, format, maxPixels).catch((error: unknown) => {
          if (asParseError(error, maxPixels).code === "LIMIT_EXCEEDED") throw error;
          return undefined;
        });
        const first = await viaSharp?.frame(0).catch((error: unknown) => {
          if (asParseError(error, maxPixels).code === "LIMIT_EXCEEDED") throw error;
          return undefined;
        });
        if (viaSharp && first) return guarded(singleFrame(format, async () => first));
        return guarded(
          singleFrame(format, async () => fromRgba(await decodeHeic(bytes, maxPixels), maxPixels)),
        );
      }
      default:
        return guarded(await openWithSharp(bytes, format, maxPixels));
    }
  } catch (error) {
    throw asParseError(error, maxPixels);
  }
}

/**
 * Decode every frame of an image (see `openImage` for the rules).
 *
 * @example const [frame] = await decodeImage(pngBytes, "png"); // frame.channels === 3
 */
export async function decodeImage(
  bytes: Uint8Array,
  format: ImageFormat,
  options: DecodeOptions = {},
): Promise<RawImage[]> {
  const image = await openImage(bytes, format, options);
  const frames: RawImage[] = [];
  for (let i = 0; i < image.frameCount; i++) frames.push(await image.frame(i));
  return frames;
}

export interface JpegOptions {
  /** Part of the frame to encode, in its pixels (fractions are rounded outwards; clipped to the frame). */
  readonly crop?: Rect;
  /** JPEG quality 1–100 (default 85). */
  readonly quality?: number;
}

/**
 * Encode a decoded frame, or a crop of it, as JPEG.
 *
 * @throws RangeError when the crop lies outside the frame
 * @example const jpeg = await encodeFrameJpeg(frame, { crop: { x0: 10, y0: 10, x1: 200, y1: 80 } });
 */
export async function encodeFrameJpeg(image: RawImage, options: JpegOptions = {}): Promise<Uint8Array> {
  let pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  });
  if (options.crop) {
    const { x0, y0, x1, y1 } = options.crop;
    const left = Math.max(0, Math.floor(x0));
    const top = Math.max(0, Math.floor(y0));
    const right = Math.min(image.width, Math.ceil(x1));
    const bottom = Math.min(image.height, Math.ceil(y1));
    if (right <= left || bottom <= top) {
      throw new RangeError(
        `the crop (${x0}, ${y0})–(${x1}, ${y1}) is outside the ${image.width}×${image.height} frame`,
      );
    }
    pipeline = pipeline.extract({ left, top, width: right - left, height: bottom - top });
  }
  const jpeg = await pipeline.jpeg({ quality: options.quality ?? 85 }).toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}

/**
 * The page image of an image document: frame `pageNumber` (1-based) — oriented as
 * the parser saw it, so the X-Ray's boxes line up — as JPEG, whole or cropped.
 *
 * @throws ParseError LIMIT_EXCEEDED, PARSE_FAILED; RangeError for a page the image does not have
 * @example const jpeg = await encodeJpeg(tiffBytes, "tiff", 2); // the second page
 */
export async function encodeJpeg(
  bytes: Uint8Array,
  format: ImageFormat,
  pageNumber: number,
  options: JpegOptions & DecodeOptions = {},
): Promise<Uint8Array> {
  const image = await openImage(bytes, format, options);
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > image.frameCount) {
    throw new RangeError(`page ${pageNumber} does not exist: the image has ${image.frameCount} page(s)`);
  }
  return encodeFrameJpeg(await image.frame(pageNumber - 1), options);
}
