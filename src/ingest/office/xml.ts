/**
 * @module XML parts of Office packages as a small element tree, and OPC
 * relationships between parts.
 *
 * Parsing is linkedom's XML mode (htmlparser2 underneath: entities and CDATA
 * decoded, DTDs ignored — so no entity-expansion bombs). Office XML is
 * namespaced and producers pick their own prefixes (`w:`, `ns0:`, Strict OOXML
 * uses other namespace URIs under the same prefixes), so elements and
 * attributes are matched by their **local name** (the part after the colon);
 * within one Office part the local names are unambiguous for what we read.
 *
 * The few DOM members used are typed here (like `parsers/dom.ts`): the project
 * does not load the `dom` lib.
 */
import { posix } from "node:path";
import { DOMParser } from "linkedom";
import type { ZipArchive } from "./zip.js";

export interface XmlNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<XmlNode> & Iterable<XmlNode>;
}

export interface XmlElement extends XmlNode {
  /** Qualified name as written (`w:p`). */
  readonly tagName: string;
  readonly children: ArrayLike<XmlElement> & Iterable<XmlElement>;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }> &
    Iterable<{ readonly name: string; readonly value: string }>;
  readonly parentElement: XmlElement | null;
}

/** The local name of an element or attribute name (`w:p` → `p`). */
export function localName(qualified: string): string {
  const colon = qualified.indexOf(":");
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/** The local name of an element. */
export function nameOf(el: XmlElement): string {
  return localName(el.tagName);
}

/**
 * Parse an XML part; undefined when the text has no root element.
 *
 * @example parseXml('<w:p xmlns:w="…"><w:r><w:t>Hi</w:t></w:r></w:p>')?.tagName === "w:p"
 */
export function parseXml(text: string): XmlElement | undefined {
  const doc = new DOMParser().parseFromString(text, "text/xml") as unknown as {
    documentElement: XmlElement | null;
  };
  return doc.documentElement ?? undefined;
}

/** Parse a part of a package; undefined when the part is missing or empty. */
export function readXml(zip: ZipArchive, part: string): XmlElement | undefined {
  const text = zip.text(part);
  return text === undefined ? undefined : parseXml(text);
}

/** The element children with a local name (all element children when `name` is omitted). */
export function children(el: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of el.children) if (name === undefined || nameOf(child) === name) out.push(child);
  return out;
}

/** The first element child with a local name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (nameOf(c) === name) return c;
  return undefined;
}

/** Follow a path of local names through first children: `path(tc, "tcPr", "gridSpan")`. */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = el;
  for (const name of names) at = child(at, name);
  return at;
}

/** All descendants with a local name, in document order. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (node: XmlElement): void => {
    for (const c of node.children) {
      if (nameOf(c) === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** An attribute by local name (`attr(el, "val")` finds `w:val`), or undefined. */
export function attr(el: XmlElement | undefined, name: string): string | undefined {
  if (!el) return undefined;
  for (const a of el.attributes) if (a.name === name || localName(a.name) === name) return a.value;
  return undefined;
}

/**
 * A relationship-id attribute (`r:id`, `r:embed`, `r:dm`): the prefixed one
 * wins over an unprefixed attribute of the same local name (`p:sldId` has both
 * `id="256"` and `r:id="rId2"`).
 */
export function relAttr(el: XmlElement | undefined, name = "id"): string | undefined {
  if (!el) return undefined;
  for (const a of el.attributes) if (a.name.includes(":") && localName(a.name) === name) return a.value;
  return undefined;
}

/** An integer attribute, or undefined when absent or not a number. */
export function intAttr(el: XmlElement | undefined, name: string): number | undefined {
  const value = attr(el, name);
  if (value === undefined) return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** OOXML on/off properties: present without `val`, or `val` true/1/on. */
export function isOn(el: XmlElement | undefined): boolean {
  if (!el) return false;
  const value = attr(el, "val");
  return value === undefined || value === "1" || value === "true" || value === "on";
}

/** The concatenated text of the elements with a local name (e.g. all `a:t` of a shape). */
export function textOf(el: XmlElement, name: string): string {
  return descendants(el, name)
    .map((t) => t.textContent ?? "")
    .join("");
}

/** One relationship of a part (OPC). */
export interface Relationship {
  readonly id: string;
  /** The type URI's last segment (`officeDocument`, `slide`, `image`, `notesSlide`…). */
  readonly type: string;
  /** The target part name, resolved against the source part (for internal targets). */
  readonly target: string;
  readonly external: boolean;
}

/** The relationships part of a part: `word/document.xml` → `word/_rels/document.xml.rels`. */
export function relsPartOf(part: string): string {
  const dir = posix.dirname(part);
  const base = posix.basename(part);
  return dir === "." || dir === "" ? `_rels/${base}.rels` : `${dir}/_rels/${base}.rels`;
}

/**
 * Resolve a relationship target against its source part (targets are relative
 * to the source's folder, or absolute from the package root when they start with "/").
 *
 * @example resolveTarget("ppt/slides/slide1.xml", "../media/image1.png") === "ppt/media/image1.png"
 */
export function resolveTarget(sourcePart: string, target: string): string {
  const decoded = (() => {
    try {
      return decodeURIComponent(target);
    } catch {
      return target;
    }
  })();
  if (decoded.startsWith("/")) return posix.normalize(decoded).replace(/^\/+/, "");
  const base = posix.dirname(sourcePart);
  return posix.normalize(posix.join(base === "." ? "" : base, decoded)).replace(/^\/+/, "");
}

/**
 * The relationships of a part, by id (empty when the part has none).
 *
 * @example relationships(zip, "ppt/presentation.xml").get("rId2")?.target === "ppt/slides/slide1.xml"
 */
export function relationships(zip: ZipArchive, part: string): Map<string, Relationship> {
  const rels = new Map<string, Relationship>();
  const root = readXml(zip, relsPartOf(part));
  if (!root) return rels;
  for (const rel of children(root, "Relationship")) {
    const id = attr(rel, "Id");
    const target = attr(rel, "Target");
    if (!id || target === undefined) continue;
    const external = attr(rel, "TargetMode") === "External";
    const typeUri = attr(rel, "Type") ?? "";
    rels.set(id, {
      id,
      type: typeUri.slice(typeUri.lastIndexOf("/") + 1),
      target: external ? target : resolveTarget(part, target),
      external,
    });
  }
  return rels;
}

/** The main part of the package (the `officeDocument` relationship of `_rels/.rels`), or a fallback. */
export function mainPart(zip: ZipArchive, fallback: string): string {
  for (const rel of relationships(zip, "").values()) {
    if (rel.type === "officeDocument" && !rel.external && zip.has(rel.target)) return rel.target;
  }
  return fallback;
}
