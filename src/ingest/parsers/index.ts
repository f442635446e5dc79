/**
 * @module Parser registry: one parser per family of formats, chosen by the
 * detected format (STYLE.md habit 12). New formats (pdf, docx, …) are added by
 * registering a parser; nothing else changes.
 */
import { ParseError, type Parser, type SourceFormat } from "../types.js";
import { csvParser } from "./csv.js";
import { docxParser } from "./docx.js";
import { htmlParser } from "./html.js";
import { hwpParser } from "./hwp.js";
import { imageParser } from "./image.js";
import { jsonParser } from "./json.js";
import { pdfParser } from "./pdf.js";
import { pptxParser } from "./pptx.js";
import { txtParser } from "./txt.js";
import { xlsxParser } from "./xlsx.js";

export interface ParserRegistry {
  /** The parser for a format, or undefined when the format is not supported. */
  get(format: SourceFormat): Parser | undefined;
  /** Add a parser; it replaces any earlier parser for the same formats. */
  register(parser: Parser): void;
  /** The formats that have a parser, in registration order. */
  formats(): SourceFormat[];
}

/**
 * A registry over the given parsers (later ones win for a shared format).
 *
 * @example const registry = createParserRegistry(defaultParsers()); registry.get("csv")?.name === "csv"
 */
export function createParserRegistry(parsers: readonly Parser[] = []): ParserRegistry {
  const byFormat = new Map<SourceFormat, Parser>();
  const register = (parser: Parser): void => {
    for (const format of parser.formats) byFormat.set(format, parser);
  };
  for (const parser of parsers) register(parser);
  return {
    get: (format) => byFormat.get(format),
    register,
    formats: () => [...byFormat.keys()],
  };
}

/**
 * The parsers this build ships: txt (also Markdown), json, csv/tsv, html, pdf,
 * images (png, jpg, tiff, webp, gif, bmp, heif, ico, svg), docx, pptx, xlsx
 * and hwp (HWP 5 and HWPX). Every DocumentType of CONTRACT.md §3.
 */
export function defaultParsers(): Parser[] {
  return [
    txtParser,
    jsonParser,
    csvParser,
    htmlParser,
    pdfParser,
    imageParser,
    docxParser,
    pptxParser,
    xlsxParser,
    hwpParser,
  ];
}

/**
 * Throw the error a document of an unsupported type gets.
 *
 * @example throwUnsupported("pdf") // ParseError UNSUPPORTED_TYPE "pdf documents are not supported yet"
 */
export function throwUnsupported(type: string): never {
  throw new ParseError("UNSUPPORTED_TYPE", `${type} documents are not supported yet`);
}

/** The parser for a format, or the UNSUPPORTED_TYPE error (reported with the GroundX type name). */
export function requireParser(
  registry: ParserRegistry,
  format: SourceFormat,
  typeName: string = format,
): Parser {
  return registry.get(format) ?? throwUnsupported(typeName);
}
