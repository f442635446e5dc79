/**
 * @module PPTX parser: slides read by `../office/pptx.ts` from a package opened
 * with the zip-bomb-safe `../office/zip.ts`; one page per slide. When
 * LibreOffice is available the presentation is rendered to PDF
 * (`../office/geometry.ts`) and blocks get boxes on their slide's page, the
 * document `pages` (slide sizes) and `pagesPdf`. Without it, blocks still
 * carry their slide number, and `pages` is left out (there are no page images
 * to refer to). The `libreoffice` parser option
 * (OPENGROUND_LIBREOFFICE) turns the rendering off.
 */
import { blocksText, documentTitle } from "../office/blocks.js";
import { addPageGeometry } from "../office/geometry.js";
import { readPptx } from "../office/pptx.js";
import { mainPart } from "../office/xml.js";
import { openZip } from "../office/zip.js";
import { DEFAULT_PARSER_OPTIONS, type ParsedDocument, ParseError, type Parser } from "../types.js";
import { checkCharLimit, emptyDocument } from "./common.js";

export const pptxParser: Parser = {
  name: "pptx",
  formats: ["pptx"],
  async parse(bytes, context): Promise<ParsedDocument> {
    const zip = openZip(bytes);
    const content = readPptx(zip, mainPart(zip, "ppt/presentation.xml"), context.limits.maxPages);
    if (!content) {
      throw new ParseError(
        "PARSE_FAILED",
        "the file is not a valid PPTX presentation (no presentation part)",
      );
    }
    if (content.slides > context.limits.maxPages) {
      throw new ParseError(
        "LIMIT_EXCEEDED",
        `the document has ${content.slides} pages, more than the limit of ${context.limits.maxPages}`,
      );
    }
    const text = blocksText(content.blocks);
    checkCharLimit(text.length, context.limits);
    if (!text.trim()) throw emptyDocument();
    const title = documentTitle(content.blocks);
    const parsed: ParsedDocument = { blocks: content.blocks, ...(title ? { title } : {}) };
    return addPageGeometry(parsed, bytes, {
      format: "pptx",
      limits: context.limits,
      options: context.options ?? DEFAULT_PARSER_OPTIONS,
      slides: content.slides,
    });
  },
};
