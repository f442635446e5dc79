/**
 * @module DOCX parser: the WordprocessingML read by `../office/docx.ts` from a
 * package opened with the zip-bomb-safe `../office/zip.ts`, then, when
 * LibreOffice is available, page geometry from a PDF rendering
 * (`../office/geometry.ts`): every block found in the rendering gets its page
 * and boxes, and the document gets `pages` and `pagesPdf`.
 *
 * The structure always comes from the XML (LibreOffice only places it on
 * pages), so the result is the same with or without LibreOffice apart from
 * the geometry. The `libreoffice` parser option
 * (OPENGROUND_LIBREOFFICE) turns the rendering off.
 */

import { blocksText, documentTitle } from "../office/blocks.js";
import { readDocx } from "../office/docx.js";
import { addPageGeometry } from "../office/geometry.js";
import { openZip } from "../office/zip.js";
import { DEFAULT_PARSER_OPTIONS, type ParsedDocument, ParseError, type Parser } from "../types.js";
import { checkCharLimit, emptyDocument } from "./common.js";

export const docxParser: Parser = {
  name: "docx",
  formats: ["docx"],
  async parse(bytes, context): Promise<ParsedDocument> {
    const zip = openZip(bytes);
    const blocks = readDocx(zip);
    if (!blocks)
      throw new ParseError("PARSE_FAILED", "the file is not a valid DOCX document (no document part)");
    const text = blocksText(blocks);
    checkCharLimit(text.length, context.limits);
    if (!text.trim()) throw emptyDocument();
    const title = documentTitle(blocks);
    const parsed: ParsedDocument = { blocks, ...(title ? { title } : {}) };
    return addPageGeometry(parsed, bytes, {
      format: "docx",
      limits: context.limits,
      options: context.options ?? DEFAULT_PARSER_OPTIONS,
    });
  },
};
