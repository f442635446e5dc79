/**
 * Binary signatures ("magic bytes") of the formats GroundX accepts.
 * References: the PNG/GIF/JPEG/TIFF/BMP/ICO specs, RIFF/WebP, ISO/IEC 14496-12
 * (`ftyp` box, HEIF brands in ISO/IEC 23008-12), PKWARE APPNOTE (zip),
 * [MS-CFB] and Hancom's HWP 5.0 / OWPML (HWPX) documents for `hwp`.
 */
import { isCfb } from "../office/cfb.js";
import { isHwp5 } from "../office/hwp.js";
import type { SourceFormat } from "../types.js";

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < Math.min(end, bytes.length); i++) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

function u16le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32le(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)) +
    (bytes[at + 3] ?? 0) * 2 ** 24
  );
}

function u32be(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] ?? 0) * 2 ** 24 +
    (((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0))
  );
}

const HEIF_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1"]);
const NOT_HEIF_BRANDS = new Set(["avif", "avis"]);

/** HEIF/HEIC: an ISO-BMFF `ftyp` box whose major or compatible brands are HEIF ones (AVIF excluded). */
function isHeif(bytes: Uint8Array): boolean {
  if (ascii(bytes, 4, 8) !== "ftyp") return false;
  const boxSize = Math.min(u32be(bytes, 0), bytes.length, 256);
  const major = ascii(bytes, 8, 12);
  if (NOT_HEIF_BRANDS.has(major)) return false;
  if (HEIF_BRANDS.has(major)) return true;
  for (let at = 16; at + 4 <= boxSize; at += 4) {
    if (HEIF_BRANDS.has(ascii(bytes, at, at + 4))) return true;
  }
  return false;
}

const DIB_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** "BM" alone is too weak (a text file may start with it): the DIB header size must be a known one. */
function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 26 && startsWith(bytes, [0x42, 0x4d]) && DIB_HEADER_SIZES.has(u32le(bytes, 14));
}

/** ICONDIR: reserved 0, type 1, at least one image, each entry's reserved byte 0. */
function isIco(bytes: Uint8Array): boolean {
  if (bytes.length < 22 || !startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return false;
  const count = u16le(bytes, 4);
  return count > 0 && bytes[9] === 0;
}

/**
 * Entry names of a zip archive, read from the central directory (or, when that
 * cannot be found, from the local file headers). Only names are needed to tell
 * DOCX/PPTX/XLSX apart, so this reads headers instead of pulling in an unzip
 * library that would inflate the archive.
 */
export function zipEntryNames(bytes: Uint8Array, max = 2000): string[] {
  const names: string[] = [];
  const decoder = new TextDecoder("utf-8");
  // End of central directory: 22 bytes + up to 64 KiB comment, searched from the end.
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let eocd = bytes.length - 22; eocd >= stop; eocd--) {
    if (!startsWith(bytes, [0x50, 0x4b, 0x05, 0x06], eocd)) continue;
    const count = u16le(bytes, eocd + 10);
    let at = u32le(bytes, eocd + 16);
    for (let i = 0; i < count && names.length < max; i++) {
      if (!startsWith(bytes, [0x50, 0x4b, 0x01, 0x02], at)) break;
      const nameLength = u16le(bytes, at + 28);
      const extraLength = u16le(bytes, at + 30);
      const commentLength = u16le(bytes, at + 32);
      names.push(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
      at += 46 + nameLength + extraLength + commentLength;
    }
    if (names.length > 0) return names;
    break;
  }
  // Fallback (truncated archive, zip64): walk the local file headers while sizes are known.
  let at = 0;
  while (names.length < max && startsWith(bytes, [0x50, 0x4b, 0x03, 0x04], at)) {
    const flags = u16le(bytes, at + 6);
    const compressedSize = u32le(bytes, at + 18);
    const nameLength = u16le(bytes, at + 26);
    const extraLength = u16le(bytes, at + 28);
    names.push(decoder.decode(bytes.subarray(at + 30, at + 30 + nameLength)));
    // Bit 3: sizes are in a data descriptor after the data, so the next header cannot be found.
    if (flags & 0x08 || compressedSize === 0xffffffff) break;
    at += 30 + nameLength + extraLength + compressedSize;
  }
  return names;
}

const HWP_SIGNATURE = "HWP Document File";

/** True when `text` occurs in the bytes as ASCII (`utf16`: as UTF-16LE, like CFB entry names). */
function containsText(bytes: Uint8Array, text: string, utf16 = false): boolean {
  const needle = utf16
    ? [...text].flatMap((c) => [c.charCodeAt(0), 0])
    : [...text].map((c) => c.charCodeAt(0));
  const first = needle[0] ?? 0;
  for (
    let at = bytes.indexOf(first);
    at >= 0 && at + needle.length <= bytes.length;
    at = bytes.indexOf(first, at + 1)
  ) {
    if (needle.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

/**
 * HWP 5: a compound file whose root `FileHeader` stream starts with the HWP
 * signature (the directory and that one stream are read). A damaged compound
 * file still counts when its first MiB holds both the stream name and the
 * signature, so that it reaches the HWP parser and fails with an HWP message
 * rather than being taken for a legacy Office file.
 */
function isHwpCfb(bytes: Uint8Array): boolean {
  if (isHwp5(bytes)) return true;
  const head = bytes.subarray(0, 1024 * 1024);
  return containsText(head, HWP_SIGNATURE) && containsText(head, "FileHeader", true);
}

/** HWPX: a zip whose first entry is a stored `mimetype` of application/hwp+zip, or with OWPML section parts. */
function isHwpx(bytes: Uint8Array, names: readonly string[]): boolean {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && ascii(bytes, 30, 38) === "mimetype") {
    const nameLength = u16le(bytes, 26);
    const start = 30 + nameLength + u16le(bytes, 28);
    const size = u32le(bytes, 18);
    if (
      u16le(bytes, 8) === 0 &&
      size < 256 &&
      ascii(bytes, start, start + size).trim() === "application/hwp+zip"
    ) {
      return true;
    }
  }
  return (
    names.some((n) => /^Contents\/section\d+\.xml$/i.test(n)) &&
    names.some((n) => /^Contents\/(?:content\.hpf|header\.xml)$/i.test(n))
  );
}

function officeFormat(bytes: Uint8Array): SourceFormat | undefined {
  const names = zipEntryNames(bytes);
  if (isHwpx(bytes, names)) return "hwp";
  if (names.some((n) => n.startsWith("word/"))) return "docx";
  if (names.some((n) => n.startsWith("ppt/"))) return "pptx";
  if (names.some((n) => n.startsWith("xl/"))) return "xlsx";
  return undefined;
}

/** True when the bytes start like a zip archive (local header or empty archive). */
export function isZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]);
}

/** The binary format the signature identifies, or undefined. */
export function detectBinary(bytes: Uint8Array): SourceFormat | undefined {
  // PDF readers accept "%PDF-" anywhere in the first KiB (some files have a preamble).
  if (/%PDF-\d\.\d/.test(ascii(bytes, 0, 1024))) return "pdf";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpg";
  const head6 = ascii(bytes, 0, 6);
  if (head6 === "GIF87a" || head6 === "GIF89a") return "gif";
  if (
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])
  ) {
    return "tiff";
  }
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "webp";
  if (isHeif(bytes)) return "heif";
  if (isBmp(bytes)) return "bmp";
  if (isIco(bytes)) return "ico";
  if (isZip(bytes)) return officeFormat(bytes);
  // HWP 5 is a compound file (other compound files — .doc, .xls, .msg — are left undecided);
  // HWP 3.x files start with the signature itself.
  if (isCfb(bytes)) return isHwpCfb(bytes) ? "hwp" : undefined;
  if (ascii(bytes, 0, HWP_SIGNATURE.length) === HWP_SIGNATURE) return "hwp";
  return undefined;
}
