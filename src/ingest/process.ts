/**
 * @module processDocument: parse → chunk → enrich → X-Ray for one document.
 *
 * The function the server's sandboxed worker thread calls: pure apart from the
 * bytes it is given, no I/O, and every problem with the document surfaces as a
 * `ParseError` (its message becomes the document's statusMessage).
 */
import { chunkDocument, countTokens } from "./chunk/index.js";
import { toDocumentType } from "./detect/index.js";
import { detectLanguage, enrichDocument } from "./enrich/index.js";
import {
  createParserRegistry,
  defaultParsers,
  type ParserRegistry,
  throwUnsupported,
} from "./parsers/index.js";
import {
  type ChunkedDocument,
  DEFAULT_PARSER_OPTIONS,
  type ParsedDocument,
  ParseError,
  type ParseLimits,
  type ParserOptions,
  type SourceFormat,
  type XRay,
} from "./types.js";
import { buildXRay } from "./xray/index.js";

export interface ProcessInput {
  readonly bytes: Uint8Array;
  readonly fileName: string;
  readonly format: SourceFormat;
  readonly processLevel: "full" | "none";
  readonly limits: ParseLimits;
  /** 6 base36 characters derived from the documentId: chunk ids are `<prefix>-<index>`. */
  readonly chunkIdPrefix: string;
  /** Parsers to use (default: `defaultParsers()`). */
  readonly registry?: ParserRegistry;
  /** OCR languages, LibreOffice (default: DEFAULT_PARSER_OPTIONS). */
  readonly options?: ParserOptions;
}

export interface ProcessResult {
  readonly xray: Omit<XRay, "sourceUrl">;
  /** Approximate tokens of the document's text (`countTokens`), for the fileTokens meter. */
  readonly tokens: number;
  readonly chunks: ChunkedDocument;
  /** DOCX/PPTX converted by LibreOffice: the PDF the X-Ray's pages and boxes refer to. */
  readonly pagesPdf?: Uint8Array;
}

let defaultRegistry: ParserRegistry | undefined;

/** The registry of the default parsers, built once per thread. */
function defaults(): ParserRegistry {
  defaultRegistry ??= createParserRegistry(defaultParsers());
  return defaultRegistry;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function parse(input: ProcessInput): Promise<ParsedDocument> {
  const registry = input.registry ?? defaults();
  const parser = registry.get(input.format) ?? throwUnsupported(toDocumentType(input.format));
  try {
    return await parser.parse(input.bytes, {
      fileName: input.fileName,
      format: input.format,
      limits: input.limits,
      options: input.options ?? DEFAULT_PARSER_OPTIONS,
    });
  } catch (error) {
    if (error instanceof ParseError) throw error;
    // A parser bug or a library choking on the input: still this document's failure, not the server's.
    throw new ParseError("PARSE_FAILED", `the ${parser.name} parser failed: ${reason(error)}`);
  }
}

/**
 * Process one document into its X-Ray.
 *
 * @throws ParseError UNSUPPORTED_TYPE (no parser), PARSE_FAILED, LIMIT_EXCEEDED, ENCRYPTED, EMPTY_DOCUMENT
 * @example
 *   const { xray, tokens } = await processDocument({ bytes, fileName: "a.txt", format: "txt",
 *     processLevel: "full", limits: DEFAULT_PARSE_LIMITS, chunkIdPrefix: "k3v9qa" });
 */
export async function processDocument(input: ProcessInput): Promise<ProcessResult> {
  const parsed = await parse(input);
  if (parsed.pages && parsed.pages.length > input.limits.maxPages) {
    throw new ParseError(
      "LIMIT_EXCEEDED",
      `the document has ${parsed.pages.length} pages, more than the limit of ${input.limits.maxPages}`,
    );
  }
  const chunks = chunkDocument(parsed);
  if (!chunks.text.trim()) throw new ParseError("EMPTY_DOCUMENT", "the document contains no text");
  if (chunks.text.length > input.limits.maxChars) {
    throw new ParseError(
      "LIMIT_EXCEEDED",
      `the document has ${chunks.text.length} characters of text, more than the limit of ${input.limits.maxChars}`,
    );
  }
  const language = detectLanguage(chunks.text);
  const enrichment =
    input.processLevel === "full"
      ? enrichDocument({ fileName: input.fileName, chunked: chunks, parsed, language })
      : undefined;
  const xray = buildXRay({
    fileName: input.fileName,
    format: input.format,
    chunked: chunks,
    parsed,
    processLevel: input.processLevel,
    chunkIdPrefix: input.chunkIdPrefix,
    language: language.name,
    ...(enrichment ? { enrichment } : {}),
  });
  return {
    xray,
    tokens: countTokens(chunks.text),
    chunks,
    ...(parsed.pagesPdf && parsed.pages ? { pagesPdf: parsed.pagesPdf } : {}),
  };
}
