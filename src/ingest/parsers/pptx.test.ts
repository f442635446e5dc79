import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { combineScores, loadGroundTruthTables, scoreTables } from "../../../test/quality/tables/metric.js";
import { libreOfficePath } from "../office/libreoffice.js";
import {
  DEFAULT_PARSE_LIMITS,
  DEFAULT_PARSER_OPTIONS,
  type ParsedDocument,
  type ParserOptions,
  type TableBlock,
} from "../types.js";
import { pptxParser } from "./pptx.js";

const EVAL = path.resolve(import.meta.dirname, "../../../../shared/eval");
const DOCLING = path.join(EVAL, "docling/pptx");
const DOCS = path.join(EVAL, "documents");

function parse(
  file: string,
  limits = DEFAULT_PARSE_LIMITS,
  options: ParserOptions = OFF,
): Promise<ParsedDocument> {
  return pptxParser.parse(new Uint8Array(fs.readFileSync(file)), {
    fileName: path.basename(file),
    format: "pptx",
    limits,
    options,
  });
}

const tables = (doc: ParsedDocument): TableBlock[] =>
  doc.blocks.filter((b): b is TableBlock => b.kind === "table");
const texts = (doc: ParsedDocument): string[] =>
  doc.blocks.flatMap((b) => (b.kind === "text" || b.kind === "heading" ? [b.text] : []));
const norm = (text: string): string =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");

/** Without LibreOffice (fast, deterministic), and with it when installed. */
const OFF: ParserOptions = { ...DEFAULT_PARSER_OPTIONS, libreoffice: "off" };
const ON: ParserOptions = DEFAULT_PARSER_OPTIONS;

describe("pptx parser on docling's PPTX set", () => {
  const sources = fs.readdirSync(path.join(DOCLING, "sources")).sort();

  it("finds every slide title as a heading and every list item of the ground truth", async () => {
    for (const name of sources) {
      const doc = await parse(path.join(DOCLING, "sources", name));
      const truth = JSON.parse(
        fs.readFileSync(path.join(DOCLING, "groundtruth", `${name}.json`), "utf8"),
      ) as {
        texts: { label: string; text: string }[];
      };
      const headings = doc.blocks.flatMap((b) => (b.kind === "heading" ? [norm(b.text)] : []));
      const items = doc.blocks.flatMap((b) =>
        b.kind === "text" && b.role === "list-item" ? [norm(b.text)] : [],
      );
      for (const t of truth.texts) {
        const key = norm(t.text);
        if (!key) continue;
        if (t.label === "title") expect(headings, `${name}: title "${t.text}"`).toContain(key);
        if (t.label === "list_item")
          expect(
            items.some((i) => i.endsWith(key)),
            `${name}: "${t.text}"`,
          ).toBe(true);
      }
    }
  });

  it("finds the ground-truth table with cell F1 ≥ 0.85", async () => {
    const scores = [];
    for (const name of sources) {
      const truth = loadGroundTruthTables(path.join(DOCLING, "groundtruth", `${name}.json`));
      scores.push(scoreTables(truth, tables(await parse(path.join(DOCLING, "sources", name)))));
    }
    const set = combineScores(scores);
    expect(set.found).toBe(set.truthTables);
    expect(set.f1).toBeGreaterThanOrEqual(0.85);
  });

  it("numbers blocks by slide, orders a slide title first and reads bullets, numbering and notes", async () => {
    const doc = await parse(path.join(DOCLING, "sources/powerpoint_sample.pptx"));
    expect(doc.pages).toBeUndefined();
    expect(new Set(doc.blocks.map((b) => b.pageNumber))).toEqual(new Set([1, 2, 3]));
    expect(doc.blocks[0]).toMatchObject({
      kind: "heading",
      level: 1,
      text: "Test Table Slide",
      pageNumber: 1,
    });
    const slide2 = doc.blocks.filter((b) => b.pageNumber === 2);
    expect(slide2[0]).toMatchObject({ kind: "heading", text: "Second slide title" });
    expect(slide2).toContainEqual({ kind: "text", role: "list-item", text: "• With foo", pageNumber: 2 });
    expect(slide2.at(-1)).toEqual({
      kind: "text",
      text: "Speaker notes: Some notes on the second slide.",
      pageNumber: 2,
    });
    const slide3 = texts({ blocks: doc.blocks.filter((b) => b.pageNumber === 3) });
    expect(slide3.slice(0, 3)).toEqual(["1. List item4", "2. List item5", "3. List item6"]);
    // Paragraphs with bullets switched off stay plain text.
    expect(doc.blocks).toContainEqual({ kind: "text", text: "Let’s introduce a list", pageNumber: 2 });
  });

  it("reads tables with merged cells (gridSpan, rowSpan)", async () => {
    const [table] = tables(await parse(path.join(DOCLING, "sources/powerpoint_sample.pptx")));
    expect(table?.header).toEqual(["", "Class1", "Class1", "Class1", "Class2", "Class2", "Class2"]);
    expect(table?.rows[0]).toEqual(["", "A merged with B", "", "C", "A", "B", "C"]);
    expect(table?.rows.map((r) => r[0])).toEqual(["", "R1", "R2", "R3", "R3", "R4", "R4", "R4"]);
  });

  it("turns charts into a figure with the chart title plus a data table, pictures into alt text", async () => {
    const chart = await parse(path.join(DOCLING, "sources/pptx_chart.pptx"));
    expect(chart.blocks[1]).toMatchObject({
      kind: "figure",
      caption: "Wild Duck Observations by Year",
      text: "Bar chart: Freshwater Ducks, Saltwater Ducks",
    });
    expect(tables(chart)[0]).toMatchObject({
      header: ["", "Freshwater Ducks", "Saltwater Ducks"],
      rows: expect.arrayContaining([["2019", "120", "80"]]),
    });
    const picture = await parse(path.join(DOCLING, "sources/powerpoint_with_image.pptx"));
    expect(picture.blocks.find((b) => b.kind === "figure")).toMatchObject({
      text: expect.stringContaining("A cartoon duck holding a paper"),
    });
  });

  it("reads group shapes (nested) and tables of the sample documents", async () => {
    const groups = await parse(path.join(DOCS, "group-shapes-nested.pptx"));
    expect(texts(groups).sort()).toEqual(["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]);
    // A group is read as a unit: B and D (one group) before C.
    const order = texts(groups);
    expect(order.indexOf("D")).toBeLessThan(order.indexOf("C"));
    const table = tables(await parse(path.join(DOCS, "fake-power-point-table.pptx")))[0];
    expect(table).toMatchObject({
      header: ["Column 1", "Column 2", "Column 3"],
      rows: [
        ["Red", "Green", "Blue"],
        ["Purple", "Orange", "Yellow"],
        ["Tangerine", "Pink", "Aqua"],
      ],
    });
  });

  it("parses the malformed sample, and reports slides without text or over the page limit", async () => {
    expect(texts(await parse(path.join(DOCS, "fake-power-point-malformed.pptx")))).toEqual(["Test Slide"]);
    await expect(parse(path.join(DOCS, "test-image-jpg-mime.pptx"))).rejects.toMatchObject({
      code: "EMPTY_DOCUMENT",
    });
    await expect(
      parse(path.join(DOCS, "fake-power-point-many-pages.pptx"), { ...DEFAULT_PARSE_LIMITS, maxPages: 1 }),
    ).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });
});

describe("pptx page geometry with LibreOffice", () => {
  it.skipIf(!libreOfficePath())("puts each slide's blocks on its page, with boxes", async () => {
    const doc = await parse(
      path.join(DOCLING, "sources/powerpoint_with_image.pptx"),
      DEFAULT_PARSE_LIMITS,
      ON,
    );
    expect(doc.pages).toEqual([{ pageNumber: 1, width: 2000, height: 1125 }]);
    expect(doc.pagesPdf?.length).toBeGreaterThan(0);
    for (const block of doc.blocks) {
      expect(block.pageNumber).toBe(1);
      expect(block.boxes?.[0]?.pageNumber, JSON.stringify(block)).toBe(1);
    }
  });
});
