/**
 * @module Tests of the golden table harness itself: the chunk check on hand-made
 * chunks, the discovery of the golden set, and an end-to-end run with an "oracle"
 * parser that emits the ground-truth tables (which must score perfectly) and with
 * a parser that emits nothing (which must find nothing).
 */
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../src/ingest/chunk/index.js";
import type { Chunk, Parser, TableBlock } from "../../../src/ingest/types.js";
import {
  evaluateGolden,
  evaluateGoldenCase,
  formatGoldenReport,
  type GoldenCase,
  listGoldenCases,
  loadGoldenParser,
  tableChunkProblems,
} from "./golden.js";
import { combineScores, type TruthTable } from "./metric.js";

function bigTable(rows: number): TableBlock {
  return {
    kind: "table",
    header: ["Name", "Description"],
    rows: Array.from({ length: rows }, (_, i) => [
      `item ${i}`,
      `a fairly long description of item ${i} `.repeat(3),
    ]),
  };
}

/**
 * The ground truth as a parser would emit it: a spanning cell's text in its top-left
 * position, the other positions it covers empty — or, with `repeatSpans`, repeated there.
 */
function oracleTable(truth: TruthTable, repeatSpans: boolean): TableBlock {
  const grid = Array.from({ length: Math.max(1, truth.numRows) }, () =>
    Array.from({ length: Math.max(1, truth.numCols) }, () => ""),
  );
  for (const cell of truth.cells) {
    for (let r = cell.row; r < cell.row + (repeatSpans ? cell.rowSpan : 1); r++) {
      for (let c = cell.col; c < cell.col + (repeatSpans ? cell.colSpan : 1); c++) {
        const row = grid[r];
        if (row && c < row.length) row[c] = cell.text;
      }
    }
  }
  const [header = [], ...rows] = grid;
  return { kind: "table", header, rows };
}

function oracleParser(golden: GoldenCase, repeatSpans = false): Parser {
  return {
    name: "oracle",
    formats: ["pdf", "docx", "pptx", "xlsx"],
    parse: async () => ({
      blocks: [
        { kind: "text", text: "Tables of the ground truth." },
        ...golden.truth.map((t) => oracleTable(t, repeatSpans)),
      ],
    }),
  };
}

describe("tableChunkProblems", () => {
  it("accepts the chunks the chunker makes of tables, also when a table spans several chunks", () => {
    const tables = [bigTable(60), bigTable(2), { kind: "table", header: ["only"], rows: [] } as TableBlock];
    const chunked = chunkDocument({ blocks: [{ kind: "text", text: "Intro." }, ...tables] });
    expect(chunked.chunks.filter((c) => c.contentType === "table").length).toBeGreaterThan(3);
    expect(tableChunkProblems(tables, chunked.chunks)).toEqual([]);
  });

  it("reports rows that are missing, changed, or not in a table chunk", () => {
    const tables = [bigTable(60)];
    const chunks = chunkDocument({ blocks: tables }).chunks;
    const dropped = chunks.slice(0, -1);
    expect(tableChunkProblems(tables, dropped).join("\n")).toMatch(/rows are in table chunks/);
    const asParagraph: Chunk[] = chunks.map((c, i) => (i === 1 ? { ...c, contentType: "paragraph" } : c));
    expect(tableChunkProblems(tables, asParagraph)).not.toEqual([]);
    const changed = chunks.map((c, i) =>
      i === 0 && c.table ? { ...c, table: { ...c.table, rows: [["x", "y"], ...c.table.rows.slice(1)] } } : c,
    );
    expect(tableChunkProblems(tables, changed).join("\n")).toMatch(/row 0 differs/);
    const headerless = chunks.map((c) => (c.table ? { ...c, table: { ...c.table, header: [] } } : c));
    expect(tableChunkProblems(tables, headerless).join("\n")).toMatch(/does not repeat the header/);
  });

  it("reports table chunks that belong to no table", () => {
    const chunks = chunkDocument({ blocks: [bigTable(2)] }).chunks;
    expect(tableChunkProblems([], chunks)).toEqual(["1 table chunks belong to no table"]);
  });
});

describe("the golden set", () => {
  const cases = listGoldenCases();

  it("holds the docling documents with tables, truth files without a source left out", () => {
    const byType = (type: string) => cases.filter((c) => c.type === type).map((c) => c.name);
    expect(byType("pdf")).toEqual([
      "2305.03393v1-pg9.pdf",
      "normal_4pages.pdf",
      "redp5110_sampled.pdf",
      "table_mislabeled_as_picture.pdf",
    ]);
    expect(byType("pptx")).toEqual(["powerpoint_sample.pptx"]);
    expect(byType("docx")).toContain("word_tables.docx");
    expect(byType("xlsx")).toContain("xlsx_02_sample_sales_data.xlsm");
    expect(cases.every((c) => c.truth.length > 0)).toBe(true);
    expect(cases.find((c) => c.name === "word_tables.docx")?.truth).toHaveLength(7);
  });

  it("scores an oracle parser that emits the ground-truth tables perfectly, rows surviving chunking", async () => {
    const results = await Promise.all(cases.map((c) => evaluateGoldenCase(c, oracleParser(c))));
    for (const result of results) {
      expect(result.error, result.case.name).toBeUndefined();
      expect(result.chunkProblems, result.case.name).toEqual([]);
      expect(result.score.found, result.case.name).toBe(result.case.truth.length);
    }
    const set = combineScores(results.map((r) => r.score));
    expect(set).toMatchObject({ fp: 0, fn: 0, f1: 1 });
    expect(formatGoldenReport(results)).toMatch(/TOTAL \(\d+ files\)/);
  });

  it("also scores the oracle perfectly when it repeats a spanning cell's text over its span", async () => {
    const spanned = cases.filter((c) => c.truth.some((t) => t.cells.some((x) => x.rowSpan * x.colSpan > 1)));
    expect(spanned.length).toBeGreaterThan(3);
    const results = await Promise.all(spanned.map((c) => evaluateGoldenCase(c, oracleParser(c, true))));
    const set = combineScores(results.map((r) => r.score));
    expect(set).toMatchObject({ fp: 0, fn: 0, f1: 1 });
    expect(set.tables.reduce((n, m) => n + m.excused, 0)).toBeGreaterThan(0);
  });

  it("finds nothing with a parser that emits no table", async () => {
    const golden = cases.find((c) => c.name === "word_tables.docx") as GoldenCase;
    const empty: Parser = {
      name: "text-only",
      formats: ["docx"],
      parse: async () => ({ blocks: [{ kind: "text", text: "no tables here" }] }),
    };
    const result = await evaluateGoldenCase(golden, empty);
    expect(result.score).toMatchObject({ found: 0, tp: 0, f1: 0, predictedTables: 0 });
  });

  it("turns a parse failure into an error result that scores zero", async () => {
    const golden = cases.find((c) => c.name === "word_tables.docx") as GoldenCase;
    const broken: Parser = {
      name: "broken",
      formats: ["docx"],
      parse: async () => {
        throw new Error("boom");
      },
    };
    const result = await evaluateGoldenCase(golden, broken);
    expect(result.error).toMatch(/boom/);
    expect(result.score.found).toBe(0);
  });

  it("reports a parser module that cannot be loaded as an error, not a skip", async () => {
    await expect(loadGoldenParser("nope" as never)).rejects.toThrow(/no parser is known/);
    const golden = cases.find((c) => c.name === "word_tables.docx") as GoldenCase;
    const [result] = await evaluateGolden([{ ...golden, type: "nope" as never }]);
    expect(result?.error).toBeDefined();
    expect(result?.score.found).toBe(0);
  });
});
