/**
 * @module Generated Hangul documents for the CFB/HWP/HWPX reader and parser
 * tests (no HWP sample exists in the evaluation set, and none may be
 * downloaded).
 *
 * - `writeCfb`: a compound-file writer ([MS-CFB]): version 3 (512-byte
 *   sectors) or 4 (4096), small streams in the mini stream, large ones in
 *   regular sectors, DIFAT sectors when the FAT needs more than 109 sectors,
 *   each storage's children as a balanced binary tree in CFB name order (so
 *   a reader must follow left *and* right siblings).
 * - HWP 5 records (`rec`, `para`, `tableControl`, `noteControl`…) built the
 *   way Hangul writes them: a paragraph's PARA_HEADER with PARA_TEXT,
 *   PARA_CHAR_SHAPE and PARA_LINE_SEG one level deeper, controls anchored by
 *   8-unit extended control characters carrying the control id, a table's
 *   cells as LIST_HEADER + paragraphs siblings of the TABLE record.
 * - `buildHwp`: FileHeader + DocInfo + BodyText/SectionN (+ a preview and a
 *   summary stream, as real files have), raw-deflate compressed on request.
 * - `buildHwpx`: an OWPML package (mimetype first and stored, content.hpf,
 *   header.xml, sections) zipped with fflate.
 */
import { deflateSync, strToU8, type Zippable, zipSync } from "fflate";

// ---- compound file writer --------------------------------------------------

export interface CfbStream {
  /** "/"-separated path; storages are created as needed. */
  readonly path: string;
  readonly data: Uint8Array;
}

interface DirNode {
  readonly name: string;
  readonly type: 1 | 2 | 5;
  readonly children: DirNode[];
  data?: Uint8Array;
  id: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

const END_OF_CHAIN = 0xfffffffe;
const FREE = 0xffffffff;
const FAT_SECTOR = 0xfffffffd;
const DIFAT_SECTOR = 0xfffffffc;
const NO_STREAM = 0xffffffff;

function cfbCompare(a: DirNode, b: DirNode): number {
  if (a.name.length !== b.name.length) return a.name.length - b.name.length;
  const x = a.name.toUpperCase();
  const y = b.name.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function putU16(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
}

function putU32(out: Uint8Array, at: number, value: number): void {
  putU16(out, at, value & 0xffff);
  putU16(out, at + 2, (value >>> 16) & 0xffff);
}

/**
 * A compound file holding the given streams.
 *
 * @example writeCfb([{ path: "FileHeader", data }, { path: "BodyText/Section0", data: body }])
 */
export function writeCfb(streams: readonly CfbStream[], options: { version?: 3 | 4 } = {}): Uint8Array {
  const version = options.version ?? 3;
  const sectorSize = version === 3 ? 512 : 4096;
  const perFat = sectorSize / 4;
  const node = (name: string, type: 1 | 2 | 5): DirNode => ({
    name,
    type,
    children: [],
    id: 0,
    left: NO_STREAM,
    right: NO_STREAM,
    child: NO_STREAM,
    start: END_OF_CHAIN,
    size: 0,
  });
  const root = node("Root Entry", 5);
  for (const stream of streams) {
    const names = stream.path.split("/");
    let at = root;
    names.forEach((name, i) => {
      const last = i === names.length - 1;
      let next = at.children.find((c) => c.name === name);
      if (!next) {
        next = node(name, last ? 2 : 1);
        at.children.push(next);
      }
      if (last) next.data = stream.data;
      at = next;
    });
  }
  const entries: DirNode[] = [];
  const number = (n: DirNode): void => {
    n.id = entries.length;
    entries.push(n);
    n.children.sort(cfbCompare);
    for (const c of n.children) number(c);
  };
  number(root);
  const balance = (nodes: DirNode[], lo: number, hi: number): number => {
    if (lo > hi) return NO_STREAM;
    const mid = (lo + hi) >> 1;
    const n = nodes[mid] as DirNode;
    n.left = balance(nodes, lo, mid - 1);
    n.right = balance(nodes, mid + 1, hi);
    return n.id;
  };
  for (const n of entries) n.child = balance(n.children, 0, n.children.length - 1);

  // Mini stream: streams under 4096 bytes, in 64-byte mini sectors.
  const miniFat: number[] = [];
  const miniChunks: Uint8Array[] = [];
  const big: DirNode[] = [];
  for (const n of entries) {
    if (n.type !== 2 || !n.data) continue;
    n.size = n.data.length;
    if (n.size === 0) continue;
    if (n.size >= 4096) {
      big.push(n);
      continue;
    }
    const count = Math.ceil(n.size / 64);
    n.start = miniFat.length;
    for (let i = 0; i < count; i++) miniFat.push(i === count - 1 ? END_OF_CHAIN : miniFat.length + 1);
    const padded = new Uint8Array(count * 64);
    padded.set(n.data);
    miniChunks.push(padded);
  }
  const miniStream = concat(miniChunks);

  const sectorsOf = (bytes: number): number => Math.ceil(bytes / sectorSize);
  const dirSectors = sectorsOf(entries.length * 128);
  const miniFatSectors = sectorsOf(miniFat.length * 4);
  const miniStreamSectors = sectorsOf(miniStream.length);
  const bigSectors = big.reduce((sum, n) => sum + sectorsOf(n.size), 0);
  const dataSectors = dirSectors + miniFatSectors + miniStreamSectors + bigSectors;
  let fatSectors = 0;
  let difatSectors = 0;
  for (;;) {
    const fat = Math.ceil((dataSectors + fatSectors + difatSectors) / perFat);
    const difat = fat > 109 ? Math.ceil((fat - 109) / (perFat - 1)) : 0;
    if (fat === fatSectors && difat === difatSectors) break;
    fatSectors = fat;
    difatSectors = difat;
  }
  const total = fatSectors + difatSectors + dataSectors;
  const fat = new Array<number>(fatSectors * perFat).fill(FREE);
  let next = 0;
  const fatIds: number[] = [];
  for (let i = 0; i < fatSectors; i++, next++) {
    fatIds.push(next);
    fat[next] = FAT_SECTOR;
  }
  const difatIds: number[] = [];
  for (let i = 0; i < difatSectors; i++, next++) {
    difatIds.push(next);
    fat[next] = DIFAT_SECTOR;
  }
  const allocate = (count: number): number => {
    if (count === 0) return END_OF_CHAIN;
    const start = next;
    for (let i = 0; i < count; i++, next++) fat[next] = i === count - 1 ? END_OF_CHAIN : next + 1;
    return start;
  };
  const dirStart = allocate(dirSectors);
  const miniFatStart = allocate(miniFatSectors);
  root.start = allocate(miniStreamSectors);
  root.size = miniStream.length;
  for (const n of big) n.start = allocate(sectorsOf(n.size));

  const out = new Uint8Array((total + 1) * sectorSize);
  const sectorAt = (id: number): number => (id + 1) * sectorSize;
  // Header.
  out.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 0);
  putU16(out, 24, 0x3e);
  putU16(out, 26, version);
  putU16(out, 28, 0xfffe);
  putU16(out, 30, version === 3 ? 9 : 12);
  putU16(out, 32, 6);
  putU32(out, 40, version === 3 ? 0 : dirSectors);
  putU32(out, 44, fatSectors);
  putU32(out, 48, dirStart);
  putU32(out, 56, 4096);
  putU32(out, 60, miniFatStart);
  putU32(out, 64, miniFatSectors);
  putU32(out, 68, difatIds[0] ?? END_OF_CHAIN);
  putU32(out, 72, difatSectors);
  for (let i = 0; i < 109; i++) putU32(out, 76 + i * 4, fatIds[i] ?? FREE);
  // DIFAT sectors: the FAT sector ids beyond the header's 109, chained by their last entry.
  difatIds.forEach((id, k) => {
    const base = sectorAt(id);
    for (let i = 0; i < perFat - 1; i++)
      putU32(out, base + i * 4, fatIds[109 + k * (perFat - 1) + i] ?? FREE);
    putU32(out, base + (perFat - 1) * 4, difatIds[k + 1] ?? END_OF_CHAIN);
  });
  fatIds.forEach((id, k) => {
    for (let i = 0; i < perFat; i++) putU32(out, sectorAt(id) + i * 4, fat[k * perFat + i] ?? FREE);
  });
  // Directory (chained sectors are consecutive, so the entries are contiguous).
  const dirBase = sectorAt(dirStart);
  for (let i = 0; i < dirSectors * (sectorSize / 128); i++) {
    const at = dirBase + i * 128;
    const n = entries[i];
    putU32(out, at + 68, n?.left ?? NO_STREAM);
    putU32(out, at + 72, n?.right ?? NO_STREAM);
    putU32(out, at + 76, n?.child ?? NO_STREAM);
    if (!n) continue;
    for (let c = 0; c < n.name.length; c++) putU16(out, at + c * 2, n.name.charCodeAt(c));
    putU16(out, at + 64, (n.name.length + 1) * 2);
    out[at + 66] = n.type;
    out[at + 67] = 1;
    putU32(out, at + 116, n.type === 1 ? 0 : n.start);
    putU32(out, at + 120, n.type === 1 ? 0 : n.size);
  }
  if (miniFatSectors > 0) {
    const base = sectorAt(miniFatStart);
    for (let i = 0; i < miniFatSectors * perFat; i++) putU32(out, base + i * 4, miniFat[i] ?? FREE);
  }
  if (miniStreamSectors > 0) out.set(miniStream, sectorAt(root.start));
  for (const n of big) out.set(n.data as Uint8Array, sectorAt(n.start));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- HWP 5 records -----------------------------------------------------------

export const TAG = {
  DOCUMENT_PROPERTIES: 0x10,
  ID_MAPPINGS: 0x11,
  PARA_SHAPE: 0x19,
  STYLE: 0x1a,
  PARA_HEADER: 0x42,
  PARA_TEXT: 0x43,
  PARA_CHAR_SHAPE: 0x44,
  PARA_LINE_SEG: 0x45,
  CTRL_HEADER: 0x47,
  LIST_HEADER: 0x48,
  TABLE: 0x4d,
  SHAPE_COMPONENT: 0x4c,
  SHAPE_COMPONENT_RECTANGLE: 0x4f,
} as const;

/** Little-endian integers as bytes. */
export function u16s(...values: number[]): number[] {
  return values.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff]);
}

export function u32s(...values: number[]): number[] {
  return values.flatMap((v) => [...u16s(v & 0xffff), ...u16s((v >>> 16) & 0xffff)]);
}

/** One record: the 32-bit header (tag, level, size; 0xFFF + a 32-bit size for large payloads) and payload. */
export function rec(tag: number, level: number, payload: Uint8Array | readonly number[] = []): Uint8Array {
  const data = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
  const extended = data.length >= 0xfff;
  const header = u32s((tag | (level << 10) | ((extended ? 0xfff : data.length) << 20)) >>> 0);
  return concat([Uint8Array.from(extended ? [...header, ...u32s(data.length)] : header), data]);
}

/** A control id as Hangul stores it (MAKE_4CHID, little-endian). */
export function ctrlId(id: string): number {
  return (
    ((id.charCodeAt(0) << 24) | (id.charCodeAt(1) << 16) | (id.charCodeAt(2) << 8) | id.charCodeAt(3)) >>> 0
  );
}

/** PARA_TEXT pieces: text, a one-unit char control, an 8-unit inline control, or an extended control. */
export type TextPiece =
  | string
  | { readonly char: number }
  | { readonly inline: number }
  | { readonly ctrl: string; readonly code?: number };

export const LINE_BREAK: TextPiece = { char: 10 };
export const TAB: TextPiece = { inline: 9 };

function textUnits(pieces: readonly TextPiece[]): number[] {
  const units: number[] = [];
  for (const piece of pieces) {
    if (typeof piece === "string") {
      for (let i = 0; i < piece.length; i++) units.push(piece.charCodeAt(i));
    } else if ("char" in piece) {
      units.push(piece.char);
    } else if ("inline" in piece) {
      units.push(piece.inline, 0x6464, 0x6464, 0, 0, 0, 0, piece.inline);
    } else {
      const code = piece.code ?? 11;
      const id = ctrlId(piece.ctrl);
      units.push(code, id & 0xffff, id >>> 16, 0, 0, 0, 0, code);
    }
  }
  units.push(13);
  return units;
}

export interface ParaSpec {
  readonly text: readonly TextPiece[];
  /** Paragraph shape id (DocInfo PARA_SHAPE index). */
  readonly shape?: number;
  /** Style id (DocInfo STYLE index). */
  readonly style?: number;
  /** Control record groups (each starting with its CTRL_HEADER at level + 1), in anchor order. */
  readonly controls?: readonly (readonly Uint8Array[])[];
  readonly lastInList?: boolean;
}

/**
 * A paragraph at `level`: PARA_HEADER, then PARA_TEXT, PARA_CHAR_SHAPE,
 * PARA_LINE_SEG and its controls one level deeper.
 */
export function para(level: number, spec: ParaSpec | string): Uint8Array[] {
  const s: ParaSpec = typeof spec === "string" ? { text: [spec] } : spec;
  const units = textUnits(s.text);
  const header = [
    ...u32s((units.length | (s.lastInList ? 0x80000000 : 0)) >>> 0),
    ...u32s(s.controls?.length ? 0x800 : 0),
    ...u16s(s.shape ?? 0),
    s.style ?? 0,
    0,
    ...u16s(1, 0, 1),
    ...u32s(0x12345),
    ...u16s(0),
  ];
  return [
    rec(TAG.PARA_HEADER, level, header),
    rec(TAG.PARA_TEXT, level + 1, u16s(...units)),
    rec(TAG.PARA_CHAR_SHAPE, level + 1, u32s(0, 0)),
    rec(TAG.PARA_LINE_SEG, level + 1, new Uint8Array(36)),
    ...(s.controls ?? []).flat(),
  ];
}

export interface CellSpec {
  readonly row: number;
  readonly col: number;
  readonly rowSpan?: number;
  readonly colSpan?: number;
  readonly paras: readonly (ParaSpec | string)[];
}

/**
 * A table control at `level` (its CTRL_HEADER): the TABLE record, an optional
 * caption, then each cell's LIST_HEADER followed by its paragraphs, all one
 * level deeper.
 */
export function tableControl(
  level: number,
  cells: readonly CellSpec[],
  options: { rows: number; cols: number; caption?: string; perRow?: readonly number[] },
): Uint8Array[] {
  const perRow =
    options.perRow ?? Array.from({ length: options.rows }, (_, r) => cells.filter((c) => c.row === r).length);
  const out: Uint8Array[] = [
    rec(TAG.CTRL_HEADER, level, [...u32s(ctrlId("tbl ")), ...new Array(42).fill(0)]),
  ];
  if (options.caption !== undefined) {
    out.push(
      rec(TAG.LIST_HEADER, level + 1, [
        ...u16s(1, 0),
        ...u32s(0),
        ...u32s(3, 8000),
        ...u16s(850),
        ...u32s(0),
      ]),
    );
    out.push(...para(level + 1, { text: [options.caption], lastInList: true }));
  }
  out.push(
    rec(TAG.TABLE, level + 1, [
      ...u32s(0x04000006),
      ...u16s(options.rows, options.cols, 0, 510, 510, 141, 141),
      ...u16s(...perRow),
      ...u16s(1, 0),
    ]),
  );
  for (const cell of cells) {
    out.push(
      rec(TAG.LIST_HEADER, level + 1, [
        ...u16s(cell.paras.length, 0),
        ...u32s(0x20),
        ...u16s(cell.col, cell.row, cell.colSpan ?? 1, cell.rowSpan ?? 1),
        ...u32s(9000, 1000),
        ...u16s(510, 510, 141, 141, 3),
        ...u32s(8000),
      ]),
    );
    cell.paras.forEach((p, i) => {
      const spec: ParaSpec = typeof p === "string" ? { text: [p] } : p;
      out.push(...para(level + 1, { ...spec, lastInList: i === cell.paras.length - 1 }));
    });
  }
  return out;
}

/** A grid of strings as table cells (row-major, no spans). */
export function gridCells(rows: readonly (readonly string[])[]): CellSpec[] {
  return rows.flatMap((cells, row) => cells.map((text, col) => ({ row, col, paras: [text] })));
}

/** A note (`fn  `/`en  `), header (`head`) or hidden comment (`tcmt`) control: a list of paragraphs. */
export function listControl(level: number, id: string, paras: readonly string[]): Uint8Array[] {
  return [
    rec(TAG.CTRL_HEADER, level, [...u32s(ctrlId(id)), ...u32s(1, 0)]),
    rec(TAG.LIST_HEADER, level + 1, [...u16s(paras.length, 0), ...u32s(0)]),
    ...paras.flatMap((p, i) => para(level + 1, { text: [p], lastInList: i === paras.length - 1 })),
  ];
}

/** A drawing object (`gso `) with a rectangle holding a text box: its paragraphs sit two levels down. */
export function textBoxControl(level: number, paras: readonly string[]): Uint8Array[] {
  return [
    rec(TAG.CTRL_HEADER, level, [...u32s(ctrlId("gso ")), ...new Array(42).fill(0)]),
    rec(TAG.SHAPE_COMPONENT, level + 1, [...u32s(ctrlId("$rec"), ctrlId("$rec")), ...new Array(160).fill(0)]),
    rec(TAG.LIST_HEADER, level + 2, [...u16s(paras.length, 0), ...u32s(0), ...new Array(18).fill(0)]),
    ...paras.flatMap((p, i) => para(level + 2, { text: [p], lastInList: i === paras.length - 1 })),
    rec(TAG.SHAPE_COMPONENT_RECTANGLE, level + 2, new Array(33).fill(0)),
  ];
}

/** A section/column definition control (`secd`), the first control of every real section. */
export function sectionDefControl(level: number): Uint8Array[] {
  return [rec(TAG.CTRL_HEADER, level, [...u32s(ctrlId("secd")), ...new Array(34).fill(0)])];
}

// ---- DocInfo, FileHeader, document -----------------------------------------

export interface StyleSpec {
  readonly name: string;
  readonly english: string;
  readonly shape?: number;
}

/**
 * DocInfo records: DOCUMENT_PROPERTIES, ID_MAPPINGS and, one level deeper,
 * the paragraph shapes (`outline`: 0-based outline level, or undefined) and styles.
 */
export function docInfoRecords(
  shapes: readonly (number | undefined)[] = [undefined, 0, 1],
  styles: readonly StyleSpec[] = [
    { name: "바탕글", english: "Normal" },
    { name: "본문", english: "Body" },
    { name: "개요 1", english: "Outline 1", shape: 1 },
    { name: "개요 2", english: "Outline 2", shape: 2 },
  ],
): Uint8Array[] {
  const counts = new Array<number>(18).fill(0);
  counts[13] = shapes.length;
  counts[14] = styles.length;
  const utf16 = (s: string): number[] => [...u16s(s.length), ...u16s(...[...s].map((c) => c.charCodeAt(0)))];
  return [
    rec(TAG.DOCUMENT_PROPERTIES, 0, [...u16s(1, 1, 1, 1, 1, 1, 1), ...u32s(0, 0, 0)]),
    rec(TAG.ID_MAPPINGS, 0, u32s(...counts)),
    ...shapes.map((outline) =>
      rec(TAG.PARA_SHAPE, 1, [
        ...u32s(outline === undefined ? 0x100 : ((1 << 23) | (outline << 25) | 0x100) >>> 0),
        ...new Array(50).fill(0),
      ]),
    ),
    ...styles.map((style) =>
      rec(TAG.STYLE, 1, [
        ...utf16(style.name),
        ...utf16(style.english),
        0,
        0,
        ...u16s(0x412, style.shape ?? 0, 0, 0),
      ]),
    ),
  ];
}

export const FLAGS = {
  COMPRESSED: 1 << 0,
  PASSWORD: 1 << 1,
  DISTRIBUTION: 1 << 2,
  DRM: 1 << 4,
} as const;

/** The 256-byte FileHeader stream. */
export function fileHeader(flags: number, version = 0x05010001): Uint8Array {
  const out = new Uint8Array(256);
  out.set(strToU8("HWP Document File"));
  out.set(u32s(version, flags), 32);
  return out;
}

export interface HwpSpec {
  /** Each section's records (usually built with `para`). */
  readonly sections: readonly (readonly Uint8Array[])[];
  readonly compressed?: boolean;
  /** FileHeader property bits besides "compressed". */
  readonly flags?: number;
  readonly docInfo?: readonly Uint8Array[];
  readonly cfbVersion?: 3 | 4;
  /** Stream names of the sections (default Section0, Section1…). */
  readonly sectionNames?: readonly string[];
}

/**
 * A complete HWP 5 file.
 *
 * @example buildHwp({ sections: [[...para(0, "안녕하세요")]], compressed: true })
 */
export function buildHwp(spec: HwpSpec): Uint8Array {
  const compressed = spec.compressed ?? true;
  const encode = (records: readonly Uint8Array[]): Uint8Array => {
    const raw = concat(records);
    return compressed ? deflateSync(raw) : raw;
  };
  const preview = new Uint8Array(u16s(...[..."미리보기 Preview"].map((c) => c.charCodeAt(0))));
  return writeCfb(
    [
      { path: "FileHeader", data: fileHeader((spec.flags ?? 0) | (compressed ? FLAGS.COMPRESSED : 0)) },
      { path: "DocInfo", data: encode(spec.docInfo ?? docInfoRecords()) },
      ...spec.sections.map((records, i) => ({
        path: `BodyText/${spec.sectionNames?.[i] ?? `Section${i}`}`,
        data: encode(records),
      })),
      { path: "\u0005HwpSummaryInformation", data: new Uint8Array(u16s(0xfffe, 0, 5, 2)) },
      { path: "PrvText", data: preview },
      { path: "Scripts/DefaultJScript", data: encode([]) },
    ],
    { version: spec.cfbVersion ?? 3 },
  );
}

// ---- HWPX --------------------------------------------------------------------

const NS =
  'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph" xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head"';

/** XML text escaping. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An `hp:p` with one run holding `inner` (already XML). */
export function hpPara(inner: string, attrs = 'paraPrIDRef="0" styleIDRef="0"'): string {
  return `<hp:p id="0" ${attrs} pageBreak="0" columnBreak="0" merged="0"><hp:run charPrIDRef="0">${inner}</hp:run><hp:linesegarray><hp:lineseg textpos="0" vertpos="0" vertsize="1000" textheight="1000" baseline="850" spacing="600" horzpos="0" horzsize="42520" flags="393216"/></hp:linesegarray></hp:p>`;
}

/** An `hp:p` whose run is plain text. */
export function hpText(text: string, attrs?: string): string {
  return hpPara(`<hp:t>${xmlEscape(text)}</hp:t>`, attrs);
}

export interface HwpxCell {
  readonly row: number;
  readonly col: number;
  readonly rowSpan?: number;
  readonly colSpan?: number;
  /** Paragraph XML (e.g. from `hpText`). */
  readonly body: string;
}

/** An `hp:tbl` run child; `addresses: false` leaves out `hp:cellAddr`. */
export function hpTable(
  rows: readonly (readonly HwpxCell[])[],
  options: { caption?: string; addresses?: boolean } = {},
): string {
  const caption =
    options.caption === undefined
      ? ""
      : `<hp:caption side="TOP" fullSz="0" width="8000" gap="850" lastWidth="42520"><hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="TOP">${hpText(options.caption)}</hp:subList></hp:caption>`;
  const body = rows
    .map(
      (cells) =>
        `<hp:tr>${cells
          .map(
            (c) =>
              `<hp:tc name="" header="0" hasMargin="0" protect="0" editable="0" dirty="0" borderFillIDRef="3"><hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="CENTER">${c.body}</hp:subList>${options.addresses === false ? "" : `<hp:cellAddr colAddr="${c.col}" rowAddr="${c.row}"/>`}<hp:cellSpan colSpan="${c.colSpan ?? 1}" rowSpan="${c.rowSpan ?? 1}"/><hp:cellSz width="9000" height="1000"/><hp:cellMargin left="510" right="510" top="141" bottom="141"/></hp:tc>`,
          )
          .join("")}</hp:tr>`,
    )
    .join("");
  const cols = Math.max(...rows.map((r) => r.reduce((n, c) => n + (c.colSpan ?? 1), 0)));
  return `<hp:tbl id="1" zOrder="0" numberingType="TABLE" textWrap="TOP_AND_BOTTOM" rowCnt="${rows.length}" colCnt="${cols}" cellSpacing="0" borderFillIDRef="3" noAdjust="0"><hp:sz width="42520" height="2000"/><hp:pos treatAsChar="1"/>${caption}${body}</hp:tbl>`;
}

/** header.xml with paragraph properties (id → outline level, 0-based, or none) and styles. */
export function hwpxHeader(
  paraPrs: readonly (number | undefined)[] = [undefined, 0, 1],
  styles: readonly StyleSpec[] = [
    { name: "바탕글", english: "Normal" },
    { name: "개요 1", english: "Outline 1", shape: 1 },
    { name: "개요 3", english: "Outline 3", shape: 0 },
  ],
): string {
  const paras = paraPrs
    .map(
      (level, id) =>
        `<hh:paraPr id="${id}" tabPrIDRef="0" condense="0"><hh:align horizontal="JUSTIFY" vertical="BASELINE"/><hh:heading type="${level === undefined ? "NONE" : "OUTLINE"}" idRef="0" level="${level ?? 0}"/></hh:paraPr>`,
    )
    .join("");
  const styleXml = styles
    .map(
      (s, id) =>
        `<hh:style id="${id}" type="PARA" name="${xmlEscape(s.name)}" engName="${xmlEscape(s.english)}" paraPrIDRef="${s.shape ?? 0}" charPrIDRef="0" nextStyleIDRef="0" langID="1042" lockForm="0"/>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><hh:head ${NS} version="1.4" secCnt="1"><hh:refList><hh:paraProperties itemCnt="${paraPrs.length}">${paras}</hh:paraProperties><hh:styles itemCnt="${styles.length}">${styleXml}</hh:styles></hh:refList></hh:head>`;
}

export interface HwpxSpec {
  /** Each section's paragraph XML. */
  readonly sections: readonly string[];
  readonly header?: string;
  /** Spine order as section indexes (default: in order); null leaves content.hpf out. */
  readonly spine?: readonly number[] | null;
  /** Leave out the mimetype entry. */
  readonly noMimetype?: boolean;
  /** Extra entries (e.g. an encrypted manifest). */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * A complete HWPX package.
 *
 * @example buildHwpx({ sections: [hpText("안녕하세요")] })
 */
export function buildHwpx(spec: HwpxSpec): Uint8Array {
  const files: Zippable = {};
  if (!spec.noMimetype) files.mimetype = [strToU8("application/hwp+zip"), { level: 0 }];
  files["version.xml"] = strToU8(
    '<?xml version="1.0" encoding="UTF-8"?><hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication="WORDPROCESSOR" major="5" minor="1" micro="1" buildNumber="0"/>',
  );
  files["META-INF/container.xml"] = strToU8(
    '<?xml version="1.0" encoding="UTF-8"?><ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container"><ocf:rootfiles><ocf:rootfile full-path="Contents/content.hpf" media-type="application/hwpml-package+xml"/></ocf:rootfiles></ocf:container>',
  );
  if (spec.spine !== null) {
    const items = spec.sections
      .map(
        (_, i) => `<opf:item id="section${i}" href="Contents/section${i}.xml" media-type="application/xml"/>`,
      )
      .join("");
    const spine = (spec.spine ?? spec.sections.map((_, i) => i))
      .map((i) => `<opf:itemref idref="section${i}" linear="yes"/>`)
      .join("");
    files["Contents/content.hpf"] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/" version="" unique-identifier="" id=""><opf:metadata><opf:title/></opf:metadata><opf:manifest><opf:item id="header" href="Contents/header.xml" media-type="application/xml"/>${items}</opf:manifest><opf:spine><opf:itemref idref="header" linear="yes"/>${spine}</opf:spine></opf:package>`,
    );
  }
  files["Contents/header.xml"] = strToU8(spec.header ?? hwpxHeader());
  spec.sections.forEach((body, i) => {
    files[`Contents/section${i}.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><hs:sec ${NS}>${body}</hs:sec>`,
    );
  });
  for (const [name, text] of Object.entries(spec.extra ?? {})) files[name] = strToU8(text);
  return zipSync(files);
}
