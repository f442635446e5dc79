import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS, type ParseContext, type SourceFormat, type TableBlock } from "../types.js";
import { csvParser, detectDelimiter, parseDelimitedText } from "./csv.js";

const EVAL = path.resolve(import.meta.dirname, "../../../../shared/eval");
const read = (rel: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(EVAL, rel)));
const ctx = (fileName: string, format: SourceFormat = "csv"): ParseContext => ({
  fileName,
  format,
  limits: DEFAULT_PARSE_LIMITS,
});
async function table(rel: string, format: SourceFormat = "csv"): Promise<TableBlock> {
  const parsed = await csvParser.parse(read(rel), ctx(path.basename(rel), format));
  expect(parsed.blocks).toHaveLength(1);
  const block = parsed.blocks[0];
  if (block?.kind !== "table") throw new Error("expected a table");
  return block;
}

const STANLEY_ROWS = [
  ["Blues", "STL", "1"],
  ["Flyers", "PHI", "2"],
  ["Maple Leafs", "TOR", "13"],
  ["👨\\U+1F3FB🔧", "TOR", "15"],
];

describe("csv/tsv parser: evaluation documents", () => {
  it("reads the emoji CSV and TSV alike, the title row becoming the table title", async () => {
    for (const [name, format] of [
      ["documents/stanley-cups-with-emoji.csv", "csv"],
      ["documents/stanley-cups-with-emoji.tsv", "tsv"],
    ] as const) {
      const t = await table(name, format);
      expect(t.title).toBe("Stanley Cups");
      expect(t.header).toEqual(["Team", "Location", "Stanley Cups"]);
      expect(t.rows).toEqual(STANLEY_ROWS);
    }
  });

  it("decodes UTF-16 CSV", async () => {
    const t = await table("documents/stanley-cups-utf-16.csv");
    expect(t.header).toEqual(["Team", "Location", "Stanley Cups"]);
    expect(t.rows[2]).toEqual(["Maple Leafs", "TOR", "13"]);
  });

  it("detects semicolons although the cells contain commas", async () => {
    const t = await table("documents/semicolon-delimited.csv");
    expect(t.title).toBe("semicolon-delimited");
    expect(t.header).toEqual(["Lorem, ipsum", "dolor sit", "amet"]);
    expect(t.rows[1]).toEqual(["sed, do", "eiusmod", "tempor incididunt"]);
  });

  it("keeps quoted commas inside a cell", async () => {
    const t = await table("documents/csv-with-escaped-commas.csv");
    expect(t.header).toHaveLength(5);
    expect(t.rows).toEqual([
      ["A", "A", "A", "A,A", "A"],
      ["A", "A", "A", "A,A", "A"],
    ]);
  });

  it("reads a single column whose lines contain stray commas", async () => {
    const t = await table("documents/single-column.csv");
    expect(t.header).toEqual(["Lorem, ipsum"]);
    expect(t.rows.map((r) => r[0])).toContain("Ut enim, ad minim, veniam");
    expect(t.rows).toHaveLength(8);
  });

  it.each([["csv-comma.csv"], ["csv-semicolon.csv"], ["csv-tab.csv"], ["csv-pipe.csv"]])(
    "docling %s: header and cells, whatever the delimiter",
    async (name) => {
      const t = await table(`docling/csv/sources/${name}`);
      expect(t.header.slice(0, 4)).toEqual(["Index", "Customer Id", "First Name", "Last Name"]);
      expect(t.header).toHaveLength(12);
      expect(t.rows[0]?.slice(0, 4)).toEqual(["1", "DD37Cf93aecA6Dc", "Sheryl", "Baxter"]);
      expect(t.rows[0]?.[11]).toBe("http://www.stephenson.com/");
    },
  );

  it("docling: quoted comma in a cell and a numeric first row (generated header)", async () => {
    const t = await table("docling/csv/sources/csv-comma-in-cell.csv");
    expect(t.header).toEqual(["column_1", "column_2", "column_3", "column_4"]);
    expect(t.rows[0]).toEqual(["1", "2", "3", "4"]);
    expect(t.rows[2]).toEqual(["a", ",", "c", "d"]);
  });

  it("docling: ragged rows are padded, surplus cells kept in the last column", async () => {
    const few = await table("docling/csv/sources/csv-too-few-columns.csv");
    expect(few.rows[2]).toEqual(["a", "b", "c", ""]);
    const many = await table("docling/csv/sources/csv-too-many-columns.csv");
    expect(many.rows[2]).toEqual(["a", "b", "c", "d,e"]);
    const inconsistent = await table("docling/csv/sources/csv-inconsistent-header.csv");
    expect(inconsistent.header).toHaveLength(4);
    expect(inconsistent.rows[0]).toEqual(["1", "2", "3", ""]);
  });

  it("docling: a single-column file", async () => {
    const t = await table("docling/csv/sources/csv-single-column.csv");
    expect(t.header).toEqual(["Industry"]);
    expect(t.rows.map((r) => r[0])).toEqual([
      "Accounting/Finance",
      "Automotive",
      "Healthcare",
      "Hospitality/Travel",
      "Sales",
      "Other",
    ]);
  });
});

describe("csv/tsv parser: rules", () => {
  it("detects the delimiter by field-count consistency, respecting quotes", () => {
    expect(detectDelimiter("a;b;c\n1;2;3\n4;5;6\n", ",")).toBe(";");
    expect(detectDelimiter('a|b\n"x|y"|2\n3|4\n', ",")).toBe("|");
    expect(detectDelimiter('name,note\n"Smith; John","a; b"\n"Doe; Jane","c"\n', ",")).toBe(",");
    expect(detectDelimiter("a\tb\n1\t2\n", ",")).toBe("\t");
  });

  it("drops an empty trailing column and enforces the row limit", () => {
    const parsed = parseDelimitedText("Year;Revenue;\n2022;123;\n2023;143,1;\n", ctx("t.csv"));
    expect(parsed.blocks[0]).toMatchObject({
      header: ["Year", "Revenue"],
      rows: [
        ["2022", "123"],
        ["2023", "143,1"],
      ],
    });
    const limits = { ...DEFAULT_PARSE_LIMITS, maxRows: 2 };
    const tooMany = "h\n1\n2\n3\n";
    expect(() => parseDelimitedText(tooMany, { ...ctx("t.csv"), limits })).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
    expect(() => parseDelimitedText("h\n1\n2\n", { ...ctx("t.csv"), limits })).not.toThrow();
  });

  it("reports an unclosed quote as PARSE_FAILED and blank input as EMPTY_DOCUMENT", () => {
    expect(() => parseDelimitedText('a,b\n"open,2\n', ctx("t.csv"))).toThrow(
      expect.objectContaining({ code: "PARSE_FAILED" }),
    );
    expect(() => parseDelimitedText("\n \n", ctx("t.csv"))).toThrow(
      expect.objectContaining({ code: "EMPTY_DOCUMENT" }),
    );
  });
});
