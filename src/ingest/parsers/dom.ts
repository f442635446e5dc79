/**
 * The few DOM members the HTML parser uses, typed here because the project does
 * not load the `dom` lib (it is a server; DOM globals would be wrong elsewhere).
 * linkedom's objects satisfy these interfaces structurally.
 */
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { parse, serialize } from "parse5";

export interface DomNode {
  readonly nodeType: number;
  readonly childNodes: ArrayLike<DomNode> & Iterable<DomNode>;
  readonly textContent: string | null;
  readonly parentNode: DomNode | null;
}

export interface DomElement extends DomNode {
  /** Lower-case tag name (`ix:nonnumeric`). */
  readonly localName: string;
  readonly children: ArrayLike<DomElement> & Iterable<DomElement>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
  closest(selector: string): DomElement | null;
}

export interface DomDocument {
  readonly title: string;
  readonly body: DomElement | null;
  readonly documentElement: DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
  cloneNode(deep: boolean): DomDocument;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

/**
 * Parse HTML into a DOM. linkedom builds the tree literally from the tags it
 * sees (no implied `<html>`/`<body>`, content before `<body>` is lost), so the
 * markup is first normalised by parse5, which implements the HTML5 tree
 * construction algorithm, and serialised back.
 */
export function parseDocument(html: string): DomDocument {
  const normalized = serialize(parse(html));
  const { document } = parseHTML(normalized) as unknown as { document: DomDocument };
  return document;
}

/** Parse an HTML fragment (as the content of `<body>`). */
export function parseFragment(html: string): DomElement | null {
  return parseDocument(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`).body;
}

export interface Article {
  readonly contentHtml: string;
  readonly textLength: number;
}

/** Mozilla Readability's main content of a document (run on a clone: it mutates the tree). */
export function readArticle(document: DomDocument): Article | undefined {
  const clone = document.cloneNode(true);
  // The cast is the boundary to Readability's DOM typing (the `dom` lib is not loaded here).
  const reader = new Readability(clone as unknown as ConstructorParameters<typeof Readability>[0], {
    charThreshold: 200,
  });
  const article = reader.parse();
  if (!article?.content) return undefined;
  const text = (article.textContent ?? "").replace(/\s+/g, " ").trim();
  return { contentHtml: article.content, textLength: text.length };
}
