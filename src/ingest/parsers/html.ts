/**
 * @module HTML pages: main content → headings, paragraphs, list items, code and tables.
 *
 * 1. Decode: BOM / UTF-16 pattern, else `<meta charset>` (or the XML declaration), else UTF-8 / windows-1252.
 * 2. Parse (parse5-normalised, linkedom DOM) and take the main content with Mozilla
 *    Readability, unless it kept less than half of the page's non-link text (data
 *    pages such as datasheets, where Readability picks one intro cell): then the
 *    whole `<body>` is used. Boilerplate (scripts, styles, nav, page header/footer,
 *    forms controls, hidden elements) is dropped either way.
 * 3. Walk the tree in document order (iteratively: deep markup cannot overflow the stack).
 */
import {
  type Block,
  type FigureBlock,
  type ParsedDocument,
  ParseError,
  type Parser,
  type TableBlock,
} from "../types.js";
import { checkCharLimit, collapseWhitespace, emptyDocument } from "./common.js";
import {
  type DomDocument,
  type DomElement,
  type DomNode,
  isElement,
  parseDocument,
  parseFragment,
  readArticle,
  TEXT_NODE,
} from "./dom.js";
import { decodeText, normalizeNewlines } from "./text-decode.js";

/** Elements whose content is never document text. */
const SKIP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "iframe",
  "object",
  "embed",
  "svg",
  "canvas",
  "nav",
  "aside",
  "button",
  "select",
  "option",
  "input",
  "textarea",
  "head",
  "title",
  "meta",
  "link",
  "base",
  "map",
  "audio",
  "video",
  "dialog",
]);

/** Block-level elements: their content starts and ends a paragraph. */
const BLOCK = new Set([
  "address",
  "article",
  "blockquote",
  "body",
  "center",
  "dd",
  "details",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "footer",
  "form",
  "header",
  "hgroup",
  "hr",
  "html",
  "legend",
  "li",
  "main",
  "ol",
  "p",
  "section",
  "summary",
  "tr",
  "ul",
]);

const HEADING = /^h([1-6])$/;
/** Attribute carrying a heading's original level through Readability (which turns h1 into h2). */
const LEVEL_ATTRIBUTE = "data-og-level";
const MAX_COLSPAN = 50;
const MAX_ROWSPAN = 500;

function isHidden(el: DomElement): boolean {
  if (el.hasAttribute("hidden") || el.getAttribute("aria-hidden") === "true") return true;
  const style = el.getAttribute("style");
  if (style && /(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style)) return true;
  const role = el.getAttribute("role");
  return role === "navigation" || role === "search";
}

/** Page-level header/footer (banner, contentinfo) are boilerplate; an article's own header is content. */
function isPageChrome(el: DomElement): boolean {
  const role = el.getAttribute("role");
  if (role === "banner" || role === "contentinfo") return true;
  if (el.localName !== "header" && el.localName !== "footer") return false;
  return el.parentNode !== null && isElement(el.parentNode)
    ? el.parentNode.closest("article") === null
    : true;
}

function isSkipped(el: DomElement): boolean {
  return SKIP.has(el.localName) || isHidden(el) || isPageChrome(el);
}

/** Text of an element with boilerplate skipped; `<br>` and block children become spaces (collapsed). */
function elementText(root: DomElement): string {
  const parts: string[] = [];
  const stack: DomNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as DomNode;
    if (node.nodeType === TEXT_NODE) {
      parts.push(node.textContent ?? "");
      continue;
    }
    if (!isElement(node) || (node !== root && isSkipped(node))) continue;
    if (
      node.localName === "br" ||
      node.localName === "td" ||
      node.localName === "th" ||
      BLOCK.has(node.localName)
    ) {
      parts.push(" ");
    }
    const children = Array.from(node.childNodes);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as DomNode);
  }
  return collapseWhitespace(parts.join(""));
}

/** Characters of visible text outside links: how much of a page is content rather than menus. */
function nonLinkTextLength(root: DomElement): number {
  let length = 0;
  const stack: DomNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as DomNode;
    if (node.nodeType === TEXT_NODE) {
      length += collapseWhitespace(node.textContent ?? "").length;
      continue;
    }
    if (!isElement(node) || isSkipped(node) || node.localName === "a") continue;
    for (const child of Array.from(node.childNodes)) stack.push(child);
  }
  return length;
}

/** Direct rows of a table (not those of nested tables). */
function tableRows(table: DomElement): DomElement[] {
  const rows: DomElement[] = [];
  for (const child of Array.from(table.children)) {
    if (child.localName === "tr") rows.push(child);
    else if (child.localName === "thead" || child.localName === "tbody" || child.localName === "tfoot") {
      for (const row of Array.from(child.children)) if (row.localName === "tr") rows.push(row);
    }
  }
  return rows;
}

function cellsOf(row: DomElement): DomElement[] {
  return Array.from(row.children).filter((c) => c.localName === "td" || c.localName === "th");
}

function span(el: DomElement, name: string, max: number): number {
  const value = Number.parseInt(el.getAttribute(name) ?? "1", 10);
  return Number.isFinite(value) && value > 1 ? Math.min(value, max) : 1;
}

/** Cell texts on a grid: colspan repeats the text across columns, rowspan down rows. */
function tableGrid(rows: readonly DomElement[]): string[][] {
  const grid: string[][] = [];
  const pending: { text: string; left: number }[] = []; // per column: rowspan carry-over
  rows.forEach((row, r) => {
    const out: string[] = [];
    let col = 0;
    const fillPending = (): void => {
      let carry = pending[col];
      while (carry && carry.left > 0) {
        out[col] = carry.text;
        carry.left--;
        col++;
        carry = pending[col];
      }
    };
    for (const cell of cellsOf(row)) {
      fillPending();
      const text = elementText(cell);
      const colspan = span(cell, "colspan", MAX_COLSPAN);
      const rowspan = span(cell, "rowspan", MAX_ROWSPAN);
      for (let k = 0; k < colspan; k++) {
        out[col] = text;
        pending[col] = { text, left: rowspan - 1 };
        col++;
      }
    }
    fillPending();
    grid[r] = Array.from(out, (c) => c ?? "");
  });
  return grid;
}

/**
 * A data table as header + rows, or undefined for a layout table (nested
 * tables, or fewer than two non-empty rows or columns): layout tables are
 * walked as ordinary containers. Empty rows and columns (spacers) are dropped.
 */
function dataTable(table: DomElement): TableBlock | undefined {
  if (table.querySelector("table")) return undefined;
  const grid = tableGrid(tableRows(table)).filter((row) => row.some((c) => c !== ""));
  const width = Math.max(0, ...grid.map((r) => r.length));
  const keep: number[] = [];
  for (let c = 0; c < width; c++) if (grid.some((row) => (row[c] ?? "") !== "")) keep.push(c);
  if (grid.length < 2 || keep.length < 2) return undefined;
  const rows = grid.map((row) => keep.map((c) => row[c] ?? ""));
  // Repeated colspan copies of one header cell make adjacent duplicate columns; they are kept (the X-Ray dedupes keys).
  const header = (rows[0] ?? []).map((h, i) => h || `column_${i + 1}`);
  const caption = table.querySelector("caption");
  const title = caption ? elementText(caption) : "";
  return { kind: "table", header, rows: rows.slice(1), ...(title ? { title } : {}) };
}

type Role = "paragraph" | "list-item";

interface Frame {
  readonly node: DomNode;
  /** Set on the exit marker of a block element or a link. */
  readonly exit?: "block" | "list-item" | "link";
}

/** A paragraph made only of three or more links is a menu, not content. */
function isMenu(text: string, linkChars: number, links: number): boolean {
  return links >= 3 && linkChars >= text.replace(/[\s|•·>\-–—/]/g, "").length * 0.9;
}

/** Walk a content root into blocks (document order; see the module comment). */
export function domToBlocks(root: DomElement): Block[] {
  const blocks: Block[] = [];
  let inline: string[] = [];
  let listDepth = 0;
  let linkDepth = 0;
  let linkChars = 0;
  let links = 0;
  const flush = (): void => {
    const text = inline
      .join("")
      .split("\n")
      .map(collapseWhitespace)
      .filter((line) => line !== "")
      .join("\n");
    inline = [];
    const menu = isMenu(text, linkChars, links);
    linkChars = 0;
    links = 0;
    if (!text || menu) return;
    const role: Role = listDepth > 0 ? "list-item" : "paragraph";
    blocks.push({ kind: "text", role, text });
  };
  const stack: Frame[] = [{ node: root }];
  const pushChildren = (el: DomElement | DomNode): void => {
    const children = Array.from(el.childNodes);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as DomNode });
  };
  const enterBlock = (el: DomElement, listItem = false): void => {
    flush();
    if (listItem) listDepth++;
    stack.push({ node: el, exit: listItem ? "list-item" : "block" });
    pushChildren(el);
  };
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const node = frame.node;
    if (frame.exit === "link") {
      linkDepth--;
      continue;
    }
    if (frame.exit) {
      flush();
      if (frame.exit === "list-item") listDepth--;
      continue;
    }
    if (node.nodeType === TEXT_NODE) {
      const text = node.textContent ?? "";
      inline.push(text);
      if (linkDepth > 0) linkChars += text.replace(/\s/g, "").length;
      continue;
    }
    if (!isElement(node) || (node !== root && isSkipped(node))) continue;
    const tag = node.localName;
    const heading = HEADING.exec(tag);
    if (heading) {
      flush();
      const text = elementText(node);
      const level = Number(node.getAttribute(LEVEL_ATTRIBUTE) ?? heading[1]);
      if (text) blocks.push({ kind: "heading", level, text });
      continue;
    }
    if (tag === "pre") {
      flush();
      const code = (node.textContent ?? "").replace(/^\n+|\s+$/g, "");
      if (code.trim()) blocks.push({ kind: "text", role: "code", text: code });
      continue;
    }
    if (tag === "table") {
      const table = dataTable(node);
      if (table) {
        flush();
        blocks.push(table);
      } else {
        enterBlock(node);
      }
      continue;
    }
    if (tag === "figure" && !node.querySelector("table")) {
      flush();
      const captionEl = node.querySelector("figcaption");
      const caption = captionEl ? elementText(captionEl) : "";
      const alts = Array.from(node.querySelectorAll("img"))
        .map((img) => collapseWhitespace(img.getAttribute("alt") ?? ""))
        .filter((alt) => alt !== "");
      const figure: FigureBlock = {
        kind: "figure",
        ...(caption ? { caption } : {}),
        ...(alts.length > 0 ? { text: alts.join("\n") } : {}),
      };
      if (caption || alts.length > 0) blocks.push(figure);
      continue;
    }
    if (tag === "br") {
      inline.push("\n");
      continue;
    }
    if (tag === "a") {
      linkDepth++;
      links++;
      stack.push({ node, exit: "link" });
      pushChildren(node);
      continue;
    }
    if (tag === "td" || tag === "th") {
      // Cells of a layout table: a row reads as one line.
      inline.push(" ");
      pushChildren(node);
      continue;
    }
    if (tag === "li") {
      enterBlock(node, true);
      continue;
    }
    if (BLOCK.has(tag)) {
      enterBlock(node);
      continue;
    }
    pushChildren(node);
  }
  flush();
  return blocks;
}

/** Charset the page declares in its first 2 KiB (`<meta charset>`, http-equiv, XML declaration). */
export function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 2048));
  const meta = /<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head);
  if (meta?.[1]) return meta[1];
  return /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)/i.exec(head)?.[1];
}

function markHeadingLevels(document: DomDocument): void {
  for (const el of Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6"))) {
    el.setAttribute(LEVEL_ATTRIBUTE, el.localName.slice(1));
  }
}

/**
 * Parse an HTML string into blocks.
 *
 * @example parseHtmlText("<title>T</title><h1>A</h1><p>B</p>").blocks // heading "A", text "B"
 */
export function parseHtmlText(html: string): ParsedDocument {
  const document = parseDocument(html);
  const body = document.body;
  if (!body) throw emptyDocument();
  markHeadingLevels(document);
  const title = collapseWhitespace(document.title ?? "");
  const article = readArticle(document);
  const pageText = nonLinkTextLength(body);
  const articleRoot =
    article && article.textLength >= pageText * 0.5 ? parseFragment(article.contentHtml) : null;
  const blocks = domToBlocks(articleRoot ?? body);
  if (articleRoot) {
    // Readability drops an <h1> that repeats the <title>: put the page's first heading back.
    const firstH1 = body.querySelector("h1");
    const h1Text = firstH1 ? elementText(firstH1) : "";
    if (h1Text && !blocks.some((b) => b.kind === "heading" && b.text === h1Text)) {
      blocks.unshift({ kind: "heading", level: 1, text: h1Text });
    }
  }
  const firstHeading = blocks.find((b) => b.kind === "heading");
  const documentTitle = title || (firstHeading?.kind === "heading" ? firstHeading.text : "");
  return documentTitle ? { blocks, title: documentTitle } : { blocks };
}

export const htmlParser: Parser = {
  name: "html",
  formats: ["html"],
  async parse(bytes, context) {
    const text = normalizeNewlines(decodeText(bytes, declaredCharset(bytes)).text);
    checkCharLimit(text.length, context.limits);
    if (!text.trim()) throw emptyDocument();
    let parsed: ParsedDocument;
    try {
      parsed = parseHtmlText(text);
    } catch (error) {
      if (error instanceof ParseError) throw error;
      throw new ParseError(
        "PARSE_FAILED",
        `invalid HTML: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (parsed.blocks.length === 0) throw emptyDocument();
    return parsed;
  },
};
