/**
 * @module XLSX/XLSM parser: the package is opened with the zip-bomb-safe
 * `../office/zip.ts`, exceljs reads the cells of a slimmed copy and
 * `../office/xlsx.ts` finds the tables (regions of connected cells, title and
 * header rows, merged cells). One section per worksheet; chartsheets skipped.
 * More body rows than `limits.maxRows` → LIMIT_EXCEEDED.
 */
import { blocksText } from "../office/blocks.js";
import { readXlsx } from "../office/xlsx.js";
import { openZip } from "../office/zip.js";
import { type ParsedDocument, ParseError, type Parser } from "../types.js";
import { checkCharLimit, checkRowLimit, emptyDocument } from "./common.js";

export const xlsxParser: Parser = {
  name: "xlsx",
  formats: ["xlsx"],
  async parse(bytes, context): Promise<ParsedDocument> {
    const zip = openZip(bytes);
    let content: Awaited<ReturnType<typeof readXlsx>>;
    try {
      content = await readXlsx(zip, context.limits.maxRows);
    } catch (error) {
      if (error instanceof ParseError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ParseError("PARSE_FAILED", `the file is not a valid XLSX workbook (${reason})`);
    }
    if (!content)
      throw new ParseError("PARSE_FAILED", "the file is not a valid XLSX workbook (no workbook part)");
    checkRowLimit(content.rows, context.limits);
    const text = blocksText(content.blocks);
    checkCharLimit(text.length, context.limits);
    if (!content.blocks.some((b) => b.kind === "table")) throw emptyDocument();
    return { blocks: content.blocks };
  },
};
