/**
 * @module Decoders for the image formats sharp's prebuilt libvips does not read:
 * BMP (bmp-js), ICO (decode-ico) and HEIC/HEVC-coded HEIF (heic-decode; sharp's
 * libheif has no HEVC decoder, only AV1, so AVIF still goes through sharp).
 *
 * Each returns RGBA pixels; the caller passes them through the same sharp
 * pipeline as every other format. Before any pixel buffer is allocated the
 * declared dimensions are checked against the pixel cap, because these
 * decoders allocate `width × height × 4` bytes on the header's word:
 *
 * - BMP: width/height from the BITMAPINFOHEADER. bmp-js reads the palette and
 *   pixels right after a 40-byte info header and ignores the pixel-data offset,
 *   so files with the larger V4/V5 headers (GIMP, ImageMagick) are rewritten to
 *   the 40-byte layout first (a header copy, no pixel work).
 * - ICO: the directory is read here, not by decode-ico, which would decode every
 *   entry (an icon may list thousands, each sized by its own DIB header). Only
 *   the largest entry is decoded: a PNG entry with sharp, a BMP entry by handing
 *   decode-ico a one-entry icon.
 * - HEIF: heic-decode lists the images with their sizes before decoding; the
 *   primary (first) image is decoded.
 */
import bmp from "bmp-js";
import decodeIco from "decode-ico";
import heicDecode from "heic-decode";
import { ParseError } from "../types.js";

/** 8-bit RGBA pixels. */
export interface RgbaPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** LIMIT_EXCEEDED for an image larger than the cap. */
export function tooManyPixels(width: number, height: number, maxPixels: number): ParseError {
  return new ParseError(
    "LIMIT_EXCEEDED",
    `the image is ${width}×${height} pixels, more than the limit of ${maxPixels} pixels`,
  );
}

/** PARSE_FAILED for bytes the decoders reject. */
export function undecodable(reason: string): ParseError {
  return new ParseError("PARSE_FAILED", `could not decode the image: ${reason}`);
}

export function checkPixels(width: number, height: number, maxPixels: number): void {
  if (!(width > 0 && height > 0)) throw undecodable(`invalid dimensions ${width}×${height}`);
  if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const BMP_FILE_HEADER = 14;
const BMP_INFO_HEADER = 40;

/**
 * Decode a BMP with bmp-js.
 *
 * @throws ParseError LIMIT_EXCEEDED (declared size over the cap), PARSE_FAILED
 */
export function decodeBmp(bytes: Uint8Array, maxPixels: number): RgbaPixels {
  if (bytes.length < BMP_FILE_HEADER + BMP_INFO_HEADER || bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw undecodable("not a BMP file");
  }
  const dv = view(bytes);
  const headerSize = dv.getUint32(14, true);
  if (headerSize < BMP_INFO_HEADER) throw undecodable(`unsupported BMP header of ${headerSize} bytes`);
  const width = dv.getInt32(18, true);
  const height = Math.abs(dv.getInt32(22, true));
  checkPixels(width, height, maxPixels);
  const bitsPerPixel = dv.getUint16(28, true);
  const compression = dv.getUint32(30, true);
  let input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (headerSize > BMP_INFO_HEADER) input = toInfoHeaderLayout(input, headerSize, bitsPerPixel, compression);
  let decoded: { data: Buffer; width: number; height: number };
  try {
    decoded = bmp.decode(input);
  } catch (error) {
    throw undecodable(error instanceof Error ? error.message : String(error));
  }
  if (decoded.width !== width || decoded.height !== height || decoded.data.length !== width * height * 4) {
    throw undecodable("inconsistent BMP dimensions");
  }
  // bmp-js writes A,B,G,R per pixel (and A = 0 unless the file has an alpha
  // channel, which BMP writers rarely fill in): reorder to opaque RGBA.
  const rgba = new Uint8Array(decoded.data.length);
  const src = decoded.data;
  for (let i = 0; i < src.length; i += 4) {
    rgba[i] = src[i + 3] ?? 0;
    rgba[i + 1] = src[i + 2] ?? 0;
    rgba[i + 2] = src[i + 1] ?? 0;
    rgba[i + 3] = 255;
  }
  return { data: rgba, width, height };
}

/** Rewrite a BMP with a V4/V5 info header to the 40-byte layout bmp-js expects. */
function toInfoHeaderLayout(
  input: Buffer,
  headerSize: number,
  bitsPerPixel: number,
  compression: number,
): Buffer {
  const dv = view(input);
  const pixelOffset = dv.getUint32(10, true);
  const colours = dv.getUint32(46, true);
  const paletteEntries = bitsPerPixel < 15 ? colours || 2 ** bitsPerPixel : 0;
  const paletteStart = BMP_FILE_HEADER + headerSize;
  // BI_BITFIELDS masks live inside a V4/V5 header; bmp-js reads them after the 40 bytes.
  const masks =
    compression === 3 ? input.subarray(BMP_FILE_HEADER + 40, BMP_FILE_HEADER + 56) : Buffer.alloc(0);
  const palette = input.subarray(paletteStart, paletteStart + paletteEntries * 4);
  if (pixelOffset > input.length || palette.length !== paletteEntries * 4) {
    throw undecodable("truncated BMP file");
  }
  const header = Buffer.from(input.subarray(0, BMP_FILE_HEADER + BMP_INFO_HEADER));
  const newOffset = header.length + masks.length + palette.length;
  header.writeUInt32LE(newOffset, 10);
  header.writeUInt32LE(BMP_INFO_HEADER, 14);
  return Buffer.concat([header, masks, palette, input.subarray(pixelOffset)]);
}

interface IcoEntry {
  readonly width: number;
  readonly height: number;
  readonly bitsPerPixel: number;
  readonly offset: number;
  readonly size: number;
  readonly png: boolean;
  readonly record: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array, offset = 0): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[offset + i] === b);
}

/** The directory of an ICO/CUR file, sizes taken from each entry's own PNG or DIB header. */
function icoEntries(bytes: Uint8Array): IcoEntry[] {
  if (bytes.length < 6) throw undecodable("truncated icon header");
  const dv = view(bytes);
  const type = dv.getUint16(2, true);
  if (dv.getUint16(0, true) !== 0 || (type !== 1 && type !== 2)) throw undecodable("not an ICO file");
  const count = dv.getUint16(4, true);
  if (count === 0) throw undecodable("the icon contains no images");
  if (bytes.length < 6 + 16 * count) throw undecodable("truncated icon directory");
  const entries: IcoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + 16 * i;
    const size = dv.getUint32(at + 8, true);
    const offset = dv.getUint32(at + 12, true);
    if (offset + size > bytes.length || size < 16) continue;
    const record = bytes.subarray(at, at + 16);
    if (isPng(bytes, offset)) {
      if (size < 24) continue;
      const width = dv.getUint32(offset + 16, false);
      const height = dv.getUint32(offset + 20, false);
      entries.push({ width, height, bitsPerPixel: 32, offset, size, png: true, record });
    } else {
      // A DIB header: its height counts the colour bitmap and the AND mask.
      const width = dv.getInt32(offset + 4, true);
      const height = Math.abs(dv.getInt32(offset + 8, true)) / 2;
      const bitsPerPixel = dv.getUint16(offset + 14, true);
      entries.push({ width, height, bitsPerPixel, offset, size, png: false, record });
    }
  }
  if (entries.length === 0) throw undecodable("the icon directory points outside the file");
  return entries;
}

export type IcoImage = { readonly png: Uint8Array } | { readonly pixels: RgbaPixels };

/**
 * The largest image of an ICO file: PNG bytes (for sharp) or decoded RGBA.
 *
 * @throws ParseError LIMIT_EXCEEDED, PARSE_FAILED
 */
export function decodeLargestIcon(bytes: Uint8Array, maxPixels: number): IcoImage {
  // decode-ico also accepts a bare PNG "masquerading as an ico"; so do we.
  if (isPng(bytes)) return { png: bytes };
  const entries = icoEntries(bytes);
  const best = entries.reduce((a, b) =>
    b.width * b.height > a.width * a.height ||
    (b.width * b.height === a.width * a.height && b.bitsPerPixel > a.bitsPerPixel)
      ? b
      : a,
  );
  checkPixels(best.width, best.height, maxPixels);
  const data = bytes.subarray(best.offset, best.offset + best.size);
  if (best.png) return { png: data };
  // A one-entry icon holding only the chosen image, so decode-ico decodes nothing else.
  const single = new Uint8Array(6 + 16 + data.length);
  const dv = view(single);
  dv.setUint16(2, 1, true);
  dv.setUint16(4, 1, true);
  single.set(best.record, 6);
  dv.setUint32(6 + 8, data.length, true);
  dv.setUint32(6 + 12, 22, true);
  single.set(data, 22);
  let image: ReturnType<typeof decodeIco>[number] | undefined;
  try {
    image = decodeIco(single)[0];
  } catch (error) {
    throw undecodable(error instanceof Error ? error.message : String(error));
  }
  if (image?.type !== "bmp") throw undecodable("unreadable icon image");
  return {
    pixels: {
      data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength),
      width: image.width,
      height: image.height,
    },
  };
}

/**
 * Decode the primary image of a HEIF/HEIC file with heic-decode (libheif + libde265 in WebAssembly).
 *
 * @throws ParseError LIMIT_EXCEEDED, PARSE_FAILED
 */
export async function decodeHeic(bytes: Uint8Array, maxPixels: number): Promise<RgbaPixels> {
  let images: Awaited<ReturnType<typeof heicDecode.all>>;
  try {
    images = await heicDecode.all({ buffer: bytes });
  } catch (error) {
    throw undecodable(error instanceof Error ? error.message : String(error));
  }
  try {
    const primary = images[0];
    if (!primary) throw undecodable("the HEIF file contains no image");
    checkPixels(primary.width, primary.height, maxPixels);
    let decoded: { data: Uint8ClampedArray; width: number; height: number };
    try {
      decoded = await primary.decode();
    } catch (error) {
      throw undecodable(error instanceof Error ? error.message : String(error));
    }
    return {
      data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength),
      width: decoded.width,
      height: decoded.height,
    };
  } finally {
    images.dispose();
  }
}
