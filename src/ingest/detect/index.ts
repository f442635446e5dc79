/**
 * @module Format detection: what parser a document goes to.
 *
 * Evidence, strongest first (STYLE.md habit 12: trust magic bytes, not names):
 * 1. binary signatures (pdf, images, zip → docx/pptx/xlsx by entry names, or
 *    hwp by its `mimetype`; a compound file → hwp when it holds an HWP
 *    FileHeader — other compound files stay undecided);
 * 2. decisive text signatures: SVG root, HTML doctype/`<html>`/`<head>`/`<body>`,
 *    JSON that parses;
 * 3. a weaker HTML hint (the text starts with a common HTML tag), unless the
 *    declared type or the extension says the file is plain text/Markdown/CSV;
 * 4. the declared `fileType` (with aliases), then the file-name extension;
 *    a text type is not accepted for bytes that look binary;
 * 5. any other text → txt. Undefined when nothing fits.
 */

import { decodeText, looksBinary } from "../parsers/text-decode.js";
import { DOCUMENT_TYPE_ALIASES, DOCUMENT_TYPES, type DocumentType, type SourceFormat } from "../types.js";
import { detectBinary } from "./magic.js";

const TEXT_FORMATS: ReadonlySet<SourceFormat> = new Set<SourceFormat>(["txt", "csv", "tsv", "json", "html"]);

const EXTRA_ALIASES: Readonly<Record<string, SourceFormat>> = {
  htm: "html",
  html: "html",
  xhtml: "html",
  md: "txt",
  markdown: "txt",
  text: "txt",
  jfif: "jpg",
};

/** Above this size a JSON-looking text is not parsed during detection; its shape decides. */
const MAX_JSON_SNIFF_BYTES = 16 * 1024 * 1024;

/** XML declaration, comments and whitespace that may precede the root element. */
const PROLOG = String.raw`^(?:\s|<\?xml[^>]*\?>|<!--[\s\S]*?-->)*`;
const SVG_RE = new RegExp(
  `${PROLOG}(?:<!doctype\\s+svg[^>]*>\\s*)?(?:<!--[\\s\\S]*?-->\\s*)*<svg[\\s>]`,
  "i",
);
const HTML_STRONG_RE = new RegExp(`${PROLOG}(?:<!doctype\\s+html|<html[\\s>]|<head[\\s>]|<body[\\s>])`, "i");
const HTML_WEAK_RE = new RegExp(
  `${PROLOG}<(?:meta|title|link|script|style|div|p|h[1-6]|table|span|a|ul|ol|section|article|header|footer|nav|main|form|iframe|img|br|pre|center|font|b|i|strong|em)[\\s>/]`,
  "i",
);

/** A declared `fileType` (any case, with or without dot, aliases allowed) as a SourceFormat. */
export function normalizeDeclaredType(declared: string | undefined): SourceFormat | undefined {
  if (!declared) return undefined;
  const key = declared.trim().toLowerCase().replace(/^\./, "");
  if ((DOCUMENT_TYPES as readonly string[]).includes(key)) return key as DocumentType;
  return DOCUMENT_TYPE_ALIASES[key] ?? EXTRA_ALIASES[key];
}

/** The format a file-name extension suggests (`report.PDF` → pdf, `page.htm` → html, `notes.md` → txt). */
export function formatFromFileName(fileName: string | undefined): SourceFormat | undefined {
  if (!fileName) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  if (dot <= 0 && !base.startsWith(".")) return undefined;
  return normalizeDeclaredType(base.slice(dot + 1));
}

/** The first 8 KiB as text (BOM, UTF-16 and UTF-32 handled); only ASCII signatures are looked for. */
function decodeHead(bytes: Uint8Array): string {
  return decodeText(bytes.subarray(0, 8192)).text;
}

function lastNonSpaceByte(bytes: Uint8Array): number | undefined {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = bytes[i] ?? 0;
    // Also skip NULs so that UTF-16/32 trailing bytes do not hide the last character.
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x00) return b;
  }
  return undefined;
}

function looksLikeJson(head: string, bytes: Uint8Array): boolean {
  const first = head.trimStart()[0];
  if (first !== "{" && first !== "[") return false;
  const last = lastNonSpaceByte(bytes);
  if (last !== 0x7d && last !== 0x5d) return false;
  if (bytes.length > MAX_JSON_SNIFF_BYTES) {
    // Too large to parse just to detect: the opening tokens decide.
    return /^\s*(?:\{\s*(?:"|\})|\[\s*(?:[[{"\]\d-]|true|false|null))/.test(head);
  }
  try {
    JSON.parse(decodeText(bytes).text);
    return true;
  } catch {
    return false;
  }
}

type TextSniff = "svg" | "html" | "html-weak" | "json" | undefined;

function sniffText(bytes: Uint8Array): TextSniff {
  const head = decodeHead(bytes);
  if (SVG_RE.test(head)) return "svg";
  if (HTML_STRONG_RE.test(head)) return "html";
  if (looksLikeJson(head, bytes)) return "json";
  if (HTML_WEAK_RE.test(head)) return "html-weak";
  return undefined;
}

/**
 * Detect the format of a document.
 *
 * @param declared the `fileType` the client sent (aliases such as "jpeg" accepted)
 * @param fileName used for its extension when neither the bytes nor `declared` decide
 * @example detectFormat(pdfBytes) === "pdf"; detectFormat(textBytes, undefined, "a.tsv") === "tsv"
 */
export function detectFormat(
  bytes: Uint8Array,
  declared?: string,
  fileName?: string,
): SourceFormat | undefined {
  const binary = detectBinary(bytes);
  if (binary) return binary;
  const declaredFormat = normalizeDeclaredType(declared);
  const extensionFormat = formatFromFileName(fileName);
  const binaryLooking = looksBinary(bytes);
  if (!binaryLooking && bytes.length > 0) {
    const sniffed = sniffText(bytes);
    if (sniffed === "svg" || sniffed === "html" || sniffed === "json") return sniffed;
    if (sniffed === "html-weak") {
      // Markdown often starts with an HTML tag: a plain-text extension (or, without a
      // telling extension, a declared text type) keeps the file as text.
      const claim = extensionFormat ?? declaredFormat;
      if (claim === undefined || claim === "html" || !TEXT_FORMATS.has(claim)) return "html";
    }
  }
  for (const candidate of [declaredFormat, extensionFormat]) {
    if (candidate === undefined) continue;
    if (binaryLooking && TEXT_FORMATS.has(candidate)) continue;
    return candidate;
  }
  if (bytes.length > 0 && !binaryLooking) return "txt";
  return undefined;
}

const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * Why a file of a recognisable but unsupported kind cannot be parsed, or
 * undefined: legacy Office files (an OLE container: .doc, .xls, .ppt, .msg),
 * OpenDocument and EPUB packages (zips named by their `mimetype` entry).
 * HWP documents (an OLE container too, or a zip) are supported: undefined.
 *
 * @example unsupportedReason(docBytes) // "legacy Microsoft Office files (.doc, .xls, .ppt, .msg) are not supported: …"
 */
export function unsupportedReason(bytes: Uint8Array): string | undefined {
  if (detectBinary(bytes) === "hwp") return undefined;
  if (CFB_SIGNATURE.every((b, i) => bytes[i] === b)) {
    return "legacy Microsoft Office files (.doc, .xls, .ppt, .msg) are not supported: save it as .docx, .xlsx or .pptx";
  }
  // A zip whose first entry is the stored "mimetype" file (OpenDocument, EPUB).
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    const head = new TextDecoder("latin1").decode(bytes.subarray(30, 120));
    if (head.startsWith("mimetypeapplication/vnd.oasis.opendocument")) {
      return "OpenDocument files (.odt, .ods, .odp) are not supported: save it as .docx, .xlsx or .pptx";
    }
    if (head.startsWith("mimetypeapplication/epub+zip")) return "EPUB e-books are not supported";
  }
  return undefined;
}

/** The GroundX DocumentType reported for a detected format: web pages are reported as "txt". */
export function toDocumentType(format: SourceFormat): DocumentType {
  return format === "html" ? "txt" : format;
}
