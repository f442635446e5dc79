/**
 * @module HWPX (OWPML, KS X 6101: Hangul's zip + XML format) → blocks.
 *
 * The package is opened with the zip-bomb-safe `./zip.ts`: a stored
 * `mimetype` entry (`application/hwp+zip`), `Contents/content.hpf` (an OPF
 * package whose spine lists the sections in order), `Contents/header.xml`
 * (styles and paragraph properties) and `Contents/section0.xml`… Section
 * order comes from the spine (hrefs are package-absolute in Hancom's files,
 * relative to the .hpf in some generators: both are tried); without a usable
 * spine, the `Contents/sectionN.xml` entries in numeric order.
 *
 * Inside a section, `hp:p` paragraphs hold `hp:run`s whose children are the
 * text (`hp:t`: mixed content where `hp:lineBreak`, `hp:tab`, `hp:nbSpace`,
 * `hp:fwSpace`, `hp:hyphen` stand for characters and text between
 * `hp:deleteBegin`/`hp:deleteEnd` is a tracked deletion, left out), tables
 * (`hp:tbl` → `hp:tr` → `hp:tc` with `hp:cellAddr`, `hp:cellSpan` and an
 * `hp:subList` of paragraphs; `hp:caption`), controls (`hp:ctrl`: foot/end
 * notes are read, headers, footers and hidden comments are not) and drawing
 * objects whose text boxes (`hp:drawText/hp:subList`) are read after the
 * paragraph, like the binary reader does. `hp:switch` contributes its first
 * `hp:case` (else `hp:default`), never both. Elements are matched by local
 * name (`./xml.ts`), so the 2011 and 2024 namespace URIs both work.
 *
 * Headings: the paragraph's `paraPrIDRef` → `hh:paraPr/hh:heading
 * type="OUTLINE" level` (0-based), else its `styleIDRef` → the style's name
 * (`./hwp-blocks.ts`). An encrypted package (ODF-style `encryption-data` in
 * META-INF/manifest.xml) → ENCRYPTED.
 */
import { posix } from "node:path";
import type { Block } from "../types.js";
import { ParseError } from "../types.js";
import {
  type HwpCell,
  type HwpItem,
  type HwpTable,
  headingFromStyleName,
  hwpBlocks,
  placeSequential,
  TextBudget,
} from "./hwp-blocks.js";
import { attr, child, children, intAttr, nameOf, readXml, type XmlElement, type XmlNode } from "./xml.js";
import type { ZipArchive } from "./zip.js";

export interface HwpxReadOptions {
  /** Characters of extracted text; more → LIMIT_EXCEEDED while reading. */
  readonly maxChars: number;
}

/** Drawing objects whose text boxes are read (by their `hp:subList`s). */
const DRAWING_OBJECTS = new Set([
  "rect",
  "ellipse",
  "arc",
  "polygon",
  "curve",
  "connectLine",
  "line",
  "container",
  "pic",
  "ole",
  "textart",
]);

const TEXT_NODE = 3;

/** The section parts in reading order. */
function sectionParts(zip: ZipArchive): string[] {
  const hpf = packagePath(zip);
  const root = hpf ? readXml(zip, hpf) : undefined;
  if (root && hpf) {
    const manifest = new Map<string, string>();
    for (const item of children(child(root, "manifest") ?? root, "item")) {
      const id = attr(item, "id");
      const href = attr(item, "href");
      if (id && href) manifest.set(id, href);
    }
    const parts: string[] = [];
    for (const ref of children(child(root, "spine") ?? root, "itemref")) {
      const href = manifest.get(attr(ref, "idref") ?? "");
      if (!href || !/(?:^|\/)section\d+\.xml$/i.test(href)) continue;
      const part = resolvePart(zip, hpf, href);
      if (part && !parts.includes(part)) parts.push(part);
    }
    if (parts.length > 0) return parts;
  }
  return zip.entries
    .map((e) => ({ name: e.name, n: /^Contents\/section(\d+)\.xml$/i.exec(e.name)?.[1] }))
    .filter((e): e is { name: string; n: string } => e.n !== undefined)
    .sort((a, b) => Number(a.n) - Number(b.n))
    .map((e) => e.name);
}

/** The OPF package part: META-INF/container.xml's rootfile, else Contents/content.hpf. */
function packagePath(zip: ZipArchive): string | undefined {
  const container = readXml(zip, "META-INF/container.xml");
  if (container) {
    for (const rootfile of descendantsNamed(container, "rootfile")) {
      const path = attr(rootfile, "full-path");
      if (path && /\.hpf$/i.test(path) && zip.has(path)) return path;
    }
  }
  return zip.has("Contents/content.hpf") ? "Contents/content.hpf" : undefined;
}

function resolvePart(zip: ZipArchive, hpf: string, href: string): string | undefined {
  const absolute = href.replace(/^\/+/, "");
  if (zip.has(absolute)) return zip.entry(absolute)?.name;
  const relative = posix.normalize(posix.join(posix.dirname(hpf), href));
  return zip.has(relative) ? zip.entry(relative)?.name : undefined;
}

function descendantsNamed(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (nameOf(c) === name) out.push(c);
    out.push(...descendantsNamed(c, name));
  }
  return out;
}

/** Heading levels of paragraph properties (`hh:paraPr`) and styles (`hh:style`), by id. */
interface HeaderInfo {
  readonly paraOutline: Map<string, number>;
  readonly styleHeading: Map<string, number>;
}

function readHeader(zip: ZipArchive): HeaderInfo {
  const paraOutline = new Map<string, number>();
  const styleHeading = new Map<string, number>();
  const part = zip.has("Contents/header.xml") ? "Contents/header.xml" : undefined;
  const root = part ? readXml(zip, part) : undefined;
  if (!root) return { paraOutline, styleHeading };
  for (const paraPr of descendantsNamed(root, "paraPr")) {
    const id = attr(paraPr, "id");
    const heading = descendantsNamed(paraPr, "heading")[0];
    if (id === undefined || !heading || attr(heading, "type") !== "OUTLINE") continue;
    paraOutline.set(id, (intAttr(heading, "level") ?? 0) + 1);
  }
  for (const style of descendantsNamed(root, "style")) {
    const id = attr(style, "id");
    const level = headingFromStyleName(attr(style, "name") ?? "", attr(style, "engName") ?? "");
    if (id !== undefined && level !== undefined) styleHeading.set(id, level);
  }
  return { paraOutline, styleHeading };
}

class SectionReader {
  readonly items: HwpItem[] = [];
  readonly notes: string[] = [];
  /** Inside a tracked deletion (hp:deleteBegin … hp:deleteEnd) of the current paragraph. */
  private deleting = false;

  constructor(
    private readonly header: HeaderInfo,
    private readonly budget: TextBudget,
  ) {}

  section(root: XmlElement): void {
    this.list(root, this.items);
  }

  /** The `hp:p` children of a section or sub-list. */
  private list(el: XmlElement, out: HwpItem[]): void {
    for (const p of children(el, "p")) this.paragraph(p, out);
  }

  private outline(p: XmlElement): number | undefined {
    const paraPr = attr(p, "paraPrIDRef");
    const style = attr(p, "styleIDRef");
    return (
      (paraPr === undefined ? undefined : this.header.paraOutline.get(paraPr)) ??
      (style === undefined ? undefined : this.header.styleHeading.get(style))
    );
  }

  private paragraph(p: XmlElement, out: HwpItem[]): void {
    const outline = this.outline(p);
    const after: HwpItem[] = [];
    const state = { text: "" };
    this.deleting = false;
    const flush = (): void => {
      if (state.text.trim()) {
        this.budget.add(state.text.length);
        out.push({ kind: "paragraph", text: state.text, ...(outline === undefined ? {} : { outline }) });
      }
      state.text = "";
    };
    const inline = (el: XmlElement): void => {
      for (const c of el.children) {
        const name = nameOf(c);
        if (name === "t") state.text += this.runText(c);
        else if (name === "lineBreak") state.text += "\n";
        else if (name === "tab") state.text += "\t";
        else if (name === "tbl") {
          flush();
          out.push(this.table(c));
        } else if (name === "ctrl") {
          for (const control of c.children) {
            const kind = nameOf(control);
            if (kind === "footNote" || kind === "endNote") state.text += this.note(control);
          }
        } else if (name === "switch") {
          const chosen = child(c, "case") ?? child(c, "default");
          if (chosen) inline(chosen);
        } else if (DRAWING_OBJECTS.has(name)) {
          this.drawing(c, after);
        }
      }
    };
    for (const run of children(p, "run")) inline(run);
    flush();
    out.push(...after);
  }

  /** The text of an `hp:t`: its text nodes, with the character elements spelled out. */
  private runText(t: XmlElement): string {
    let text = "";
    for (const node of t.childNodes as Iterable<XmlNode>) {
      if (node.nodeType === TEXT_NODE) {
        if (!this.deleting) text += node.textContent ?? "";
        continue;
      }
      const name = "tagName" in node ? nameOf(node as XmlElement) : "";
      if (name === "deleteBegin") this.deleting = true;
      else if (name === "deleteEnd") this.deleting = false;
      else if (this.deleting) continue;
      else if (name === "lineBreak") text += "\n";
      else if (name === "tab") text += "\t";
      else if (name === "nbSpace" || name === "fwSpace") text += " ";
      else if (name === "hyphen") text += "-";
    }
    return text;
  }

  /** Text boxes of a drawing object (also inside groups), and a text-art's text. */
  private drawing(el: XmlElement, out: HwpItem[]): void {
    const art = nameOf(el) === "textart" ? attr(el, "text") : undefined;
    if (art?.trim()) out.push({ kind: "paragraph", text: art });
    for (const c of el.children) {
      const name = nameOf(c);
      if (name === "subList") this.list(c, out);
      else if (name !== "caption") this.drawing(c, out);
    }
    const caption = child(el, "caption");
    const captionList = caption ? child(caption, "subList") : undefined;
    if (captionList) this.list(captionList, out);
  }

  private note(control: XmlElement): string {
    const items: HwpItem[] = [];
    const saved = this.deleting;
    for (const list of children(control, "subList")) this.list(list, items);
    this.deleting = saved;
    const text = items
      .flatMap((item) => (item.kind === "paragraph" ? [item.text] : []))
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    if (!text) return "";
    const n = this.notes.length + 1;
    this.notes.push(`[${n}] ${text}`);
    return `[${n}]`;
  }

  private table(tbl: XmlElement): HwpTable {
    const saved = this.deleting;
    const caption: HwpItem[] = [];
    const captionElement = child(tbl, "caption");
    const captionList = captionElement ? child(captionElement, "subList") : undefined;
    if (captionList) this.list(captionList, caption);
    const rows = children(tbl, "tr").map((tr) =>
      children(tr, "tc").map((tc) => {
        const address = child(tc, "cellAddr");
        const span = child(tc, "cellSpan");
        const items: HwpItem[] = [];
        const list = child(tc, "subList");
        if (list) this.list(list, items);
        return {
          row: intAttr(address, "rowAddr"),
          col: intAttr(address, "colAddr"),
          rowSpan: Math.max(1, intAttr(span, "rowSpan") ?? 1),
          colSpan: Math.max(1, intAttr(span, "colSpan") ?? 1),
          items,
        };
      }),
    );
    this.deleting = saved;
    const flat = rows.flat();
    const origins = new Set<string>();
    const addressed = flat.every((c) => {
      if (c.row === undefined || c.col === undefined || c.row < 0 || c.col < 0) return false;
      const key = `${c.row},${c.col}`;
      if (origins.has(key)) return false;
      origins.add(key);
      return c.row <= 0xffff && c.col <= 0xffff;
    });
    let cells: HwpCell[];
    if (addressed) {
      cells = flat.map((c) => ({
        row: c.row as number,
        col: c.col as number,
        rowSpan: c.rowSpan,
        colSpan: c.colSpan,
        items: c.items,
      }));
    } else {
      const places = placeSequential(rows);
      cells = rows.flatMap((row, r) =>
        row.map((c, k) => ({
          ...(places[r]?.[k] ?? { row: r, col: k }),
          rowSpan: c.rowSpan,
          colSpan: c.colSpan,
          items: c.items,
        })),
      );
    }
    return { kind: "table", cells, caption };
  }
}

/** An ODF-style encrypted package declares `encryption-data` for its parts. */
function isEncrypted(zip: ZipArchive): boolean {
  const manifest = zip.text("META-INF/manifest.xml");
  return manifest !== undefined && /encryption-data/i.test(manifest);
}

/**
 * True when an opened package is an HWPX document: its `mimetype` entry says
 * so, or it has section parts under Contents/.
 *
 * @example isHwpxPackage(openZip(hwpxBytes)) === true
 */
export function isHwpxPackage(zip: ZipArchive): boolean {
  const mimetype = zip.entry("mimetype");
  if (mimetype && mimetype.size < 256 && zip.text("mimetype")?.trim() === "application/hwp+zip") return true;
  return zip.entries.some((e) => /^Contents\/section\d+\.xml$/i.test(e.name));
}

/**
 * The blocks of an HWPX package, in reading order; undefined when the package
 * has no section parts.
 *
 * @throws ParseError ENCRYPTED, LIMIT_EXCEEDED (zip caps, `maxChars`), PARSE_FAILED (damaged parts)
 * @example const blocks = readHwpx(openZip(bytes), { maxChars: 50_000_000 }) ?? [];
 */
export function readHwpx(zip: ZipArchive, options: HwpxReadOptions): Block[] | undefined {
  if (isEncrypted(zip)) throw new ParseError("ENCRYPTED", "the document is password-protected");
  const parts = sectionParts(zip);
  if (parts.length === 0) return undefined;
  const reader = new SectionReader(readHeader(zip), new TextBudget(options.maxChars));
  for (const part of parts) {
    const root = readXml(zip, part);
    if (!root) throw new ParseError("PARSE_FAILED", `the file is not a valid HWPX document (empty ${part})`);
    reader.section(root);
  }
  return hwpBlocks(reader.items, reader.notes);
}
