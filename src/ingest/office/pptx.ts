/**
 * @module PPTX → blocks, one page per slide, from the PresentationML directly
 * (no maintained Node library extracts slide structure; this is what one would
 * write on top of any of them).
 *
 * - **Slides** in presentation order (`p:sldIdLst`), hidden slides included;
 *   every block gets `pageNumber` = the slide's position (1-based).
 * - **Reading order**: the title placeholder first, then the shapes by
 *   position — banded top to bottom (tops within 4% of the slide height form
 *   a band), left to right within a band. A group shape is ordered as a unit
 *   by its bounding box and its children are ordered the same way inside it.
 *   Placeholders without their own `a:xfrm` take the position of the matching
 *   placeholder (idx, then type) of the slide layout, then of the master.
 * - **Text**: title (`title`/`ctrTitle`) → HeadingBlock level 1; a shape's
 *   consecutive plain paragraphs → one TextBlock; bulleted or numbered
 *   paragraphs → list items with their marker. Whether a paragraph has a
 *   bullet follows the inheritance PowerPoint applies: the paragraph, the
 *   shape's list style, the layout and master placeholders, the master's body
 *   or other text style. Date, footer and slide-number placeholders are left out.
 * - **Tables** (`a:tbl`) → TableBlock with the same merge policy as DOCX
 *   (vertical merges repeat, horizontal merges repeat in the header row only).
 * - **Pictures** → FigureBlock with the alt text (`descr`, else `title`);
 *   pictures without alt text are left out. **Charts** → a figure with the
 *   chart title and type plus a table of the cached data (`./chart.ts`).
 *   **SmartArt** → its text, one list item per node.
 * - **Speaker notes** (the notes slide's body placeholder) → a TextBlock
 *   starting "Speaker notes:" after the slide's content.
 */
import type { Block, FigureBlock, TableBlock } from "../types.js";
import { usefulAltText } from "./blocks.js";
import { readChart } from "./chart.js";
import { formatNumber } from "./numbering.js";
import {
  attr,
  child,
  children,
  descendants,
  intAttr,
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

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A placeholder's identity on a slide. */
interface Placeholder {
  readonly type: string;
  readonly idx: string | undefined;
}

/** The placeholders of a layout or master: position and list style. */
interface PlaceholderSet {
  readonly byIdx: Map<string, XmlElement>;
  readonly byType: Map<string, XmlElement>;
}

/** One positioned piece of slide content before reading-order sorting. */
interface Item {
  readonly rect: Rect | undefined;
  readonly title: boolean;
  readonly blocks: Block[];
}

const SKIPPED_PLACEHOLDERS = new Set(["dt", "ftr", "sldNum", "hdr", "sldImg"]);
const TITLE_PLACEHOLDERS = new Set(["title", "ctrTitle"]);
const BAND = 0.04;

function placeholderOf(shape: XmlElement): Placeholder | undefined {
  const nv = children(shape).find((c) => nameOf(c).startsWith("nv"));
  const ph = path(nv, "nvPr", "ph");
  if (!ph) return undefined;
  return { type: attr(ph, "type") ?? "body", idx: attr(ph, "idx") };
}

function xfrmRect(xfrm: XmlElement | undefined): Rect | undefined {
  const off = child(xfrm, "off");
  const ext = child(xfrm, "ext");
  if (!off || !ext) return undefined;
  return {
    x: intAttr(off, "x") ?? 0,
    y: intAttr(off, "y") ?? 0,
    w: intAttr(ext, "cx") ?? 0,
    h: intAttr(ext, "cy") ?? 0,
  };
}

/** The `a:xfrm` of a shape, picture, group or graphic frame. */
function ownRect(shape: XmlElement): Rect | undefined {
  const name = nameOf(shape);
  if (name === "graphicFrame") return xfrmRect(child(shape, "xfrm"));
  const props = child(shape, name === "grpSp" ? "grpSpPr" : "spPr");
  return xfrmRect(child(props, "xfrm"));
}

function readPlaceholders(root: XmlElement | undefined): PlaceholderSet {
  const set: PlaceholderSet = { byIdx: new Map(), byType: new Map() };
  const tree = path(root, "cSld", "spTree");
  if (!tree) return set;
  for (const shape of descendants(tree, "sp")) {
    const ph = placeholderOf(shape);
    if (!ph) continue;
    if (ph.idx !== undefined && !set.byIdx.has(ph.idx)) set.byIdx.set(ph.idx, shape);
    if (!set.byType.has(ph.type)) set.byType.set(ph.type, shape);
  }
  return set;
}

function findPlaceholder(set: PlaceholderSet, ph: Placeholder): XmlElement | undefined {
  const byIdx = ph.idx !== undefined ? set.byIdx.get(ph.idx) : undefined;
  if (byIdx) return byIdx;
  const type = ph.type === "ctrTitle" ? "title" : ph.type === "subTitle" ? "body" : ph.type;
  return set.byType.get(ph.type) ?? set.byType.get(type);
}

/** The group transform: child coordinates → parent coordinates. */
function groupTransform(group: XmlElement): (r: Rect) => Rect {
  const xfrm = path(group, "grpSpPr", "xfrm");
  const outer = xfrmRect(xfrm);
  const chOff = child(xfrm, "chOff");
  const chExt = child(xfrm, "chExt");
  if (!outer || !chOff || !chExt) return (r) => r;
  const cx = intAttr(chOff, "x") ?? 0;
  const cy = intAttr(chOff, "y") ?? 0;
  const sx = (intAttr(chExt, "cx") ?? 0) > 0 ? outer.w / (intAttr(chExt, "cx") ?? 1) : 1;
  const sy = (intAttr(chExt, "cy") ?? 0) > 0 ? outer.h / (intAttr(chExt, "cy") ?? 1) : 1;
  return (r) => ({ x: outer.x + (r.x - cx) * sx, y: outer.y + (r.y - cy) * sy, w: r.w * sx, h: r.h * sy });
}

function union(rects: readonly Rect[]): Rect | undefined {
  if (rects.length === 0) return undefined;
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.w));
  const y1 = Math.max(...rects.map((r) => r.y + r.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * Order items for reading: title first, then bands of similar top, left to right.
 *
 * @example readingOrder(items, slideHeight)
 */
export function readingOrder<T extends { rect: Rect | undefined; title: boolean }>(
  items: readonly T[],
  height: number,
): T[] {
  const titles = items.filter((i) => i.title);
  const rest = items.filter((i) => !i.title);
  const positioned = rest
    .map((item, order) => ({ item, order, rect: item.rect }))
    .sort(
      (a, b) =>
        (a.rect?.y ?? Number.MAX_SAFE_INTEGER) - (b.rect?.y ?? Number.MAX_SAFE_INTEGER) || a.order - b.order,
    );
  const tolerance = Math.max(1, height * BAND);
  const out: T[] = [...titles];
  let band: typeof positioned = [];
  const flush = (): void => {
    band.sort((a, b) => (a.rect?.x ?? 0) - (b.rect?.x ?? 0) || a.order - b.order);
    out.push(...band.map((b) => b.item));
    band = [];
  };
  for (const entry of positioned) {
    const top = band[0]?.rect?.y;
    if (band.length > 0 && (entry.rect === undefined || top === undefined || entry.rect.y - top > tolerance))
      flush();
    band.push(entry);
  }
  flush();
  return out;
}

/** Bullet kinds a paragraph property set can decide. */
type Bullet =
  | { kind: "none" }
  | { kind: "char"; char: string }
  | { kind: "auto"; type: string; start: number };

function bulletOf(pPr: XmlElement | undefined): Bullet | undefined {
  if (!pPr) return undefined;
  if (child(pPr, "buNone")) return { kind: "none" };
  const buChar = child(pPr, "buChar");
  if (buChar) return { kind: "char", char: attr(buChar, "char") ?? "•" };
  const auto = child(pPr, "buAutoNum");
  if (auto)
    return { kind: "auto", type: attr(auto, "type") ?? "arabicPeriod", start: intAttr(auto, "startAt") ?? 1 };
  if (child(pPr, "buBlip")) return { kind: "char", char: "•" };
  return undefined;
}

/** `a:buAutoNum` type → marker, e.g. arabicPeriod 3 → "3.", alphaLcParenR 2 → "b)". */
function autoMarker(type: string, n: number): string {
  const format = type.startsWith("alphaLc")
    ? "lowerLetter"
    : type.startsWith("alphaUc")
      ? "upperLetter"
      : type.startsWith("romanLc")
        ? "lowerRoman"
        : type.startsWith("romanUc")
          ? "upperRoman"
          : "decimal";
  const value = formatNumber(n, format);
  if (type.endsWith("ParenBoth")) return `(${value})`;
  if (type.endsWith("ParenR")) return `${value})`;
  if (type.endsWith("Plain")) return value;
  return `${value}.`;
}

function bulletGlyph(char: string): string {
  return /[\uE000-\uF8FF]/.test(char) || char.trim() === "" ? "•" : char;
}

/** The text of a paragraph: runs, line breaks and fields. */
function paragraphText(p: XmlElement): string {
  let text = "";
  for (const c of p.children) {
    const name = nameOf(c);
    if (name === "r" || name === "fld") text += textOf(c, "t");
    else if (name === "br") text += "\n";
    else if (name === "AlternateContent") text += textOf(child(c, "Choice") ?? c, "t");
  }
  return text;
}

class SlideReader {
  private readonly rels: Map<string, Relationship>;
  private readonly layout: PlaceholderSet;
  private readonly master: PlaceholderSet;
  private readonly masterRoot: XmlElement | undefined;

  constructor(
    private readonly zip: ZipArchive,
    part: string,
    private readonly pageNumber: number,
    private readonly height: number,
    private readonly layoutCache: Map<string, { set: PlaceholderSet; master: string | undefined }>,
    private readonly masterCache: Map<string, { set: PlaceholderSet; root: XmlElement | undefined }>,
  ) {
    this.rels = relationships(zip, part);
    const layoutPart = [...this.rels.values()].find((r) => r.type === "slideLayout")?.target;
    const layout = layoutPart ? this.layoutInfo(layoutPart) : undefined;
    this.layout = layout?.set ?? { byIdx: new Map(), byType: new Map() };
    const master = layout?.master ? this.masterInfo(layout.master) : undefined;
    this.master = master?.set ?? { byIdx: new Map(), byType: new Map() };
    this.masterRoot = master?.root;
  }

  private layoutInfo(part: string): { set: PlaceholderSet; master: string | undefined } {
    let info = this.layoutCache.get(part);
    if (!info) {
      const masterPart = [...relationships(this.zip, part).values()].find(
        (r) => r.type === "slideMaster",
      )?.target;
      info = { set: readPlaceholders(readXml(this.zip, part)), master: masterPart };
      this.layoutCache.set(part, info);
    }
    return info;
  }

  private masterInfo(part: string): { set: PlaceholderSet; root: XmlElement | undefined } {
    let info = this.masterCache.get(part);
    if (!info) {
      const root = readXml(this.zip, part);
      info = { set: readPlaceholders(root), root };
      this.masterCache.set(part, info);
    }
    return info;
  }

  read(root: XmlElement): Block[] {
    const tree = path(root, "cSld", "spTree");
    const items = tree ? this.shapes(tree, (r) => r) : [];
    const blocks = readingOrder(items, this.height).flatMap((item) => item.blocks);
    const notes = this.notes();
    if (notes) blocks.push({ kind: "text", text: `Speaker notes: ${notes}` });
    return blocks.map((block) => ({ ...block, pageNumber: this.pageNumber }));
  }

  /** The items of a shape tree or group, each positioned in slide coordinates. */
  private shapes(tree: XmlElement, transform: (r: Rect) => Rect): Item[] {
    const items: Item[] = [];
    for (const shape of tree.children) {
      const name = nameOf(shape);
      if (name === "AlternateContent") {
        const choice = child(shape, "Choice") ?? child(shape, "Fallback");
        if (choice) items.push(...this.shapes(choice, transform));
        continue;
      }
      const item = this.shape(shape, name, transform);
      if (item && item.blocks.length > 0) items.push(item);
    }
    return items;
  }

  private shape(shape: XmlElement, name: string, transform: (r: Rect) => Rect): Item | undefined {
    switch (name) {
      case "sp":
        return this.textShape(shape, transform);
      case "grpSp": {
        const inner = groupTransform(shape);
        const children_ = this.shapes(shape, (r) => transform(inner(r)));
        const rect = union(children_.flatMap((c) => (c.rect ? [c.rect] : [])));
        return { rect, title: false, blocks: readingOrder(children_, this.height).flatMap((c) => c.blocks) };
      }
      case "graphicFrame":
        return this.graphicFrame(shape, transform);
      case "pic": {
        const nv = path(shape, "nvPicPr", "cNvPr");
        const text = usefulAltText(attr(nv, "descr")) || usefulAltText(attr(nv, "title"));
        const rect = this.rectOf(shape, transform);
        return { rect, title: false, blocks: text ? [{ kind: "figure", text } satisfies FigureBlock] : [] };
      }
      default:
        return undefined;
    }
  }

  private rectOf(shape: XmlElement, transform: (r: Rect) => Rect, ph?: Placeholder): Rect | undefined {
    const own = ownRect(shape);
    if (own) return transform(own);
    if (!ph) return undefined;
    // The layout's placeholder may itself inherit its position from the master's.
    for (const set of [this.layout, this.master]) {
      const inherited = findPlaceholder(set, ph);
      const rect = inherited ? ownRect(inherited) : undefined;
      if (rect) return transform(rect);
    }
    return undefined;
  }

  private textShape(shape: XmlElement, transform: (r: Rect) => Rect): Item | undefined {
    const ph = placeholderOf(shape);
    if (ph && SKIPPED_PLACEHOLDERS.has(ph.type)) return undefined;
    const body = child(shape, "txBody");
    if (!body) return undefined;
    const rect = this.rectOf(shape, transform, ph);
    if (ph && TITLE_PLACEHOLDERS.has(ph.type)) {
      const text = children(body, "p").map(paragraphText).join(" ").replace(/\s+/g, " ").trim();
      return { rect, title: true, blocks: text ? [{ kind: "heading", level: 1, text }] : [] };
    }
    return { rect, title: false, blocks: this.paragraphs(body, ph) };
  }

  /** List-style levels that may decide a paragraph's bullet, nearest first. */
  private inheritedStyles(
    body: XmlElement,
    ph: Placeholder | undefined,
    level: number,
  ): (XmlElement | undefined)[] {
    const lvl = `lvl${level + 1}pPr`;
    const styles: (XmlElement | undefined)[] = [path(body, "lstStyle", lvl)];
    if (ph) {
      for (const set of [this.layout, this.master]) {
        const inherited = findPlaceholder(set, ph);
        styles.push(path(inherited, "txBody", "lstStyle", lvl));
      }
      const kind = TITLE_PLACEHOLDERS.has(ph.type)
        ? "titleStyle"
        : ph.type === "body" || ph.type === "obj"
          ? "bodyStyle"
          : "otherStyle";
      styles.push(path(this.masterRoot, "txStyles", kind, lvl));
    } else {
      styles.push(path(this.masterRoot, "txStyles", "otherStyle", lvl));
    }
    return styles;
  }

  private paragraphs(body: XmlElement, ph: Placeholder | undefined): Block[] {
    const blocks: Block[] = [];
    let plain: string[] = [];
    const counters: number[] = [];
    const flush = (): void => {
      const text = plain.join("\n").trim();
      if (text) blocks.push({ kind: "text", text });
      plain = [];
    };
    for (const p of children(body, "p")) {
      const text = paragraphText(p).trim();
      const pPr = child(p, "pPr");
      const level = Math.max(0, Math.min(8, intAttr(pPr, "lvl") ?? 0));
      let bullet = bulletOf(pPr);
      for (const style of this.inheritedStyles(body, ph, level)) {
        if (bullet) break;
        bullet = bulletOf(style);
      }
      if (!text) continue;
      if (!bullet || bullet.kind === "none") {
        counters.length = 0;
        plain.push(text);
        continue;
      }
      flush();
      let marker: string;
      if (bullet.kind === "auto") {
        counters.length = level + 1;
        counters[level] = counters[level] === undefined ? bullet.start : (counters[level] ?? 0) + 1;
        marker = autoMarker(bullet.type, counters[level] ?? bullet.start);
      } else {
        counters.length = level;
        marker = bulletGlyph(bullet.char);
      }
      blocks.push({ kind: "text", role: "list-item", text: `${marker} ${text}` });
    }
    flush();
    return blocks;
  }

  private graphicFrame(frame: XmlElement, transform: (r: Rect) => Rect): Item | undefined {
    const data = path(frame, "graphic", "graphicData");
    if (!data) return undefined;
    const rect = this.rectOf(frame, transform);
    const alt = usefulAltText(attr(path(frame, "nvGraphicFramePr", "cNvPr"), "descr"));
    const tbl = child(data, "tbl");
    if (tbl) {
      const table = readTable(tbl);
      return { rect, title: false, blocks: table ? [table] : [] };
    }
    const chart = child(data, "chart");
    if (chart) {
      const rel = this.rels.get(relAttr(chart) ?? "");
      const content = rel && !rel.external ? readChart(this.zip, rel.target) : undefined;
      const blocks: Block[] = [];
      if (content) {
        blocks.push(alt && !content.figure.text ? { ...content.figure, text: alt } : content.figure);
        if (content.table) blocks.push(content.table);
      } else if (alt) {
        blocks.push({ kind: "figure", text: alt });
      }
      return { rect, title: false, blocks };
    }
    const diagram = child(data, "relIds");
    if (diagram) {
      const rel = this.rels.get(relAttr(diagram, "dm") ?? "");
      const root = rel && !rel.external ? readXml(this.zip, rel.target) : undefined;
      return { rect, title: false, blocks: root ? smartArt(root) : [] };
    }
    return alt ? { rect, title: false, blocks: [{ kind: "figure", text: alt }] } : undefined;
  }

  private notes(): string | undefined {
    const rel = [...this.rels.values()].find((r) => r.type === "notesSlide" && !r.external);
    const root = rel ? readXml(this.zip, rel.target) : undefined;
    const tree = path(root, "cSld", "spTree");
    if (!tree) return undefined;
    const texts: string[] = [];
    for (const shape of descendants(tree, "sp")) {
      const ph = placeholderOf(shape);
      if (ph?.type !== "body") continue;
      const body = child(shape, "txBody");
      if (!body) continue;
      const text = children(body, "p")
        .map((p) => paragraphText(p).trim())
        .filter((t) => t !== "")
        .join("\n");
      if (text) texts.push(text);
    }
    return texts.length > 0 ? texts.join("\n") : undefined;
  }
}

/** A DrawingML table (`a:tbl`) → TableBlock (merge policy: see the module comment). */
export function readTable(tbl: XmlElement): TableBlock | undefined {
  const grid: string[][] = [];
  const above: string[] = [];
  children(tbl, "tr").forEach((tr, r) => {
    const cells: string[] = [];
    let spanText = "";
    children(tr, "tc").forEach((tc, c) => {
      const body = child(tc, "txBody");
      const own = body
        ? children(body, "p")
            .map((p) => paragraphText(p).trim())
            .filter((t) => t !== "")
            .join("\n")
        : "";
      let text = own;
      if (attr(tc, "vMerge") === "1") text = above[c] ?? "";
      else if (attr(tc, "hMerge") === "1") text = r === 0 ? spanText : "";
      else spanText = own;
      if (attr(tc, "hMerge") !== "1" || r === 0) above[c] = text;
      cells[c] = text;
    });
    grid.push(cells);
  });
  const rows = grid.filter((cells) => cells.some((c) => c.trim() !== ""));
  if (rows.length === 0) return undefined;
  const width = Math.max(...rows.map((r) => r.length));
  const keep = Array.from({ length: width }, (_, c) => rows.some((r) => (r[c] ?? "").trim() !== ""));
  const cut = rows.map((r) => keep.flatMap((k, c) => (k ? [r[c] ?? ""] : [])));
  const [header = [], ...body] = cut;
  return { kind: "table", header, rows: body };
}

/** SmartArt data model → one list item per node with text (connections carry none). */
function smartArt(root: XmlElement): Block[] {
  const blocks: Block[] = [];
  for (const pt of descendants(root, "pt")) {
    const type = attr(pt, "type") ?? "node";
    if (type !== "node") continue;
    const body = child(pt, "t");
    const text = body
      ? children(body, "p")
          .map((p) => paragraphText(p).trim())
          .filter((t) => t !== "")
          .join(" ")
      : "";
    if (text) blocks.push({ kind: "text", role: "list-item", text: `• ${text}` });
  }
  return blocks;
}

/** The slides of a presentation: part names in order. */
export function slideParts(zip: ZipArchive, presentationPart: string, presentation: XmlElement): string[] {
  const rels = relationships(zip, presentationPart);
  const parts: string[] = [];
  for (const id of children(child(presentation, "sldIdLst") ?? presentation, "sldId")) {
    const rel = rels.get(relAttr(id) ?? "");
    if (rel && !rel.external && rel.type === "slide") parts.push(rel.target);
  }
  return parts;
}

export interface PptxContent {
  readonly blocks: Block[];
  readonly slides: number;
}

/**
 * The blocks of a PPTX package, slide by slide.
 *
 * Nothing is read when there are more slides than `maxSlides` (`slides` says how many).
 *
 * @example const { blocks, slides } = readPptx(zip, "ppt/presentation.xml", 2000) ?? { blocks: [], slides: 0 };
 */
export function readPptx(
  zip: ZipArchive,
  presentationPart: string,
  maxSlides: number,
): PptxContent | undefined {
  const presentation = readXml(zip, presentationPart);
  if (!presentation) return undefined;
  const height = intAttr(child(presentation, "sldSz"), "cy") ?? 6858000;
  const parts = slideParts(zip, presentationPart, presentation);
  if (parts.length > maxSlides) return { blocks: [], slides: parts.length };
  const layoutCache = new Map<string, { set: PlaceholderSet; master: string | undefined }>();
  const masterCache = new Map<string, { set: PlaceholderSet; root: XmlElement | undefined }>();
  const blocks: Block[] = [];
  parts.forEach((part, i) => {
    const root = readXml(zip, part);
    if (!root) return;
    blocks.push(...new SlideReader(zip, part, i + 1, height, layoutCache, masterCache).read(root));
  });
  return { blocks, slides: parts.length };
}
