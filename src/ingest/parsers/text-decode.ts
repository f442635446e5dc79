/**
 * Byte → string decoding shared by the text parsers and by format detection.
 *
 * Order of evidence: a byte-order mark, then the NUL-byte pattern of BOM-less
 * UTF-16/UTF-32, then a charset the document declares (HTML meta), then strict
 * UTF-8, and finally windows-1252 (a superset of latin1 for printable bytes),
 * which decodes any byte sequence.
 */

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be" | "utf-32le" | "utf-32be" | string;

export interface DecodedText {
  readonly text: string;
  /** The encoding that was used (a WHATWG label). */
  readonly encoding: TextEncoding;
  /** True when the encoding came from a byte-order mark. */
  readonly fromBom: boolean;
}

interface Sniffed {
  readonly encoding: TextEncoding;
  /** Bytes to skip (the BOM). */
  readonly skip: number;
}

/** Encoding announced by a byte-order mark, if any. UTF-32 LE is tested before UTF-16 LE (same first bytes). */
export function sniffBom(bytes: Uint8Array): Sniffed | undefined {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: "utf-8", skip: 3 };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return { encoding: "utf-32le", skip: 4 };
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return { encoding: "utf-32be", skip: 4 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: "utf-16le", skip: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: "utf-16be", skip: 2 };
  return undefined;
}

/**
 * BOM-less UTF-16/UTF-32 recognised by where the NUL bytes sit: ASCII-range text
 * in UTF-16 LE has a NUL in (almost) every odd byte, in UTF-16 BE in every even
 * byte; UTF-32 has three NULs per character. Only the first 4 KiB are examined.
 */
export function sniffNulPattern(bytes: Uint8Array): TextEncoding | undefined {
  const n = Math.min(bytes.length, 4096) & ~3;
  if (n < 8) return undefined;
  const nulAt = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    if (bytes[i] === 0) nulAt[i & 3] = (nulAt[i & 3] ?? 0) + 1;
  }
  const quarter = n / 4;
  const [z0, z1, z2, z3] = nulAt as [number, number, number, number];
  const total = z0 + z1 + z2 + z3;
  if (total < quarter * 0.5) return undefined;
  if (z1 > quarter * 0.7 && z2 > quarter * 0.7 && z3 > quarter * 0.7 && z0 < quarter * 0.3) return "utf-32le";
  if (z0 > quarter * 0.7 && z1 > quarter * 0.7 && z2 > quarter * 0.7 && z3 < quarter * 0.3) return "utf-32be";
  const even = z0 + z2;
  const odd = z1 + z3;
  if (odd > n * 0.5 * 0.4 && even < odd * 0.1 && plausibleUtf16(bytes, n, 1)) return "utf-16le";
  if (even > n * 0.5 * 0.4 && odd < even * 0.1 && plausibleUtf16(bytes, n, 0)) return "utf-16be";
  return undefined;
}

/** Code units whose high byte (at `highAt` in each pair) is 0 must mostly be printable, not C0 controls. */
function plausibleUtf16(bytes: Uint8Array, n: number, highAt: 0 | 1): boolean {
  let latin = 0;
  let control = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    if (bytes[i + highAt] !== 0) continue;
    latin++;
    const low = bytes[i + 1 - highAt] ?? 0;
    if (low < 0x20 && low !== 0x09 && low !== 0x0a && low !== 0x0d) control++;
  }
  return latin > 0 && control / latin < 0.1;
}

/**
 * TextDecoder (WHATWG) has no UTF-32, which is rare enough that a dependency for
 * it is not worth it: a code point per 4 bytes, invalid ones become U+FFFD.
 */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let codes: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    codes.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? cp : 0xfffd);
    if (codes.length >= 8192) {
      parts.push(String.fromCodePoint(...codes));
      codes = [];
    }
  }
  parts.push(String.fromCodePoint(...codes));
  return parts.join("");
}

/** WHATWG windows-1252 code points of bytes 0x80–0x9F (the rest equals latin1). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Node 20's TextDecoder decodes "windows-1252" as ISO-8859-1 (0x80 stays U+0080
 * instead of "€"; nodejs/node#56542), so the 32 differing bytes are mapped here.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder("windows-1252").decode(bytes).replace(/[\u0080-\u009f]/g, (c) => {
    return String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c.charCodeAt(0));
  });
}

function decodeWith(bytes: Uint8Array, encoding: TextEncoding, fatal = false): string {
  if (encoding === "utf-32le") return decodeUtf32(bytes, true);
  if (encoding === "utf-32be") return decodeUtf32(bytes, false);
  if (encoding === "windows-1252") return decodeWindows1252(bytes);
  // ignoreBOM: the caller already skipped a BOM it recognised.
  return new TextDecoder(encoding, { fatal, ignoreBOM: true }).decode(bytes);
}

/** A charset label TextDecoder knows, normalised; undefined for unknown labels. */
export function normalizeCharset(label: string | undefined): TextEncoding | undefined {
  if (!label) return undefined;
  const lower = label.trim().toLowerCase();
  if (lower === "utf-32" || lower === "utf-32le") return "utf-32le";
  if (lower === "utf-32be") return "utf-32be";
  try {
    return new TextDecoder(lower).encoding;
  } catch {
    return undefined;
  }
}

/**
 * Decode document bytes to a string (BOM removed).
 *
 * @param declaredCharset a charset the document states about itself (HTML meta);
 *   a BOM or a UTF-16 NUL pattern overrides it, and a declared UTF-8 that does not
 *   validate falls back to windows-1252.
 * @example decodeText(new Uint8Array([0xff, 0xfe, 0x41, 0x00])).text === "A"
 */
export function decodeText(bytes: Uint8Array, declaredCharset?: string): DecodedText {
  const bom = sniffBom(bytes);
  if (bom) {
    return {
      text: decodeWith(bytes.subarray(bom.skip), bom.encoding),
      encoding: bom.encoding,
      fromBom: true,
    };
  }
  const wide = sniffNulPattern(bytes);
  if (wide) return { text: decodeWith(bytes, wide), encoding: wide, fromBom: false };
  const declared = normalizeCharset(declaredCharset);
  // A declared UTF-16 without BOM or NUL pattern is a lie (the bytes are ASCII-compatible).
  if (declared && declared !== "utf-8" && !declared.startsWith("utf-16") && !declared.startsWith("utf-32")) {
    return { text: decodeWith(bytes, declared), encoding: declared, fromBom: false };
  }
  try {
    return { text: decodeWith(bytes, "utf-8", true), encoding: "utf-8", fromBom: false };
  } catch {
    return { text: decodeWith(bytes, "windows-1252"), encoding: "windows-1252", fromBom: false };
  }
}

/** CRLF and lone CR become LF. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/**
 * True when the bytes do not look like text in any encoding we decode: NUL bytes
 * without a UTF-16/32 pattern, or many C0 control characters in the first 8 KiB.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  if (sniffBom(bytes) || sniffNulPattern(bytes)) return false;
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return true;
    // TAB, LF, VT, FF, CR and ESC occur in text files.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b)
      control++;
  }
  return n > 0 && control / n > 0.02;
}
