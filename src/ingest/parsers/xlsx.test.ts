import fs from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { combineScores, loadGroundTruthTables, scoreTables } from "../../../test/quality/tables/metric.js";
import { cellText, isoDate } from "../office/xlsx.js";
import { DEFAULT_PARSE_LIMITS, type ParsedDocument, type TableBlock } from "../types.js";
import { xlsxParser } from "./xlsx.js";

const EVAL = path.resolve(import.meta.dirname, "../../../../shared/eval");
const DOCLING = path.join(EVAL, "docling/xlsx");
const DOCS = path.join(EVAL, "documents");

function parse(file: string, limits = DEFAULT_PARSE_LIMITS): Promise<ParsedDocument> {
  return xlsxParser.parse(new Uint8Array(fs.readFileSync(file)), {
    fileName: path.basename(file),
    format: "xlsx",
    limits,
  });
}

const tables = (doc: ParsedDocument): TableBlock[] =>
  doc.blocks.filter((b): b is TableBlock => b.kind === "table");
const headings = (doc: ParsedDocument): string[] =>
  doc.blocks.flatMap((b) => (b.kind === "heading" ? [b.text] : []));

describe("xlsx parser on docling's XLSX set", () => {
  it("finds every ground-truth table with cell F1 ≥ 0.85 over the set", async () => {
    const scores = [];
    for (const name of fs.readdirSync(path.join(DOCLING, "sources")).sort()) {
      const truth = loadGroundTruthTables(path.join(DOCLING, "groundtruth", `${name}.json`));
      scores.push(scoreTables(truth, tables(await parse(path.join(DOCLING, "sources", name)))));
    }
    const set = combineScores(scores);
    expect(set.truthTables).toBeGreaterThanOrEqual(45);
    expect(set.found).toBe(set.truthTables);
    expect(set.f1).toBeGreaterThanOrEqual(0.85);
  });

  it("starts a section per worksheet (hidden ones too) and skips chartsheets", async () => {
    expect(headings(await parse(path.join(DOCLING, "sources/xlsx_01.xlsx")))).toEqual([
      "Sheet1",
      "Sheet2",
      "Sheet3",
      "Sheet4",
    ]);
    const chartsheet = await parse(path.join(DOCLING, "sources/xlsx_03_chartsheet.xlsx"));
    expect(headings(chartsheet)).toEqual(["Duck Observations"]);
    // Formulas come out as their cached results.
    expect(tables(chartsheet)[0]?.rows[0]).toEqual(["2019", "120", "80", "200"]);
  });

  it("splits a sheet into regions of connected cells, in row-major order of their first cell", async () => {
    const doc = await parse(path.join(DOCLING, "sources/xlsx_01.xlsx"));
    const sheet2 = tables(doc).slice(1, 4);
    expect(sheet2.map((t) => [t.header.length, t.rows.length])).toEqual([
      [4, 8],
      [3, 4],
      [3, 4],
    ]);
    const gaps = tables(await parse(path.join(DOCLING, "sources/xlsx_07_gap_tolerance_.xlsx")));
    expect(gaps[0]).toMatchObject({ header: ["HIGH VOLTAGE SWITCHBOARD"], rows: [["DATA SHEET"]] });
    // Merged cells join regions: "Package no." (row 5) and its merged values (row 6) are one table;
    // the columns a body merge covers beyond its first stay empty and are dropped.
    expect(gaps.find((t) => t.header[0] === "Package no.:")).toMatchObject({
      header: ["Package no.:", "Doc. no.:", "Rev."],
      rows: [["13156456", "144564", "A"]],
    });
  });

  it("takes title rows: a merged label over the table, or a lone cell above it", async () => {
    const label = tables(await parse(path.join(DOCLING, "sources/xlsx_09_section_label_header.xlsx")))[0];
    expect(label).toMatchObject({
      title: "Reading List",
      header: ["#", "Genre", "Sub-Genre", "Title", "Author", "Publisher", "Added"],
    });
    const lone = tables(await parse(path.join(DOCLING, "sources/xlsx_05_table_with_title.xlsx")));
    expect(lone).toHaveLength(1);
    expect(lone[0]).toMatchObject({
      title: "Number of freshwater ducks per year",
      header: ["Year", "Freshwater Ducks"],
    });
    const cups = tables(await parse(path.join(DOCS, "stanley-cups.xlsx")));
    expect(cups[0]).toMatchObject({
      title: "Stanley Cups",
      header: ["Team", "Location", "Stanley Cups"],
      rows: [
        ["Blues", "STL", "1"],
        ["Flyers", "PHI", "2"],
        ["Maple Leafs", "TOR", "13"],
      ],
    });
  });

  it("writes dates as ISO 8601 and repeats vertical merges", async () => {
    const sales = tables(await parse(path.join(DOCLING, "sources/xlsx_02_sample_sales_data.xlsm")))[0];
    expect(sales?.rows[0]).toEqual(["Widget A", "2024-01-01", "5", "5000"]);
    const merged = tables(await parse(path.join(DOCLING, "sources/xlsx_01.xlsx")))[4];
    expect(merged?.header).toEqual(["first", "header", "header"]);
    expect(merged?.rows.slice(0, 2)).toEqual([
      ["first", "second", "third"],
      ["1", "2", "3"],
    ]);
  });

  it("flattens rich text, keeps emoji and reads large sheets", async () => {
    const vodafone = await parse(path.join(DOCS, "vodafone.xlsx"));
    // Rich-text cells; an empty column separates regions (docling's rule), so "Page" is a table of its own.
    expect(tables(vodafone)[0]).toMatchObject({
      title: "Financial performance",
      header: ["Topic", "Period", ""],
    });
    expect(tables(vodafone)[0]?.rows[1]).toEqual(["Group financial performance", "FY 22", "FY 23"]);
    expect(tables(vodafone)[1]?.header).toEqual(["Page"]);
    expect(tables(await parse(path.join(DOCS, "emoji.xlsx")))[0]?.header).toEqual(["🤠😅"]);
    const cells = tables(await parse(path.join(DOCS, "more-than-1k-cells.xlsx")))[0];
    expect(cells?.header).toHaveLength(26);
    expect((cells?.rows.length ?? 0) + 1).toBe(39);
  });

  it("reports empty, encrypted and oversized workbooks", async () => {
    await expect(parse(path.join(DOCS, "empty.xlsx"))).rejects.toMatchObject({ code: "EMPTY_DOCUMENT" });
    await expect(parse(path.join(DOCS, "password_protected.xlsx"))).rejects.toMatchObject({
      code: "ENCRYPTED",
      message: "the document is password-protected",
    });
    await expect(
      parse(path.join(DOCS, "more-than-1k-cells.xlsx"), { ...DEFAULT_PARSE_LIMITS, maxRows: 10 }),
    ).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });
});

describe("xlsx parser on generated workbooks", () => {
  function workbook(rows: number): Uint8Array {
    const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const r = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
    const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const sheetRows = Array.from(
      { length: rows },
      (_, i) =>
        `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>${i === 0 ? "Name" : `item ${i}`}</t></is></c>` +
        `<c r="B${i + 1}"><v>${i}</v></c></row>`,
    ).join("");
    return zipSync({
      "_rels/.rels": strToU8(
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
      "xl/workbook.xml": strToU8(
        `<workbook ${ns} ${r}><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
      "xl/_rels/workbook.xml.rels": strToU8(
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/data.xml"/></Relationships>`,
      ),
      "xl/worksheets/data.xml": strToU8(`<worksheet ${ns}><sheetData>${sheetRows}</sheetData></worksheet>`),
    });
  }

  const context = (maxRows: number) => ({
    fileName: "g.xlsx",
    format: "xlsx" as const,
    limits: { ...DEFAULT_PARSE_LIMITS, maxRows },
  });

  it("reads inline strings from a worksheet part with a non-standard name", async () => {
    const doc = await xlsxParser.parse(workbook(3), context(100));
    expect(doc.blocks).toEqual([
      { kind: "heading", level: 1, text: "Data" },
      {
        kind: "table",
        header: ["Name", "0"],
        rows: [
          ["item 1", "1"],
          ["item 2", "2"],
        ],
      },
    ]);
  });

  it("refuses a sheet far over the row limit before loading it", async () => {
    await expect(xlsxParser.parse(workbook(1100), context(10))).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: "the document has more than 10 table rows",
    });
  });
});

describe("cellText", () => {
  it("formats values as text", () => {
    expect(cellText(3.1)).toBe("3.1");
    expect(cellText(0.1 + 0.2)).toBe("0.3");
    expect(cellText(0.155, "0.0%")).toBe("15.5%");
    expect(cellText(true)).toBe("TRUE");
    expect(cellText({ formula: "A1/0", result: { error: "#DIV/0!" } })).toBe("#DIV/0!");
    expect(cellText({ richText: [{ text: "Sales" }, { text: " (a)" }] })).toBe("Sales (a)");
    expect(cellText({ text: "site", hyperlink: "https://example.com" })).toBe("site");
    expect(cellText(new Date(Date.UTC(2024, 1, 29, 13, 5, 0)))).toBe("2024-02-29T13:05:00");
  });

  it("writes times of day without the 1899 date Excel stores them with", () => {
    expect(isoDate(new Date(Date.UTC(1899, 11, 30, 9, 30, 0)))).toBe("09:30:00");
    expect(isoDate(new Date(Date.UTC(2023, 5, 1)))).toBe("2023-06-01");
  });
});
