/**
 * @module DOCX → blocks, from the WordprocessingML directly.
 *
 * mammoth was the alternative; it was not used because it flattens what the
 * chunker needs: merged table cells (gridSpan/vMerge become an HTML table
 * without positions we can rely on), list markers and outline levels. The XML
 * is read with `./xml.ts`; what no library does is done here:
 *
 * - **Headings**: paragraph style (through `basedOn`) named "heading n" /
 *   "Title", or an outline level (style or direct). Word stores built-in style
 *   names in English whatever the UI language, so names are reliable. When the
 *   document uses Title, headings move one level down (Title = 1, Heading 1 = 2).
 *   Numbered headings keep their number ("2.1 Scope").
 * - **Lists**: `w:numPr` (direct or from the style) → list-item text prefixed
 *   with the rendered marker (`./numbering.ts`).
 * - **Tables** → TableBlock: the grid from `w:tblGrid`, `w:gridBefore`,
 *   `w:gridSpan` and `w:vMerge`. A vertically merged cell repeats its text in
 *   every row it covers (each row stays self-contained for row-wise chunks); a
 *   horizontal span repeats in the header row (a group header names each of
 *   its columns) and fills only its first column in body rows. Header = first
 *   row. Cell text = its paragraphs joined by newlines, without list markers.
 *   Nested tables are not folded into their cell: they follow the outer table
 *   as tables of their own. Empty rows and columns are dropped. A one-cell
 *   table is a frame (callout, boxed list): its content is read as body text.
 * - **Text boxes** (`wps:txbx`, VML `v:textbox`) are read like body content
 *   after the paragraph anchoring them; `mc:AlternateContent` contributes only
 *   its first `mc:Choice` (the fallback repeats the same content).
 * - **Images** → FigureBlock with the alt text (`wp:docPr` descr/title, VML
 *   alt); images without alt text are left out (nothing to index). Charts →
 *   a figure captioned with the chart title.
 * - **Code**: paragraphs in code-like styles (HTML Preformatted, Source Code…)
 *   are merged into one `code` block.
 * - **Footnotes/endnotes**: references become "[n]" in the text and the notes
 *   follow the body as "[n] text" paragraphs. Comments and headers/footers are
 *   not part of the body and are left out; deleted revisions (`w:del`) too.
 * - **Pages**: without a PDF rendering, blocks get the page Word last laid
 *   them out on (`w:lastRenderedPageBreak`), or, in documents without that
 *   information, the page counted from explicit page breaks.
 */
import type { Block, FigureBlock, HeadingBlock, TableBlock } from "../types.js";
import { usefulAltText } from "./blocks.js";
import { readChart } from "./chart.js";
import { Numbering } from "./numbering.js";
import {
  attr,
  child,
  children,
  descendants,
  intAttr,
  isOn,
  mainPart,
  nameOf,
  path,
  type Relationship,
  readXml,
  relAttr,
  relationships,
  textOf,
  type XmlElement,
} from "./xml.js";
import type { ZipArchive } from "./zip.js";

interface StyleInfo {
  readonly name: string;
  readonly basedOn?: string;
  readonly outlineLevel?: number;
  readonly numId?: string;
  readonly ilvl?: number;
}

/** Resolved paragraph style properties. */
interface ParagraphStyle {
  /** "title", or a heading level 1–9. */
  readonly heading?: "title" | number;
  readonly numId?: string;
  readonly ilvl?: number;
  readonly code: boolean;
  readonly caption: boolean;
}

const HEADING_NAME = /^heading\s*([1-9])$/i;
const TITLE_NAME = /^title$/i;
const CODE_NAME = /(^|\s)(code|source|preformatted|verbatim|listing|macro text)(\s|$)/i;
const CAPTION_NAME = /^caption$/i;

class Styles {
  private readonly byId = new Map<string, StyleInfo>();
  private readonly cache = new Map<string, ParagraphStyle>();
  private defaultId: string | undefined;

  constructor(root: XmlElement | undefined) {
    if (!root) return;
    for (const style of children(root, "style")) {
      if ((attr(style, "type") ?? "paragraph") !== "paragraph") continue;
      const id = attr(style, "styleId");
      if (!id) continue;
      const pPr = child(style, "pPr");
      const numPr = child(pPr, "numPr");
      const basedOn = attr(child(style, "basedOn"), "val");
      const outlineLevel = intAttr(child(pPr, "outlineLvl"), "val");
      const numId = attr(child(numPr, "numId"), "val");
      const ilvl = intAttr(child(numPr, "ilvl"), "val");
      this.byId.set(id, {
        name: attr(child(style, "name"), "val") ?? id,
        ...(basedOn === undefined ? {} : { basedOn }),
        ...(outlineLevel === undefined ? {} : { outlineLevel }),
        ...(numId === undefined ? {} : { numId }),
        ...(ilvl === undefined ? {} : { ilvl }),
      });
      if (attr(style, "default") === "1" || attr(style, "default") === "true") this.defaultId = id;
    }
  }

  /** The resolved properties of a paragraph style id (the default paragraph style when undefined). */
  resolve(id: string | undefined): ParagraphStyle {
    const key = id ?? this.defaultId ?? "";
    const cached = this.cache.get(key);
    if (cached) return cached;
    let heading: ParagraphStyle["heading"];
    let numId: string | undefined;
    let ilvl: number | undefined;
    let code = false;
    let caption = false;
    const seen = new Set<string>();
    // Walk the basedOn chain; the nearest style that says something wins.
    for (let at: string | undefined = key; at && !seen.has(at); ) {
      seen.add(at);
      const style = this.byId.get(at);
      const name = style?.name ?? at;
      if (heading === undefined) {
        const match = HEADING_NAME.exec(name) ?? /^heading([1-9])$/i.exec(at);
        if (match) heading = Number(match[1]);
        else if (TITLE_NAME.test(name)) heading = "title";
        else if (style?.outlineLevel !== undefined && style.outlineLevel < 9)
          heading = style.outlineLevel + 1;
      }
      if (numId === undefined && style?.numId !== undefined) numId = style.numId;
      if (ilvl === undefined && style?.ilvl !== undefined) ilvl = style.ilvl;
      if (seen.size === 1 && CODE_NAME.test(name)) code = true;
      if (CAPTION_NAME.test(name)) caption = true;
      at = style?.basedOn;
    }
    const resolved: ParagraphStyle = {
      ...(heading === undefined ? {} : { heading }),
      ...(numId === undefined ? {} : { numId }),
      ...(ilvl === undefined ? {} : { ilvl }),
      code,
      caption,
    };
    this.cache.set(key, resolved);
    return resolved;
  }
}

/** A heading before its final level is known (Title shifts the others). */
interface PendingHeading {
  readonly kind: "heading";
  readonly raw: "title" | number;
  readonly text: string;
  readonly pageNumber?: number;
}

type Draft = Exclude<Block, HeadingBlock> | PendingHeading;

/** Inline content of a paragraph: its text and what it anchors (text boxes, figures). */
interface Inline {
  text: string;
  readonly anchored: XmlElement[];
  /** Figures and chart tables anchored in the paragraph. */
  readonly figures: (FigureBlock | TableBlock)[];
}

/** The alt text of a DrawingML `wp:docPr`/`pic:cNvPr`: descr, else title ("" when none). */
function altText(docPr: XmlElement | undefined): string {
  return usefulAltText(attr(docPr, "descr")) || usefulAltText(attr(docPr, "title"));
}

class DocxReader {
  private readonly drafts: Draft[] = [];
  private readonly styles: Styles;
  private readonly numbering: Numbering;
  private readonly rels: Map<string, Relationship>;
  private readonly noteNumbers = new Map<string, number>();
  private readonly noteOrder: { kind: "footnote" | "endnote"; id: string; n: number }[] = [];
  /** Page tracking without a rendering (see the module comment). */
  private page = 1;
  private readonly renderedBreaks: boolean;
  private code: string[] = [];
  private codePage = 1;
  /** The page a rendered break moved to before any text of the current paragraph. */
  private leadingPage: number | undefined;

  constructor(
    private readonly zip: ZipArchive,
    part: string,
    private readonly root: XmlElement,
  ) {
    this.rels = relationships(zip, part);
    const target = (type: string, fallback: string): string =>
      [...this.rels.values()].find((r) => r.type === type && !r.external)?.target ?? fallback;
    this.styles = new Styles(readXml(zip, target("styles", "word/styles.xml")));
    this.numbering = new Numbering(readXml(zip, target("numbering", "word/numbering.xml")));
    this.renderedBreaks = descendants(root, "lastRenderedPageBreak").length > 0;
  }

  read(): Block[] {
    const body = child(this.root, "body");
    if (body) this.container(body);
    this.flushCode();
    this.notes();
    return this.finish();
  }

  // ---- block level -------------------------------------------------------

  /** Body-like content: paragraphs, tables, content controls. */
  private container(el: XmlElement): void {
    for (const c of el.children) {
      switch (nameOf(c)) {
        case "p":
          this.paragraph(c);
          break;
        case "tbl":
          this.flushCode();
          this.table(c);
          break;
        case "sdt":
        case "customXml":
        case "smartTag":
        case "ins":
        case "moveTo":
          this.container(child(c, "sdtContent") ?? c);
          break;
        case "AlternateContent": {
          const choice = child(c, "Choice") ?? child(c, "Fallback");
          if (choice) this.container(choice);
          break;
        }
        default:
          break;
      }
    }
  }

  private push(draft: Draft): void {
    this.drafts.push(draft);
  }

  private flushCode(): void {
    if (this.code.length === 0) return;
    const text = this.code.join("\n").replace(/^\n+|\n+$/g, "");
    if (text.trim()) this.push({ kind: "text", role: "code", text, pageNumber: this.codePage });
    this.code = [];
  }

  private paragraph(p: XmlElement): void {
    const pPr = child(p, "pPr");
    const startPage = this.page;
    const inline: Inline = { text: "", anchored: [], figures: [] };
    if (isOn(child(pPr, "pageBreakBefore"))) this.explicitBreak();
    this.inlines(p, inline);
    const style = this.styles.resolve(attr(child(pPr, "pStyle"), "val"));
    const text = inline.text.replace(/[ \t\u00a0]+\n/g, "\n").trim();
    const pageNumber = text ? this.pageAfterLeadingBreaks(startPage) : startPage;

    if (style.code && !child(pPr, "numPr")) {
      if (this.code.length === 0) this.codePage = pageNumber;
      this.code.push(inline.text.replace(/\s+$/, ""));
    } else {
      this.flushCode();
      if (text) this.emitParagraph(text, pPr, style, pageNumber);
    }
    for (const anchored of inline.anchored) this.container(anchored);
    for (const figure of inline.figures) this.push({ ...figure, pageNumber });
    // A section break that starts a new page ends this paragraph's page.
    const sectType = attr(path(pPr, "sectPr", "type"), "val");
    if (
      child(pPr, "sectPr") &&
      (sectType === undefined || sectType === "nextPage" || sectType.endsWith("Page"))
    ) {
      this.explicitBreak();
    }
  }

  /** The page of a paragraph's text: a rendered break before any text moves it to the next page. */
  private pageAfterLeadingBreaks(startPage: number): number {
    return Math.max(startPage, this.leadingPage ?? startPage);
  }

  private emitParagraph(
    text: string,
    pPr: XmlElement | undefined,
    style: ParagraphStyle,
    pageNumber: number,
  ): void {
    const outline = intAttr(child(pPr, "outlineLvl"), "val");
    const heading = outline !== undefined && outline < 9 ? outline + 1 : style.heading;
    const numPr = child(pPr, "numPr");
    const numId = attr(child(numPr, "numId"), "val") ?? style.numId;
    const ilvl = intAttr(child(numPr, "ilvl"), "val") ?? style.ilvl ?? 0;
    const marker = numId !== undefined ? this.numbering.next(numId, ilvl) : undefined;
    if (heading !== undefined) {
      this.push({ kind: "heading", raw: heading, text: marker ? `${marker} ${text}` : text, pageNumber });
      return;
    }
    if (marker !== undefined) {
      this.push({ kind: "text", role: "list-item", text: `${marker} ${text}`, pageNumber });
      return;
    }
    this.push({ kind: "text", ...(style.caption ? { role: "caption" as const } : {}), text, pageNumber });
  }

  private explicitBreak(): void {
    if (!this.renderedBreaks) this.page++;
  }

  // ---- inline level ------------------------------------------------------

  private inlines(el: XmlElement, out: Inline): void {
    this.leadingPage = undefined;
    this.walkInline(el, out);
  }

  private walkInline(el: XmlElement, out: Inline): void {
    for (const c of el.children) {
      const name = nameOf(c);
      switch (name) {
        case "pPr":
        case "rPr":
        case "del":
        case "moveFrom":
        case "delText":
        case "instrText":
        case "delInstrText":
        case "commentReference":
        case "annotationRef":
          break;
        case "t":
          out.text += c.textContent ?? "";
          break;
        case "tab":
        case "ptab":
          out.text += "\t";
          break;
        case "br":
          if (attr(c, "type") === "page") this.explicitBreak();
          else out.text += "\n";
          break;
        case "cr":
          out.text += "\n";
          break;
        case "noBreakHyphen":
          out.text += "-";
          break;
        case "sym": {
          const code = attr(c, "char");
          const n = code ? Number.parseInt(code, 16) : Number.NaN;
          // Symbol-font code points (F0xx) have no Unicode meaning of their own.
          if (Number.isFinite(n) && (n < 0xf000 || n > 0xf0ff)) out.text += String.fromCodePoint(n);
          break;
        }
        case "lastRenderedPageBreak":
          this.page++;
          if (!out.text.trim()) this.leadingPage = this.page;
          break;
        case "footnoteReference":
        case "endnoteReference": {
          const id = attr(c, "id");
          if (id !== undefined)
            out.text += `[${this.noteNumber(name === "footnoteReference" ? "footnote" : "endnote", id)}]`;
          break;
        }
        case "drawing":
          this.drawing(c, out);
          break;
        case "pict":
        case "object":
          this.vml(c, out);
          break;
        case "AlternateContent": {
          const choice = child(c, "Choice") ?? child(c, "Fallback");
          if (choice) this.walkInline(choice, out);
          break;
        }
        case "oMath":
        case "oMathPara":
          out.text += textOf(c, "t");
          break;
        case "txbxContent":
          out.anchored.push(c);
          break;
        default:
          // Runs, hyperlinks, smart tags, inserted revisions, fields, inline content controls…
          this.walkInline(c, out);
      }
    }
  }

  private noteNumber(kind: "footnote" | "endnote", id: string): number {
    const key = `${kind}:${id}`;
    let n = this.noteNumbers.get(key);
    if (n === undefined) {
      n = this.noteNumbers.size + 1;
      this.noteNumbers.set(key, n);
      this.noteOrder.push({ kind, id, n });
    }
    return n;
  }

  /** DrawingML: pictures (alt text), shapes with text boxes, groups, charts. */
  private drawing(el: XmlElement, out: Inline): void {
    for (const frame of el.children) {
      const docPr = child(frame, "docPr");
      const data = path(frame, "graphic", "graphicData");
      if (!data) continue;
      const before = out.anchored.length;
      for (const box of descendants(data, "txbxContent")) out.anchored.push(box);
      const pictures = descendants(data, "pic");
      const charts = descendants(data, "chart");
      if (charts.length > 0) {
        const rel = this.rels.get(relAttr(charts[0]) ?? "");
        const chart = rel && !rel.external ? readChart(this.zip, rel.target) : undefined;
        const alt = altText(docPr);
        if (chart) {
          out.figures.push(chart.figure);
          if (chart.table) out.figures.push(chart.table);
        } else if (alt) {
          out.figures.push({ kind: "figure", text: alt });
        }
      } else if (pictures.length > 0) {
        // One figure per drawing: a group of pictures is one figure; the frame's alt text wins.
        const texts = [altText(docPr), ...pictures.map((pic) => altText(path(pic, "nvPicPr", "cNvPr")))];
        const text = texts.find((t) => t !== "");
        if (text) out.figures.push({ kind: "figure", text });
      } else if (out.anchored.length === before) {
        const alt = altText(docPr);
        if (alt) out.figures.push({ kind: "figure", text: alt });
      }
    }
  }

  /** VML (legacy shapes, images and text boxes), and embedded objects' preview images. */
  private vml(el: XmlElement, out: Inline): void {
    for (const box of descendants(el, "txbxContent")) out.anchored.push(box);
    for (const shape of [...descendants(el, "shape"), ...descendants(el, "rect")]) {
      const image = child(shape, "imagedata");
      if (!image) continue;
      const alt = usefulAltText(attr(shape, "alt")) || usefulAltText(attr(image, "title"));
      if (alt) out.figures.push({ kind: "figure", text: alt });
    }
  }

  // ---- tables ------------------------------------------------------------

  private table(tbl: XmlElement): void {
    const rows = this.rowsOf(tbl);
    const only = rows.length === 1 && rows[0] ? this.cellsOf(rows[0]) : [];
    if (only.length === 1 && only[0]) {
      // A one-cell table is a frame around content (a callout, a boxed list), not tabular data.
      this.container(only[0]);
      return;
    }
    const nested: XmlElement[] = [];
    const gridWidth = children(child(tbl, "tblGrid") ?? tbl, "gridCol").length;
    // grid[r][c] = text; origin[c] = text of the vertical merge running in column c.
    const grid: string[][] = [];
    const spans: { row: number; col: number; width: number }[] = [];
    const vertical = new Map<number, string>();
    const page = this.page;
    for (const tr of rows) {
      const trPr = child(tr, "trPr");
      let col = intAttr(child(trPr, "gridBefore"), "val") ?? 0;
      const cells: string[] = [];
      const r = grid.length;
      for (const tc of this.cellsOf(tr)) {
        const tcPr = child(tc, "tcPr");
        const width = Math.max(1, intAttr(child(tcPr, "gridSpan"), "val") ?? 1);
        const vMerge = child(tcPr, "vMerge");
        const continues = vMerge !== undefined && (attr(vMerge, "val") ?? "continue") === "continue";
        let text: string;
        if (continues) {
          text = vertical.get(col) ?? "";
        } else {
          text = this.cellText(tc, nested);
          if (vMerge) vertical.set(col, text);
          else vertical.delete(col);
        }
        for (let i = 0; i < width; i++) cells[col + i] = text;
        if (width > 1) spans.push({ row: r, col, width });
        col += width;
      }
      grid.push(cells);
    }
    const width = Math.max(gridWidth, ...grid.map((cells) => cells.length));
    const filled = grid.map((cells) => Array.from({ length: width }, (_, c) => cells[c] ?? ""));
    // Horizontal spans fill only their first column in body rows (see the module comment).
    for (const span of spans) {
      if (span.row === 0) continue;
      const cells = filled[span.row];
      if (!cells) continue;
      for (let i = 1; i < span.width; i++) cells[span.col + i] = "";
    }
    const block = toTable(filled, page);
    if (block) this.push(block);
    for (const inner of nested) this.table(inner);
  }

  /** Rows, also those wrapped in row-level content controls or custom XML. */
  private rowsOf(tbl: XmlElement): XmlElement[] {
    const out: XmlElement[] = [];
    const walk = (el: XmlElement): void => {
      for (const c of el.children) {
        const name = nameOf(c);
        if (name === "tr") out.push(c);
        else if (name === "sdt" || name === "customXml" || name === "sdtContent") walk(c);
      }
    };
    walk(tbl);
    return out;
  }

  private cellsOf(tr: XmlElement): XmlElement[] {
    const out: XmlElement[] = [];
    const walk = (el: XmlElement): void => {
      for (const c of el.children) {
        const name = nameOf(c);
        if (name === "tc") out.push(c);
        else if (name === "sdt" || name === "customXml" || name === "sdtContent") walk(c);
      }
    };
    walk(tr);
    return out;
  }

  /** A cell's paragraphs joined by newlines; nested tables are set aside for later. */
  private cellText(tc: XmlElement, nested: XmlElement[]): string {
    const lines: string[] = [];
    const walk = (el: XmlElement): void => {
      for (const c of el.children) {
        const name = nameOf(c);
        if (name === "p") {
          const inline: Inline = { text: "", anchored: [], figures: [] };
          this.inlines(c, inline);
          const text = inline.text.trim();
          if (text) lines.push(text);
          for (const box of inline.anchored) walk(box);
        } else if (name === "tbl") {
          nested.push(c);
        } else if (name === "sdt" || name === "customXml" || name === "sdtContent") {
          walk(child(c, "sdtContent") ?? c);
        }
      }
    };
    walk(tc);
    return lines.join("\n");
  }

  // ---- notes and finish --------------------------------------------------

  private notes(): void {
    if (this.noteOrder.length === 0) return;
    const parts = {
      footnote: this.notesOf("footnotes", "footnote"),
      endnote: this.notesOf("endnotes", "endnote"),
    };
    for (const note of this.noteOrder) {
      const el = parts[note.kind].get(note.id);
      if (!el) continue;
      const lines: string[] = [];
      for (const p of descendants(el, "p")) {
        const inline: Inline = { text: "", anchored: [], figures: [] };
        const saved = this.page;
        this.inlines(p, inline);
        this.page = saved;
        const text = inline.text.trim();
        if (text) lines.push(text);
      }
      const text = lines.join("\n").trim();
      if (text) this.push({ kind: "text", text: `[${note.n}] ${text}` });
    }
  }

  private notesOf(type: "footnotes" | "endnotes", element: string): Map<string, XmlElement> {
    const notes = new Map<string, XmlElement>();
    const rel = [...this.rels.values()].find((r) => r.type === type && !r.external);
    const root = readXml(this.zip, rel?.target ?? `word/${type}.xml`);
    if (!root) return notes;
    for (const note of children(root, element)) {
      const id = attr(note, "id");
      if (id !== undefined) notes.set(id, note);
    }
    return notes;
  }

  private finish(): Block[] {
    const hasTitle = this.drafts.some((d) => d.kind === "heading" && d.raw === "title");
    const paged = this.page > 1;
    return this.drafts.map((draft): Block => {
      const pageNumber = paged && draft.pageNumber !== undefined ? { pageNumber: draft.pageNumber } : {};
      if (draft.kind === "heading") {
        const level = draft.raw === "title" ? 1 : Math.min(6, draft.raw + (hasTitle ? 1 : 0));
        return { kind: "heading", level, text: draft.text, ...pageNumber };
      }
      const { pageNumber: _page, ...rest } = draft;
      return { ...rest, ...pageNumber } as Block;
    });
  }
}

/** Grid → TableBlock (first row = header), empty rows/columns dropped; undefined when no text. */
function toTable(grid: readonly (readonly string[])[], pageNumber?: number): TableBlock | undefined {
  const rows = grid.filter((cells) => cells.some((c) => c.trim() !== ""));
  if (rows.length === 0) return undefined;
  const width = Math.max(...rows.map((r) => r.length));
  const keep = Array.from({ length: width }, (_, c) => rows.some((r) => (r[c] ?? "").trim() !== ""));
  const cut = rows.map((r) => keep.flatMap((k, c) => (k ? [(r[c] ?? "").trim()] : [])));
  const [header = [], ...body] = cut;
  return { kind: "table", header, rows: body, ...(pageNumber === undefined ? {} : { pageNumber }) };
}

/**
 * The blocks of a DOCX package, in reading order; undefined when the package
 * has no main document part.
 *
 * @throws ParseError LIMIT_EXCEEDED / PARSE_FAILED from the zip layer
 * @example const blocks = readDocx(openZip(bytes)) ?? [];
 */
export function readDocx(zip: ZipArchive): Block[] | undefined {
  const part = mainPart(zip, "word/document.xml");
  const root = readXml(zip, part);
  if (!root) return undefined;
  return new DocxReader(zip, part, root).read();
}
