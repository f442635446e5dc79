/**
 * @module HWP parser (Hangul Word Processor, the `hwp` DocumentType): one
 * parser for both of Hancom's formats, chosen by the bytes rather than the
 * name, since both are saved as ".hwp" by some tools and uploads are often
 * misnamed:
 *
 * - an OLE compound file → HWP 5.x binary (`../office/hwp.ts`);
 * - a zip → HWPX (`../office/hwpx.ts`), opened with the zip-bomb-safe
 *   `../office/zip.ts`;
 * - "HWP Document File V3.00" at offset 0 → HWP 3.x (Hangul 97 and older),
 *   a different format that is not read: PARSE_FAILED with that reason.
 *
 * Documents are unpaged (no page geometry: LibreOffice does not import HWP 5).
 * The title is the first level-1 heading before any body text.
 */
import { blocksText, documentTitle } from "../office/blocks.js";
import { isCfb } from "../office/cfb.js";
import { readHwp5 } from "../office/hwp.js";
import { readHwpx } from "../office/hwpx.js";
import { openZip } from "../office/zip.js";
import { type Block, type ParsedDocument, ParseError, type Parser } from "../types.js";
import { checkCharLimit, emptyDocument } from "./common.js";

const HWP3_SIGNATURE = "HWP Document File";

function startsWithAscii(bytes: Uint8Array, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

function readBlocks(bytes: Uint8Array, maxChars: number): Block[] {
  if (isCfb(bytes)) return readHwp5(bytes, { maxChars });
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const blocks = readHwpx(openZip(bytes), { maxChars });
    if (!blocks) {
      throw new ParseError("PARSE_FAILED", "the file is not a valid HWPX document (no section parts)");
    }
    return blocks;
  }
  if (startsWithAscii(bytes, HWP3_SIGNATURE)) {
    throw new ParseError(
      "PARSE_FAILED",
      "HWP 3.x documents (Hangul 97 and older) are not supported: save it as .hwp (HWP 5) or .hwpx",
    );
  }
  throw new ParseError("PARSE_FAILED", "the file is not an HWP or HWPX document");
}

export const hwpParser: Parser = {
  name: "hwp",
  formats: ["hwp"],
  async parse(bytes, context): Promise<ParsedDocument> {
    let blocks: Block[];
    try {
      blocks = readBlocks(bytes, context.limits.maxChars);
    } catch (error) {
      if (error instanceof ParseError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ParseError("PARSE_FAILED", `the file is not a valid HWP document (${reason})`);
    }
    const text = blocksText(blocks);
    checkCharLimit(text.length, context.limits);
    if (!text.trim()) throw emptyDocument();
    const title = documentTitle(blocks);
    return { blocks, ...(title ? { title } : {}) };
  },
};
