/**
 * @module HWP 5.x (Hangul Word Processor binary documents) → blocks.
 *
 * The format (Hancom's published "HWP 5.0 file format" revision 1.3, checked
 * against hwplib/pyhwp/hwp.js where the document is ambiguous):
 *
 * - An OLE compound file (`./cfb.ts`). `FileHeader` (256 bytes) starts with
 *   "HWP Document File", then the version (0xMMnnPPrr) and a property word:
 *   bit 0 compressed, bit 1 password-encrypted, bit 2 distribution document,
 *   bit 4 DRM, bit 8 certificate-encrypted.
 * - `DocInfo` and `BodyText/Section0…N` are streams of records, raw-deflate
 *   compressed when bit 0 is set. A record header is one 32-bit word: tag
 *   (10 bits), level (10 bits), size (12 bits; 0xFFF → a 32-bit size follows).
 *   The level nests records: a paragraph (`PARA_HEADER`) owns its text
 *   (`PARA_TEXT`) and controls (`CTRL_HEADER`), a table control owns its
 *   `TABLE` record and, as siblings of it, one `LIST_HEADER` per cell followed
 *   by the cell's paragraphs (some writers nest them under the list header;
 *   both are read).
 * - `PARA_TEXT` is UTF-16LE where code units 0–31 are controls: *char*
 *   controls take one unit (10 line break, 13 paragraph end, 24 hyphen, 30/31
 *   fixed spaces), *inline* (4–9, 19, 20; 9 is a tab) and *extended* controls
 *   (1–3, 11–12, 14–18, 21–23) take eight units. An extended control's units
 *   1–2 hold the id of the `CTRL_HEADER` it anchors ("tbl ", "gso ", "fn  "…),
 *   which is how tables, text boxes and notes are put back where they occur.
 *
 * What is read: paragraphs, line breaks, tabs; tables → TableBlock (cell
 * addresses and spans from each cell's `LIST_HEADER`; when those are
 * inconsistent the cells are placed row by row from the `TABLE` record's
 * cells-per-row counts); captions; text boxes and other drawing objects
 * (their paragraphs follow the anchoring paragraph); footnotes/endnotes
 * ("[n]" in the text, the notes after the body). Headers/footers, hidden
 * comments, memos and equations are left out. Headings come from the
 * paragraph shape's outline level (DocInfo `PARA_SHAPE`) or the style's name
 * (DocInfo `STYLE`), see `./hwp-blocks.ts`.
 *
 * Refused: password/DRM/certificate-encrypted documents → ENCRYPTED;
 * distribution documents (배포용 문서: the body is kept AES-encrypted in
 * `ViewText` for view-only use) → PARSE_FAILED with that reason.
 *
 * Limits: streams are inflated with fflate's streaming `Inflate` in 16 KiB
 * input slices and the output is counted as it arrives (256 MiB per stream,
 * 512 MiB per document → LIMIT_EXCEEDED), like `./zip.ts` does for packages;
 * a section may hold at most 3,000,000 records of the kinds read here; the
 * extracted text is counted against `maxChars` while reading.
 */
import { Inflate, Unzlib } from "fflate";
import type { Block } from "../types.js";
import { ParseError } from "../types.js";
import { type CfbEntry, CfbError, type CfbFile, openCfb } from "./cfb.js";
import {
  type HwpCell,
  type HwpItem,
  type HwpTable,
  headingFromStyleName,
  hwpBlocks,
  placeSequential,
  TextBudget,
} from "./hwp-blocks.js";

export interface HwpLimits {
  /** Inflated bytes of one stream. */
  readonly maxStreamBytes: number;
  /** Inflated bytes of all streams of a document. */
  readonly maxTotalBytes: number;
  /** Records of the kinds the reader keeps (paragraphs, text, controls, lists, tables), per section. */
  readonly maxRecords: number;
}

export const DEFAULT_HWP_LIMITS: HwpLimits = {
  maxStreamBytes: 256 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxRecords: 3_000_000,
};

export interface HwpReadOptions {
  /** Characters of extracted text; more → LIMIT_EXCEEDED while reading. */
  readonly maxChars: number;
  readonly limits?: HwpLimits;
}

const SIGNATURE = "HWP Document File";
const FLAG_COMPRESSED = 1 << 0;
const FLAG_PASSWORD = 1 << 1;
const FLAG_DISTRIBUTION = 1 << 2;
const FLAG_DRM = 1 << 4;
const FLAG_CERTIFICATE = 1 << 8;

/** Record tags (HWPTAG_BEGIN = 0x10). */
const TAG_ID_MAPPINGS = 0x10 + 1;
const TAG_PARA_SHAPE = 0x10 + 9;
const TAG_STYLE = 0x10 + 10;
const TAG_PARA_HEADER = 0x10 + 50;
const TAG_PARA_TEXT = 0x10 + 51;
const TAG_CTRL_HEADER = 0x10 + 55;
const TAG_LIST_HEADER = 0x10 + 56;
const TAG_TABLE = 0x10 + 61;
/** The records a section is read from; the others (shapes, line layout…) are skipped while reading. */
const BODY_TAGS = new Set([TAG_PARA_HEADER, TAG_PARA_TEXT, TAG_CTRL_HEADER, TAG_LIST_HEADER, TAG_TABLE]);

/** A control id as stored: MAKE_4CHID(a, b, c, d) = a<<24 | b<<16 | c<<8 | d, little-endian in the file. */
function ctrlId(id: string): number {
  return (
    ((id.charCodeAt(0) << 24) | (id.charCodeAt(1) << 16) | (id.charCodeAt(2) << 8) | id.charCodeAt(3)) >>> 0
  );
}

const CTRL_TABLE = ctrlId("tbl ");
const CTRL_SHAPE = ctrlId("gso ");
const CTRL_FOOTNOTE = ctrlId("fn  ");
const CTRL_ENDNOTE = ctrlId("en  ");

/** PARA_TEXT code units that take 8 units: extended controls (anchor a CTRL_HEADER) and inline controls. */
const EXTENDED_CONTROLS = new Set([1, 2, 3, 11, 12, 14, 15, 16, 17, 18, 21, 22, 23]);
const INLINE_CONTROLS = new Set([4, 5, 6, 7, 8, 9, 19, 20]);

/** Compressed bytes handed to the inflater at a time: bounds one step's output to ~1032× this. */
const SLICE = 16 * 1024;

const utf16 = new TextDecoder("utf-16le");

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (u16(bytes, at) + u16(bytes, at + 2) * 0x10000) >>> 0;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < Math.min(end, bytes.length); i++) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

function damaged(reason: string): ParseError {
  return new ParseError("PARSE_FAILED", `the file is not a valid HWP document (${reason})`);
}

function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

// ---- streams ---------------------------------------------------------------

/** Bounded inflation of the compressed streams of one document. */
class Inflater {
  private total = 0;
  constructor(private readonly limits: HwpLimits) {}

  inflate(data: Uint8Array, what: string): Uint8Array {
    const before = this.total;
    try {
      return this.run(data, what, "raw");
    } catch (error) {
      if (error instanceof ParseError && error.code === "LIMIT_EXCEEDED") throw error;
      this.total = before;
    }
    // The format says raw deflate; a zlib-wrapped stream (third-party writers) is accepted too.
    if (data.length >= 2 && (data[0] ?? 0) % 16 === 8 && ((data[0] ?? 0) * 256 + (data[1] ?? 0)) % 31 === 0) {
      try {
        return this.run(data, what, "zlib");
      } catch (error) {
        if (error instanceof ParseError && error.code === "LIMIT_EXCEEDED") throw error;
      }
    }
    throw damaged(`damaged compressed stream ${what}`);
  }

  private run(data: Uint8Array, what: string, kind: "raw" | "zlib"): Uint8Array {
    if (data.length === 0) return data;
    const chunks: Uint8Array[] = [];
    let length = 0;
    let done = false;
    const onData = (chunk: Uint8Array, final: boolean): void => {
      length += chunk.length;
      this.total += chunk.length;
      if (length > this.limits.maxStreamBytes) {
        throw new ParseError(
          "LIMIT_EXCEEDED",
          `the document's stream ${what} expands beyond the limit of ${mib(this.limits.maxStreamBytes)}`,
        );
      }
      if (this.total > this.limits.maxTotalBytes) {
        throw new ParseError(
          "LIMIT_EXCEEDED",
          `the document expands beyond the limit of ${mib(this.limits.maxTotalBytes)} when decompressed`,
        );
      }
      chunks.push(chunk);
      if (final) done = true;
    };
    const stream = kind === "raw" ? new Inflate(onData) : new Unzlib(onData);
    for (let at = 0; at < data.length; at += SLICE) {
      stream.push(data.subarray(at, Math.min(data.length, at + SLICE)), at + SLICE >= data.length);
    }
    if (!done) throw damaged(`truncated compressed stream ${what}`);
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

// ---- records ---------------------------------------------------------------

/** A record of a stream: its payload is `stream.subarray(start, end)`. */
interface HwpRecord {
  readonly tag: number;
  readonly level: number;
  readonly start: number;
  readonly end: number;
  children?: HwpRecord[];
}

/**
 * The records of a stream whose tag `keep` accepts, nested by level: a record
 * is the child of the closest earlier kept record of a lower level.
 */
function readRecords(
  data: Uint8Array,
  what: string,
  keep: (tag: number) => boolean,
  maxRecords: number,
): HwpRecord[] {
  const roots: HwpRecord[] = [];
  const stack: HwpRecord[] = [];
  let count = 0;
  let at = 0;
  while (at < data.length) {
    if (at + 4 > data.length) {
      // A few stray bytes of zero padding at the end are tolerated; anything else is a cut record.
      if (data.subarray(at).every((b) => b === 0)) break;
      throw damaged(`a truncated record header in ${what}`);
    }
    const header = u32(data, at);
    at += 4;
    const tag = header & 0x3ff;
    const level = (header >>> 10) & 0x3ff;
    let size = header >>> 20;
    if (size === 0xfff) {
      if (at + 4 > data.length) throw damaged(`a truncated record header in ${what}`);
      size = u32(data, at);
      at += 4;
    }
    if (size > data.length - at) throw damaged(`a record of ${what} runs past the end of the stream`);
    const start = at;
    at += size;
    if (!keep(tag)) continue;
    if (++count > maxRecords) {
      throw new ParseError("LIMIT_EXCEEDED", `the document's ${what} has more than ${maxRecords} records`);
    }
    const record: HwpRecord = { tag, level, start, end: at };
    while (stack.length > 0 && (stack[stack.length - 1] as HwpRecord).level >= level) stack.pop();
    const parent = stack[stack.length - 1];
    if (!parent) roots.push(record);
    else if (parent.children) parent.children.push(record);
    else parent.children = [record];
    stack.push(record);
  }
  return roots;
}

// ---- DocInfo: paragraph shapes and styles ----------------------------------

interface DocInfo {
  /** Outline level (1-based) of each paragraph shape, undefined for non-outline shapes. */
  readonly shapeOutline: readonly (number | undefined)[];
  /** Paragraph shapes declared in ID_MAPPINGS (hwplib corrects shape ids by the difference). */
  readonly declaredShapes: number;
  /** The heading level each style's name implies. */
  readonly styleHeading: readonly (number | undefined)[];
}

const NO_DOC_INFO: DocInfo = { shapeOutline: [], declaredShapes: 0, styleHeading: [] };

function readDocInfo(data: Uint8Array): DocInfo {
  const shapeOutline: (number | undefined)[] = [];
  const styleHeading: (number | undefined)[] = [];
  let declaredShapes = 0;
  const keep = (tag: number): boolean =>
    tag === TAG_ID_MAPPINGS || tag === TAG_PARA_SHAPE || tag === TAG_STYLE;
  const flat: HwpRecord[] = [];
  const collect = (records: readonly HwpRecord[]): void => {
    for (const record of records) {
      flat.push(record);
      if (record.children) collect(record.children);
    }
  };
  collect(readRecords(data, "DocInfo", keep, DEFAULT_HWP_LIMITS.maxRecords));
  for (const record of flat.sort((a, b) => a.start - b.start)) {
    const payload = data.subarray(record.start, record.end);
    if (record.tag === TAG_ID_MAPPINGS) {
      // Counts: bin data, 7 font lists, border fills, char shapes, tab defs, numberings, bullets, para shapes…
      declaredShapes = payload.length >= 56 ? u32(payload, 52) : 0;
    } else if (record.tag === TAG_PARA_SHAPE) {
      const property = u32(payload, 0);
      // Bits 23–24: paragraph head kind (1 = outline); bits 25–27: level, 0-based.
      shapeOutline.push(((property >>> 23) & 3) === 1 ? ((property >>> 25) & 7) + 1 : undefined);
    } else {
      const nameLength = u16(payload, 0);
      const name = utf16.decode(payload.subarray(2, 2 + nameLength * 2));
      const at = 2 + nameLength * 2;
      const english = utf16.decode(payload.subarray(at + 2, at + 2 + u16(payload, at) * 2));
      styleHeading.push(headingFromStyleName(name, english));
    }
  }
  return { shapeOutline, declaredShapes, styleHeading };
}

// ---- paragraph text --------------------------------------------------------

/** Text runs and the ids of the extended controls anchored between them. */
function decodeParaText(data: Uint8Array): (string | number)[] {
  const out: (string | number)[] = [];
  const units = data.length >> 1;
  let runStart = 0;
  let i = 0;
  while (i < units) {
    const code = u16(data, i * 2);
    if (code >= 32) {
      i++;
      continue;
    }
    if (i > runStart) out.push(utf16.decode(data.subarray(runStart * 2, i * 2)));
    if (EXTENDED_CONTROLS.has(code)) {
      out.push(u32(data, (i + 1) * 2));
      i += 8;
    } else if (INLINE_CONTROLS.has(code)) {
      if (code === 9) out.push("\t");
      i += 8;
    } else {
      if (code === 10) out.push("\n");
      else if (code === 24) out.push("-");
      else if (code === 30 || code === 31) out.push(" ");
      i += 1;
    }
    runStart = i;
  }
  if (units > runStart) out.push(utf16.decode(data.subarray(runStart * 2, units * 2)));
  return out;
}

// ---- body ------------------------------------------------------------------

/** Reads the sections of one document into items and notes. */
class BodyReader {
  readonly items: HwpItem[] = [];
  readonly notes: string[] = [];
  private stream: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly docInfo: DocInfo,
    private readonly budget: TextBudget,
  ) {}

  section(stream: Uint8Array, records: readonly HwpRecord[]): void {
    this.stream = stream;
    this.list(records, this.items);
  }

  private payload(record: HwpRecord): Uint8Array {
    return this.stream.subarray(record.start, record.end);
  }

  /** A paragraph list: the paragraphs among `records` (and under list headers). */
  private list(records: readonly HwpRecord[], out: HwpItem[]): void {
    for (const record of records) {
      if (record.tag === TAG_PARA_HEADER) this.paragraph(record, out);
      else if (record.tag === TAG_LIST_HEADER && record.children) this.list(record.children, out);
    }
  }

  /** Every paragraph anywhere under `records` (drawing objects nest their text boxes deeply). */
  private nested(records: readonly HwpRecord[], out: HwpItem[]): void {
    for (const record of records) {
      if (record.tag === TAG_PARA_HEADER) this.paragraph(record, out);
      else if (record.children) this.nested(record.children, out);
    }
  }

  private outline(header: Uint8Array): number | undefined {
    if (header.length < 11) return undefined;
    const { shapeOutline, declaredShapes, styleHeading } = this.docInfo;
    let shape = u16(header, 8);
    if (declaredShapes > shapeOutline.length && shape >= declaredShapes - shapeOutline.length) {
      shape -= declaredShapes - shapeOutline.length;
    }
    return shapeOutline[shape] ?? styleHeading[header[10] ?? 0];
  }

  private paragraph(record: HwpRecord, out: HwpItem[]): void {
    const outline = this.outline(this.payload(record));
    const children = record.children ?? [];
    const textRecord = children.find((c) => c.tag === TAG_PARA_TEXT);
    const controls = children.filter((c) => c.tag === TAG_CTRL_HEADER);
    const used = new Set<HwpRecord>();
    const after: HwpItem[] = [];
    let text = "";
    const flush = (): void => {
      if (text.trim()) {
        this.budget.add(text.length);
        out.push({ kind: "paragraph", text, ...(outline === undefined ? {} : { outline }) });
      }
      text = "";
    };
    for (const piece of textRecord ? decodeParaText(this.payload(textRecord)) : []) {
      if (typeof piece === "string") {
        text += piece;
        continue;
      }
      const control = controls.find((c) => !used.has(c) && this.ctrlIdOf(c) === piece);
      if (!control) continue;
      used.add(control);
      if (piece === CTRL_TABLE) {
        flush();
        out.push(this.table(control));
      } else if (piece === CTRL_SHAPE) {
        this.nested(control.children ?? [], after);
      } else if (piece === CTRL_FOOTNOTE || piece === CTRL_ENDNOTE) {
        text += this.note(control);
      }
    }
    // Controls the text did not anchor (a writer that left the marker out) are not lost.
    for (const control of controls) {
      if (used.has(control)) continue;
      const id = this.ctrlIdOf(control);
      if (id === CTRL_TABLE) after.push(this.table(control));
      else if (id === CTRL_SHAPE) this.nested(control.children ?? [], after);
    }
    flush();
    out.push(...after);
  }

  private ctrlIdOf(record: HwpRecord): number {
    return record.end - record.start >= 4 ? u32(this.stream, record.start) : 0;
  }

  private note(control: HwpRecord): string {
    const items: HwpItem[] = [];
    this.nested(control.children ?? [], items);
    const text = itemsText(items);
    if (!text) return "";
    const n = this.notes.length + 1;
    this.notes.push(`[${n}] ${text}`);
    return `[${n}]`;
  }

  private table(control: HwpRecord): HwpTable {
    const children = control.children ?? [];
    const tableIndex = children.findIndex((c) => c.tag === TAG_TABLE);
    const caption: HwpItem[] = [];
    const cells: { header: Uint8Array; items: HwpItem[] }[] = [];
    let current: HwpItem[] | undefined;
    children.forEach((child, i) => {
      if (child.tag === TAG_LIST_HEADER) {
        if (tableIndex >= 0 && i < tableIndex) current = caption;
        else {
          const cell = { header: this.payload(child), items: [] as HwpItem[] };
          cells.push(cell);
          current = cell.items;
        }
        if (child.children) this.list(child.children, current);
      } else if (child.tag === TAG_PARA_HEADER && current) {
        this.paragraph(child, current);
      }
    });
    const info = tableIndex >= 0 ? this.payload(children[tableIndex] as HwpRecord) : new Uint8Array(0);
    return { kind: "table", cells: placeCells(info, cells), caption };
  }
}

/** A paragraph list's text on one line (notes). */
function itemsText(items: readonly HwpItem[]): string {
  const parts: string[] = [];
  for (const item of items) {
    if (item.kind === "paragraph") parts.push(item.text);
    else for (const cell of item.cells) parts.push(itemsText(cell.items));
  }
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

/**
 * Grid positions of a table's cells. Each cell's LIST_HEADER holds, after the
 * 8-byte list header (paragraph count, padding, properties), its column,
 * row, column span and row span. They are used when every cell has them,
 * inside the TABLE record's row/column counts and without two cells at one
 * origin; otherwise cells are placed row by row from the cells-per-row counts.
 */
function placeCells(info: Uint8Array, cells: readonly { header: Uint8Array; items: HwpItem[] }[]): HwpCell[] {
  const rowCount = info.length >= 8 ? u16(info, 4) : 0;
  const colCount = info.length >= 8 ? u16(info, 6) : 0;
  const addressed = cells.map((cell) =>
    cell.header.length >= 16
      ? {
          col: u16(cell.header, 8),
          row: u16(cell.header, 10),
          colSpan: Math.max(1, u16(cell.header, 12)),
          rowSpan: Math.max(1, u16(cell.header, 14)),
        }
      : undefined,
  );
  const origins = new Set<number>();
  const valid = addressed.every((a) => {
    if (!a) return false;
    if (rowCount > 0 && (a.row >= rowCount || a.col >= colCount)) return false;
    const key = a.row * 0x10000 + a.col;
    if (origins.has(key)) return false;
    origins.add(key);
    return true;
  });
  if (valid) {
    return cells.map((cell, i) => {
      const a = addressed[i] as { col: number; row: number; colSpan: number; rowSpan: number };
      return {
        row: a.row,
        col: a.col,
        // Spans never reach beyond the declared grid.
        rowSpan: rowCount > 0 ? Math.min(a.rowSpan, rowCount - a.row) : a.rowSpan,
        colSpan: colCount > 0 ? Math.min(a.colSpan, colCount - a.col) : a.colSpan,
        items: cell.items,
      };
    });
  }
  // Fallback: the cells-per-row counts (after the 18-byte fixed part), else rows of colCount cells.
  const perRow: number[] = [];
  for (let r = 0; r < rowCount && 18 + r * 2 + 2 <= info.length; r++) perRow.push(u16(info, 18 + r * 2));
  const counted = perRow.reduce((a, b) => a + b, 0) === cells.length;
  const width = Math.max(1, colCount || cells.length);
  const rows: { rowSpan: number; colSpan: number; index: number }[][] = [];
  let index = 0;
  for (let r = 0; index < cells.length; r++) {
    const take = counted ? (perRow[r] ?? 0) : width;
    const row: { rowSpan: number; colSpan: number; index: number }[] = [];
    for (let k = 0; k < take && index < cells.length; k++, index++) {
      const a = addressed[index];
      row.push({ rowSpan: a?.rowSpan ?? 1, colSpan: a?.colSpan ?? 1, index });
    }
    rows.push(row);
  }
  const places = placeSequential(rows);
  return rows.flatMap((row, r) =>
    row.map((cell, k) => {
      const place = places[r]?.[k] ?? { row: r, col: k };
      return {
        ...place,
        rowSpan: cell.rowSpan,
        colSpan: cell.colSpan,
        items: cells[cell.index]?.items ?? [],
      };
    }),
  );
}

// ---- document --------------------------------------------------------------

function sectionNumber(entry: CfbEntry): number {
  return Number.parseInt(entry.name.slice("Section".length), 10);
}

/**
 * True when the bytes are an HWP 5 compound file (a root `FileHeader` stream
 * starting with the HWP signature). Reads the directory and that one stream only.
 *
 * @example isHwp5(generatedHwpBytes) === true; isHwp5(docBytes) === false
 */
export function isHwp5(bytes: Uint8Array): boolean {
  try {
    const header = openCfb(bytes).read("FileHeader");
    return header !== undefined && ascii(header, 0, SIGNATURE.length) === SIGNATURE;
  } catch {
    return false;
  }
}

/**
 * The blocks of an HWP 5.x document, in reading order.
 *
 * @throws ParseError ENCRYPTED (password, DRM, certificate), PARSE_FAILED (not HWP, damaged,
 *   distribution document), LIMIT_EXCEEDED (decompression caps, records, `maxChars`)
 * @example const blocks = readHwp5(bytes, { maxChars: DEFAULT_PARSE_LIMITS.maxChars });
 */
export function readHwp5(bytes: Uint8Array, options: HwpReadOptions): Block[] {
  const limits = options.limits ?? DEFAULT_HWP_LIMITS;
  let cfb: CfbFile;
  try {
    cfb = openCfb(bytes);
  } catch (error) {
    throw damaged(`damaged compound file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const read = (path: string | CfbEntry): Uint8Array | undefined => {
    try {
      return cfb.read(path);
    } catch (error) {
      if (error instanceof CfbError) throw damaged(`damaged compound file: ${error.message}`);
      throw error;
    }
  };
  const header = read("FileHeader");
  if (!header || ascii(header, 0, SIGNATURE.length) !== SIGNATURE) {
    throw new ParseError(
      "PARSE_FAILED",
      "the file is not an HWP document (a compound file without the HWP FileHeader: legacy Microsoft Office files (.doc, .xls, .ppt) are not supported)",
    );
  }
  const version = u32(header, 32);
  if (version >>> 24 < 5) throw damaged(`unsupported HWP version ${version >>> 24}`);
  const flags = u32(header, 36);
  if (flags & FLAG_PASSWORD) throw new ParseError("ENCRYPTED", "the document is password-protected");
  if (flags & (FLAG_DRM | FLAG_CERTIFICATE)) {
    throw new ParseError("ENCRYPTED", "the document is DRM-protected or encrypted with a certificate");
  }
  if (flags & FLAG_DISTRIBUTION) {
    throw new ParseError(
      "PARSE_FAILED",
      "the document is an HWP distribution document (배포용 문서), whose text is encrypted for viewing only: save it as a regular .hwp or .hwpx document",
    );
  }
  const compressed = (flags & FLAG_COMPRESSED) !== 0;
  const inflater = new Inflater(limits);
  const decode = (data: Uint8Array, what: string): Uint8Array =>
    compressed ? inflater.inflate(data, what) : data;

  let docInfo = NO_DOC_INFO;
  const docInfoBytes = read("DocInfo");
  if (docInfoBytes) {
    try {
      docInfo = readDocInfo(decode(docInfoBytes, "DocInfo"));
    } catch (error) {
      // Styles only decide headings: a damaged DocInfo costs them, not the document.
      if (error instanceof ParseError && error.code === "LIMIT_EXCEEDED") throw error;
    }
  }

  const sections = (cfb.entry("BodyText")?.children ?? [])
    .filter((e) => e.kind === "stream" && /^Section\d+$/i.test(e.name))
    .sort((a, b) => sectionNumber(a) - sectionNumber(b));
  if (sections.length === 0) throw damaged("no BodyText sections");
  const reader = new BodyReader(docInfo, new TextBudget(options.maxChars));
  for (const section of sections) {
    const data = decode(read(section) ?? new Uint8Array(0), section.path);
    reader.section(
      data,
      readRecords(data, section.path, (tag) => BODY_TAGS.has(tag), limits.maxRecords),
    );
  }
  return hwpBlocks(reader.items, reader.notes);
}
