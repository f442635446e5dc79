/**
 * @module Safe unzip for Office Open XML packages (DOCX, PPTX, XLSX), on fflate.
 *
 * A DOCX/PPTX/XLSX upload is a zip archive, and a zip archive is the classic
 * decompression bomb: a few kilobytes that inflate to gigabytes. Every Office
 * parser opens its package through `openZip`, which defends in two stages:
 *
 * 1. **Before inflating**: the central directory is read (entry names, methods,
 *    declared sizes, local header offsets) and checked against the limits: the
 *    number of entries and the sum of all declared sizes when the package is
 *    opened; an entry's declared size and compression ratio before that entry
 *    is inflated (entries never read — media — cannot fail the document).
 * 2. **While inflating**: declared sizes can lie (they are just numbers in the
 *    archive), so entries are inflated with fflate's streaming `Inflate` in
 *    small input slices and the output is counted as it arrives: an entry that
 *    grows beyond its declared size (or the per-entry cap), or a package whose
 *    inflated bytes exceed the total cap, is abandoned immediately — the memory
 *    used is bounded by the caps, not by what the archive claims.
 *
 * Entries are inflated lazily (`read`), only the parts a parser needs: media
 * (images, videos) are never inflated.
 *
 * Why the central directory is parsed here: fflate's `unzipSync` exposes the
 * declared sizes only through its `filter` callback, not the local header
 * offsets needed to inflate one entry on demand with a bounded stream, and it
 * inflates into a buffer of the declared size. The format is small (APPNOTE
 * 4.3.12/4.3.16 + zip64), so reading it directly is a few dozen lines.
 *
 * Not a zip → PARSE_FAILED. An encrypted OOXML document is not a zip at all: it
 * is an OLE compound file (CFB) holding an `EncryptedPackage` stream (MS-OFFCRYPTO)
 * → ENCRYPTED, as are zip entries with the encryption flag. Any other CFB file is
 * a legacy binary Office document (.doc/.xls/.ppt) → PARSE_FAILED with that reason.
 */
import { Inflate } from "fflate";
import { ParseError } from "../types.js";

export interface ZipLimits {
  /** Entries in the central directory. */
  readonly maxEntries: number;
  /** Uncompressed bytes of one entry. */
  readonly maxEntryBytes: number;
  /** Uncompressed bytes of all entries together (declared), and of all entries read (actual). */
  readonly maxTotalBytes: number;
  /** Uncompressed/compressed size of one entry, checked for entries above `ratioFloorBytes`. */
  readonly maxRatio: number;
  /** Entries smaller than this are exempt from the ratio check (tiny XML parts compress wildly). */
  readonly ratioFloorBytes: number;
}

/**
 * Defaults sized for real Office documents: XML parts of very large workbooks
 * reach tens of MiB and compress 10–100×; 250× is beyond any real document part
 * of more than 1 MiB (a deflate bomb reaches ~1000×).
 */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 20_000,
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRatio: 250,
  ratioFloorBytes: 1024 * 1024,
};

/** One central-directory entry. */
export interface ZipEntry {
  /** The name as stored (without a leading "/"). */
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly compressedSize: number;
  /** Declared uncompressed size. */
  readonly size: number;
  readonly encrypted: boolean;
  readonly localHeaderOffset: number;
}

/** An opened package: entries by name, inflated on demand within the limits. */
export interface ZipArchive {
  /** All entries in directory order. */
  readonly entries: readonly ZipEntry[];
  /** The entry of a part name (OPC part names are case-insensitive; a leading "/" is ignored). */
  entry(name: string): ZipEntry | undefined;
  has(name: string): boolean;
  /** The inflated bytes of an entry, undefined when absent. @throws ParseError LIMIT_EXCEEDED / PARSE_FAILED */
  read(name: string): Uint8Array | undefined;
  /** An entry decoded as text (UTF-8, or UTF-16 with a BOM), undefined when absent. */
  text(name: string): string | undefined;
  /** Uncompressed bytes inflated so far. */
  readonly bytesRead: number;
}

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Compressed bytes handed to the inflater at a time: bounds one step's output to ~1032× this. */
const SLICE = 16 * 1024;

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (u16(bytes, at) + u16(bytes, at + 2) * 0x10000) >>> 0;
}

function u64(bytes: Uint8Array, at: number): number {
  return u32(bytes, at) + u32(bytes, at + 4) * 0x100000000;
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

function corrupt(reason: string): ParseError {
  return new ParseError("PARSE_FAILED", `the file is not a valid Office document (${reason})`);
}

function tooLarge(what: string): ParseError {
  return new ParseError("LIMIT_EXCEEDED", `the document ${what}`);
}

function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

/** True when the bytes contain `text` encoded as UTF-16LE (a CFB directory entry name). */
function containsUtf16(bytes: Uint8Array, text: string): boolean {
  const needle = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) needle[i * 2] = text.charCodeAt(i);
  const first = needle[0];
  outer: for (let at = bytes.indexOf(first ?? 0); at >= 0; at = bytes.indexOf(first ?? 0, at + 1)) {
    if (at + needle.length > bytes.length) return false;
    for (let j = 1; j < needle.length; j++) if (bytes[at + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Reject containers that are not a zip package, with the right error: an
 * encrypted OOXML document (CFB + EncryptedPackage) → ENCRYPTED, another CFB
 * file (legacy .doc/.xls/.ppt) or anything else → PARSE_FAILED.
 *
 * The CFB check looks for the UTF-16LE stream names in the file instead of
 * walking the compound file's directory sectors: the names occur nowhere else
 * in a CFB file in practice, and a false positive would only change the message.
 */
function checkContainer(bytes: Uint8Array): void {
  if (startsWith(bytes, CFB_MAGIC)) {
    if (containsUtf16(bytes, "EncryptedPackage") || containsUtf16(bytes, "EncryptionInfo")) {
      throw new ParseError("ENCRYPTED", "the document is password-protected");
    }
    throw corrupt("a legacy binary Office file (.doc/.xls/.ppt), not Office Open XML");
  }
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw corrupt("not a zip archive");
}

function findEocd(bytes: Uint8Array): number {
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= stop; at--) {
    if (bytes[at] === 0x50 && u32(bytes, at) === EOCD) return at;
  }
  throw corrupt("no zip central directory");
}

/** Entry count and central directory offset, from the (zip64) end of central directory record. */
function directoryLocation(bytes: Uint8Array, eocd: number): { count: number; offset: number } {
  let count = u16(bytes, eocd + 10);
  let offset = u32(bytes, eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && u32(bytes, locator) === ZIP64_LOCATOR) {
    const record = u64(bytes, locator + 8);
    if (record + 56 <= bytes.length && u32(bytes, record) === ZIP64_EOCD) {
      count = u64(bytes, record + 32);
      offset = u64(bytes, record + 48);
    }
  }
  return { count, offset };
}

/** Sizes and offset from a zip64 extra field, for the fields that are 0xFFFFFFFF in the header. */
function zip64Extra(
  bytes: Uint8Array,
  start: number,
  end: number,
  fields: { size: number; compressedSize: number; offset: number },
): void {
  for (let at = start; at + 4 <= end; ) {
    const id = u16(bytes, at);
    const length = u16(bytes, at + 2);
    if (id === 0x0001) {
      let p = at + 4;
      if (fields.size === 0xffffffff && p + 8 <= at + 4 + length) {
        fields.size = u64(bytes, p);
        p += 8;
      }
      if (fields.compressedSize === 0xffffffff && p + 8 <= at + 4 + length) {
        fields.compressedSize = u64(bytes, p);
        p += 8;
      }
      if (fields.offset === 0xffffffff && p + 8 <= at + 4 + length) fields.offset = u64(bytes, p);
      return;
    }
    at += 4 + length;
  }
}

function readDirectory(bytes: Uint8Array, limits: ZipLimits): ZipEntry[] {
  const { count, offset } = directoryLocation(bytes, findEocd(bytes));
  if (count > limits.maxEntries) {
    throw tooLarge(`has ${count} zip entries, more than the limit of ${limits.maxEntries}`);
  }
  const decoder = new TextDecoder("utf-8");
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || u32(bytes, at) !== CENTRAL) throw corrupt("damaged zip central directory");
    const flags = u16(bytes, at + 8);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    const fields = {
      compressedSize: u32(bytes, at + 20),
      size: u32(bytes, at + 24),
      offset: u32(bytes, at + 42),
    };
    const nameEnd = at + 46 + nameLength;
    zip64Extra(bytes, nameEnd, nameEnd + extraLength, fields);
    entries.push({
      name: decoder.decode(bytes.subarray(at + 46, nameEnd)).replace(/^\/+/, ""),
      method: u16(bytes, at + 10),
      compressedSize: fields.compressedSize,
      size: fields.size,
      encrypted: (flags & 0x01) !== 0,
      localHeaderOffset: fields.offset,
    });
    at = nameEnd + extraLength + commentLength;
  }
  return entries;
}

/** Stage 1, package: the sum of the declared sizes (a zip of overlapping entries declares each honestly). */
function checkDeclaredTotal(entries: readonly ZipEntry[], limits: ZipLimits): void {
  let total = 0;
  for (const entry of entries) total += entry.size;
  if (total > limits.maxTotalBytes) {
    throw tooLarge(`expands beyond the limit of ${mib(limits.maxTotalBytes)} when unzipped`);
  }
}

/**
 * Stage 1, entry: its declared size and compression ratio, checked before it
 * is inflated — only for the entries a parser reads, so an oddly compressible
 * image that is never inflated does not condemn the document.
 */
function checkDeclaredEntry(entry: ZipEntry, limits: ZipLimits): void {
  if (entry.size > limits.maxEntryBytes) {
    throw tooLarge(`part ${entry.name} expands beyond the limit of ${mib(limits.maxEntryBytes)}`);
  }
  if (
    entry.size > limits.ratioFloorBytes &&
    entry.size > limits.maxRatio * Math.max(1, entry.compressedSize)
  ) {
    throw tooLarge(`part ${entry.name} expands beyond ${limits.maxRatio}× its compressed size (a zip bomb?)`);
  }
}

function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(bytes);
}

class SafeZip implements ZipArchive {
  readonly entries: readonly ZipEntry[];
  private readonly byName = new Map<string, ZipEntry>();
  private read_ = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ZipLimits,
  ) {
    this.entries = readDirectory(bytes, limits);
    checkDeclaredTotal(this.entries, limits);
    for (const entry of this.entries) {
      const key = entry.name.toLowerCase();
      if (!this.byName.has(key)) this.byName.set(key, entry);
    }
  }

  get bytesRead(): number {
    return this.read_;
  }

  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name.replace(/^\/+/, "").toLowerCase());
  }

  has(name: string): boolean {
    return this.entry(name) !== undefined;
  }

  text(name: string): string | undefined {
    const bytes = this.read(name);
    return bytes ? decodeText(bytes) : undefined;
  }

  read(name: string): Uint8Array | undefined {
    const entry = this.entry(name);
    if (!entry) return undefined;
    if (entry.encrypted) throw new ParseError("ENCRYPTED", "the document is password-protected");
    checkDeclaredEntry(entry, this.limits);
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.length || u32(this.bytes, at) !== LOCAL) {
      throw corrupt(`damaged zip entry ${entry.name}`);
    }
    const start = at + 30 + u16(this.bytes, at + 26) + u16(this.bytes, at + 28);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw corrupt(`truncated zip entry ${entry.name}`);
    const data = this.bytes.subarray(start, end);
    if (entry.method === 0) {
      this.account(entry, data.length, data.length);
      return data;
    }
    if (entry.method !== 8)
      throw corrupt(`unsupported zip compression method ${entry.method} in ${entry.name}`);
    return this.inflate(entry, data);
  }

  /** Count inflated bytes against the entry's declared size, the entry cap and the total cap. */
  private account(entry: ZipEntry, entryBytes: number, added: number): void {
    if (entryBytes > entry.size) {
      throw tooLarge(`part ${entry.name} expands beyond its declared size of ${entry.size} bytes`);
    }
    if (entryBytes > this.limits.maxEntryBytes) {
      throw tooLarge(`part ${entry.name} expands beyond the limit of ${mib(this.limits.maxEntryBytes)}`);
    }
    this.read_ += added;
    if (this.read_ > this.limits.maxTotalBytes) {
      throw tooLarge(`expands beyond the limit of ${mib(this.limits.maxTotalBytes)} when unzipped`);
    }
  }

  /** Stage 2: streaming inflate in small slices, abandoned as soon as a cap is crossed. */
  private inflate(entry: ZipEntry, data: Uint8Array): Uint8Array {
    const chunks: Uint8Array[] = [];
    let length = 0;
    let done = false;
    const inflater = new Inflate((chunk, final) => {
      length += chunk.length;
      this.account(entry, length, chunk.length);
      chunks.push(chunk);
      if (final) done = true;
    });
    try {
      for (let at = 0; at < data.length; at += SLICE) {
        inflater.push(data.subarray(at, Math.min(data.length, at + SLICE)), at + SLICE >= data.length);
      }
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (error) {
      if (error instanceof ParseError) throw error;
      throw corrupt(`damaged zip entry ${entry.name}`);
    }
    if (!done && data.length > 0) throw corrupt(`truncated zip entry ${entry.name}`);
    if (chunks.length === 1 && chunks[0]) return chunks[0];
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/**
 * Open an Office package: check the container and the central directory
 * against the limits; entries are inflated later, on `read`.
 *
 * @throws ParseError ENCRYPTED (password-protected), PARSE_FAILED (not a zip, damaged), LIMIT_EXCEEDED
 * @example
 *   const zip = openZip(bytes);
 *   const xml = zip.text("word/document.xml");
 */
export function openZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipArchive {
  checkContainer(bytes);
  return new SafeZip(bytes, limits);
}
