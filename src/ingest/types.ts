/**
 * The contract between the ingestion stages: parsers turn bytes into a
 * `ParsedDocument` (blocks in reading order), the chunker turns that into
 * `Chunk`s with offsets, enrichment and the X-Ray builder turn chunks into the
 * X-Ray of CONTRACT.md §5. Everything here is plain data, so it can cross a
 * worker-thread boundary (structured clone).
 */

/** Canonical document types (CONTRACT.md §3). */
export const DOCUMENT_TYPES = [
  "bmp",
  "csv",
  "docx",
  "gif",
  "heif",
  "hwp",
  "ico",
  "jpg",
  "json",
  "pdf",
  "png",
  "pptx",
  "svg",
  "tiff",
  "tsv",
  "txt",
  "xlsx",
  "webp",
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Accepted aliases of the `fileType` request field (§3): the TS SDK sends "jpeg". */
export const DOCUMENT_TYPE_ALIASES: Readonly<Record<string, DocumentType>> = {
  jpeg: "jpg",
  heic: "heif",
  tif: "tiff",
};

/**
 * What a parser is chosen by: the detected format. HTML is not a GroundX
 * DocumentType (web pages are reported as `txt`) but needs its own parser.
 */
export type SourceFormat = DocumentType | "html";

/** A rectangle in the pixel space of the page image; origin top-left (§2.5). */
export interface Box {
  readonly pageNumber: number;
  readonly topLeftX: number;
  readonly topLeftY: number;
  readonly bottomRightX: number;
  readonly bottomRightY: number;
  /** True when the coordinates were adjusted (e.g. a rotated page). */
  readonly corrected?: boolean;
}

export interface PageInfo {
  readonly pageNumber: number;
  readonly width: number;
  readonly height: number;
}

interface BlockBase {
  /** 1-based page the block is on (paged documents). */
  readonly pageNumber?: number;
  readonly boxes?: readonly Box[];
}

export interface HeadingBlock extends BlockBase {
  readonly kind: "heading";
  /** 1 = title/top level … 6. */
  readonly level: number;
  readonly text: string;
}

export interface TextBlock extends BlockBase {
  readonly kind: "text";
  readonly text: string;
  readonly role?: "paragraph" | "list-item" | "code" | "json" | "caption";
  /** JSON documents: the JSON path of the slice, e.g. `$.items[3]`. */
  readonly path?: string;
}

export interface TableBlock extends BlockBase {
  readonly kind: "table";
  readonly title?: string;
  /** Column headers (may be generated, e.g. "column_1", when the source has none). */
  readonly header: readonly string[];
  /** Body rows, each with one cell per header column. */
  readonly rows: readonly (readonly string[])[];
}

export interface FigureBlock extends BlockBase {
  readonly kind: "figure";
  readonly caption?: string;
  /** Text found inside the figure (OCR, alt text). */
  readonly text?: string;
}

export type Block = HeadingBlock | TextBlock | TableBlock | FigureBlock;

export interface ParsedDocument {
  readonly blocks: readonly Block[];
  /** Paged documents only (pdf, images, pptx…). */
  readonly pages?: readonly PageInfo[];
  readonly title?: string;
  /**
   * DOCX/PPTX converted by LibreOffice: the PDF the `pages` and boxes refer to.
   * The server keeps it to render page images; it is not part of the X-Ray.
   */
  readonly pagesPdf?: Uint8Array;
}

export interface ParseLimits {
  /** Pages per document (D13 default 2,000). */
  readonly maxPages: number;
  /** JSON nesting depth (§1.8: 20). */
  readonly maxJsonDepth: number;
  /** Table rows per document (CSV/TSV/XLSX). */
  readonly maxRows: number;
  /** Characters of extracted text per document. */
  readonly maxChars: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxPages: 2000,
  maxJsonDepth: 20,
  maxRows: 200_000,
  maxChars: 50_000_000,
};

/**
 * Settings of the parsers, from the server's configuration: passed with every
 * document, never read from the environment by a parser.
 */
export interface ParserOptions {
  /** OCR languages: tesseract codes whose `@tesseract.js-data/<code>` package is installed. */
  readonly ocrLanguages: readonly string[];
  /**
   * LibreOffice for DOCX/PPTX page images and boxes: "auto" (`soffice` or
   * `libreoffice` on PATH, when installed), "off", or the executable's path.
   */
  readonly libreoffice: string;
  /** A LibreOffice conversion running longer is killed (the document parses without pages). */
  readonly libreofficeTimeoutMs: number;
}

export const DEFAULT_PARSER_OPTIONS: ParserOptions = {
  ocrLanguages: ["eng"],
  libreoffice: "auto",
  libreofficeTimeoutMs: 120_000,
};

export interface ParseContext {
  readonly fileName: string;
  readonly format: SourceFormat;
  readonly limits: ParseLimits;
  /** Defaults to DEFAULT_PARSER_OPTIONS. */
  readonly options?: ParserOptions;
}

export type ParseErrorCode =
  | "PARSE_FAILED"
  | "LIMIT_EXCEEDED"
  | "UNSUPPORTED_TYPE"
  | "ENCRYPTED"
  | "EMPTY_DOCUMENT";

/** A document that cannot be parsed; its message becomes the document's `statusMessage`. */
export class ParseError extends Error {
  readonly code: ParseErrorCode;
  constructor(code: ParseErrorCode, message: string) {
    super(message);
    this.name = "ParseError";
    this.code = code;
  }
}

/** One parser per family of types; the registry dispatches on the detected type. */
export interface Parser {
  readonly name: string;
  readonly formats: readonly SourceFormat[];
  parse(bytes: Uint8Array, context: ParseContext): Promise<ParsedDocument>;
}

export type ChunkContentType = "paragraph" | "table" | "figure";

export interface Chunk {
  /** Position in reading order, from 0. */
  readonly index: number;
  readonly contentType: ChunkContentType;
  readonly text: string;
  /** 1-based pages the chunk touches, ascending (empty for unpaged documents). */
  readonly pageNumbers: readonly number[];
  readonly boxes: readonly Box[];
  /** Index into `ChunkedDocument.sections`. */
  readonly section: number;
  /** Offsets of the chunk in `ChunkedDocument.text`, recorded while splitting. */
  readonly charStart: number;
  readonly charEnd: number;
  /** Table chunks: the rows of this chunk (the header repeats in every chunk of a table). */
  readonly table?: {
    readonly title?: string;
    readonly header: readonly string[];
    readonly rows: readonly (readonly string[])[];
  };
  /** JSON documents: the JSON path the chunk came from. */
  readonly path?: string;
}

export interface Section {
  readonly index: number;
  /** Heading text; undefined for text before the first heading. */
  readonly title?: string;
  readonly level: number;
}

export interface ChunkedDocument {
  /** The document's linear text: every block's text in reading order, blocks separated by "\n\n". */
  readonly text: string;
  readonly chunks: readonly Chunk[];
  readonly sections: readonly Section[];
}

/** X-Ray bounding box: `pageNumber` and `corrected` are always present (§5.2). */
export interface XRayBox {
  pageNumber: number | null;
  topLeftX: number;
  topLeftY: number;
  bottomRightX: number;
  bottomRightY: number;
  corrected: boolean | null;
}

/** X-Ray chunk (CONTRACT.md §5.2), without the URLs the server adds. */
export interface XRayChunk {
  chunk: string;
  contentType: [ChunkContentType];
  pageNumbers: number[];
  text: string;
  suggestedText: string;
  sectionSummary?: string;
  boundingBoxes: XRayBox[];
  json?: unknown[];
  narrative?: string[];
  multimodalUrl?: string;
}

export interface XRayPage {
  pageNumber: number;
  pageUrl: string;
  width: number;
  height: number;
  chunks?: XRayChunk[];
}

/** The X-Ray document (CONTRACT.md §5.1). */
export interface XRay {
  fileName: string;
  fileType: string;
  language: string;
  sourceUrl: string;
  fileSummary?: string;
  fileKeywords?: string;
  chunks: XRayChunk[];
  documentPages?: XRayPage[];
}
