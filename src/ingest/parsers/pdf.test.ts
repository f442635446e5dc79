import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { glyphRect, makePdf, type Run, textLines } from "../../../test/helpers/pdf-fixtures.js";
import { ocrToPageContent } from "../ocr/index.js";
import type { OcrPage } from "../ocr/types.js";
import type { OcrModule } from "../pdf/ocr-page.js";
import { processDocument } from "../process.js";
import {
  type Block,
  type Box,
  DEFAULT_PARSE_LIMITS,
  type ParseContext,
  type ParsedDocument,
  type TableBlock,
} from "../types.js";
import { createParserRegistry } from "./index.js";
import { createPdfParser, pdfParser } from "./pdf.js";

const EVAL = path.resolve(import.meta.dirname, "../../../../shared/eval");
const context: ParseContext = { fileName: "test.pdf", format: "pdf", limits: DEFAULT_PARSE_LIMITS };
const parser = createPdfParser({ threads: 1 });

function readEval(relative: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(EVAL, relative)));
}

function textOf(blocks: readonly Block[]): string[] {
  return blocks.map((b) =>
    b.kind === "table" ? `[table ${b.header.join("|")}]` : b.kind === "figure" ? "[figure]" : b.text,
  );
}

/** The block whose text contains `needle`. */
function blockWith(doc: ParsedDocument, needle: string): Block | undefined {
  return doc.blocks.find((b) => (b.kind === "heading" || b.kind === "text") && b.text.includes(needle));
}

/** True when `box` contains `rect` within ±2 % of the page size. */
function contains(
  box: Box,
  rect: { x0: number; y0: number; x1: number; y1: number },
  width = 1275,
  height = 1650,
) {
  const tx = 0.02 * width;
  const ty = 0.02 * height;
  return (
    box.topLeftX <= rect.x0 + tx &&
    box.topLeftY <= rect.y0 + ty &&
    box.bottomRightX >= rect.x1 - tx &&
    box.bottomRightY >= rect.y1 - ty
  );
}

const PARAGRAPH = [
  "The quick brown fox jumps over the lazy dog while the",
  "cat watches from the window and wonders about the day",
  "that lies ahead of them both in the quiet little town.",
];

describe("pdfParser", () => {
  it("is the pdf parser", () => {
    expect(pdfParser).toMatchObject({ name: "pdf", formats: ["pdf"] });
  });

  it("gives every block a box holding its glyphs (±2 % of the page)", async () => {
    const runs: Run[] = [
      { text: "Quarterly Report", x: 72, y: 720, size: 24, bold: true },
      ...textLines(PARAGRAPH, 72, 680),
      ...textLines(["A second paragraph further down the page, on its own."], 72, 560),
      { text: "Right side note", x: 400, y: 300, size: 11 },
    ];
    const doc = await parser.parse(await makePdf([{ runs }]), context);
    expect(doc.pages).toEqual([{ pageNumber: 1, width: 1275, height: 1650 }]);
    expect(doc.title).toBe("Quarterly Report");
    expect(doc.blocks[0]).toMatchObject({ kind: "heading", level: 1, text: "Quarterly Report" });
    expect(textOf(doc.blocks).slice(1, 3)).toEqual([
      PARAGRAPH.join(" "),
      "A second paragraph further down the page, on its own.",
    ]);
    for (const run of runs) {
      const block = blockWith(doc, run.text);
      expect(block, run.text).toBeDefined();
      expect(block?.pageNumber).toBe(1);
      const box = block?.boxes?.[0];
      expect(box && contains(box, await glyphRect(run)), run.text).toBe(true);
      // Not wildly larger than the text either: a box is the union of its lines.
      if (box) expect(box.bottomRightY - box.topLeftY).toBeLessThan(200);
    }
  });

  it("reads a two-column page column by column", async () => {
    const left = textLines(
      [
        "Left column text begins the article and",
        "goes on for a few lines of ordinary prose",
        "before it finally reaches the bottom end.",
      ],
      72,
      650,
    );
    const right = textLines(
      [
        "Right column text continues the story with",
        "more sentences that belong after the left",
        "column and close the article for good now.",
      ],
      320,
      650,
    );
    const title: Run = { text: "Two Column Title Across The Page", x: 150, y: 720, size: 18 };
    const doc = await parser.parse(await makePdf([{ runs: [title, ...left, ...right] }]), context);
    expect(textOf(doc.blocks)).toEqual([
      title.text,
      left.map((r) => r.text).join(" "),
      right.map((r) => r.text).join(" "),
    ]);
  });

  it("turns a ruled grid into a table with the right rows", async () => {
    const xs = [72, 220, 370, 520];
    const ys = [600, 575, 550, 525];
    const cells = [
      ["Country", "Capital", "Population"],
      ["Norway", "Oslo", "5.4 M"],
      ["Italy", "Rome", "59 M"],
    ];
    const lines: [number, number, number, number, number][] = [
      ...ys.map((y): [number, number, number, number, number] => [72, y, 520, y, 1]),
      ...xs.map((x): [number, number, number, number, number] => [x, 600, x, 525, 1]),
    ];
    const runs: Run[] = cells.flatMap((row, r) =>
      row.map((text, c) => ({ text, x: (xs[c] ?? 0) + 6, y: (ys[r] ?? 0) - 17, size: 11 })),
    );
    const doc = await parser.parse(
      await makePdf([{ runs: [{ text: "Before the table.", x: 72, y: 650, size: 11 }, ...runs], lines }]),
      context,
    );
    const table = doc.blocks.find((b): b is TableBlock => b.kind === "table");
    expect(table?.header).toEqual(cells[0]);
    expect(table?.rows).toEqual(cells.slice(1));
    const box = table?.boxes?.[0];
    expect(
      box &&
        contains(box, {
          x0: 72 * (150 / 72),
          y0: 192 * (150 / 72),
          x1: 520 * (150 / 72),
          y1: 267 * (150 / 72),
        }),
    ).toBe(true);
    expect(textOf(doc.blocks)).toEqual(["Before the table.", "[table Country|Capital|Population]"]);
  });

  it("drops running headers, footers and page numbers", async () => {
    const pages = [1, 2, 3].map((n) => ({
      runs: [
        { text: "Acme Corporation — Internal", x: 72, y: 760, size: 9 },
        ...textLines([`Body text of page ${n}, which is the only content.`], 72, 600),
        { text: `${n}`, x: 300, y: 30, size: 9 },
      ],
    }));
    const doc = await parser.parse(await makePdf(pages), context);
    expect(textOf(doc.blocks)).toEqual(
      [1, 2, 3].map((n) => `Body text of page ${n}, which is the only content.`),
    );
    expect(doc.blocks.map((b) => b.pageNumber)).toEqual([1, 2, 3]);
  });

  it("reports the displayed size of a rotated page and boxes in its pixels", async () => {
    const run: Run = { text: "Text on a rotated page", x: 72, y: 700, size: 14 };
    const doc = await parser.parse(await makePdf([{ runs: [run], rotate: 90 }]), context);
    expect(doc.pages).toEqual([{ pageNumber: 1, width: 1650, height: 1275 }]);
    const box = doc.blocks[0]?.boxes?.[0];
    // User (x, y) → pixels (y, x) on a page turned 90° clockwise.
    expect(box?.topLeftY).toBeGreaterThanOrEqual(72 * (150 / 72) - 5);
    expect(box?.topLeftY).toBeLessThan(72 * (150 / 72) + 5);
    expect(box?.topLeftX).toBeLessThan(700 * (150 / 72));
    expect(box?.bottomRightX).toBeGreaterThan(700 * (150 / 72));
    expect(textOf(doc.blocks).join(" ")).toContain("Text on a rotated page");
  });

  it("fails clearly on password-protected, broken and too long documents", async () => {
    await expect(parser.parse(readEval("documents/pdf/password.pdf"), context)).rejects.toMatchObject({
      code: "ENCRYPTED",
      message: "the PDF is password-protected",
    });
    const bytes = await makePdf([{ runs: textLines(["one"], 72, 700) }]);
    await expect(parser.parse(bytes.slice(0, 50), context)).rejects.toMatchObject({ code: "PARSE_FAILED" });
    const three = await makePdf([1, 2, 3].map(() => ({ runs: textLines(["page"], 72, 700) })));
    let ocrLoads = 0;
    const counting = createPdfParser({
      threads: 1,
      loadOcr: async () => {
        ocrLoads++;
        throw new Error("not expected");
      },
    });
    await expect(
      counting.parse(three, { ...context, limits: { ...DEFAULT_PARSE_LIMITS, maxPages: 2 } }),
    ).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: "the document has 3 pages, more than the limit of 2",
    });
    expect(ocrLoads).toBe(0);
  });

  it("OCRs a page without a text layer and maps the words to page pixels", async () => {
    const bytes = await makePdf([{ images: [[72, 400, 400, 200]] }]);
    let seen: { width: number; height: number } | undefined;
    const fake: OcrModule = {
      recognize: async (image): Promise<OcrPage> => {
        seen = { width: image.width, height: image.height };
        return {
          width: image.width,
          height: image.height,
          rotation: 0,
          confidence: 90,
          lines: [{ x0: 600, y0: 1000, x1: 1400, y1: 1050, block: 0 }],
          words: [
            { text: "Scanned", confidence: 92, x0: 600, y0: 1000, x1: 950, y1: 1050, line: 0 },
            { text: "words", confidence: 90, x0: 1000, y0: 1000, x1: 1400, y1: 1050, line: 0 },
          ],
        };
      },
      ocrToPageContent,
    };
    const doc = await createPdfParser({ threads: 1, loadOcr: async () => fake }).parse(bytes, context);
    expect(seen).toEqual({ width: 2550, height: 3300 });
    const block = blockWith(doc, "Scanned words");
    expect(block).toBeDefined();
    expect(block?.boxes?.[0]).toMatchObject({
      topLeftX: 300,
      topLeftY: 500,
      bottomRightX: 700,
      bottomRightY: 525,
    });
  });

  it("keeps text pages when OCR fails, and fails a document that only OCR could read", async () => {
    const failing = createPdfParser({
      threads: 1,
      loadOcr: async () => {
        throw new Error("OCR is not installed");
      },
    });
    const imageOnly = await makePdf([{ images: [[72, 400, 400, 200]] }]);
    await expect(failing.parse(imageOnly, context)).rejects.toMatchObject({
      code: "PARSE_FAILED",
      message: "the PDF has no text layer and OCR failed (page 1: OCR is not installed)",
    });
    const mixed = await makePdf([{ runs: textLines(PARAGRAPH, 72, 700) }, { images: [[72, 400, 400, 200]] }]);
    const doc = await failing.parse(mixed, context);
    expect(textOf(doc.blocks)).toEqual([PARAGRAPH.join(" "), "[figure]"]);
    expect(doc.pages).toHaveLength(2);
  });

  it("processes a PDF end to end through processDocument", async () => {
    const bytes = await makePdf([
      { runs: [{ text: "Heading", x: 72, y: 720, size: 20 }, ...textLines(PARAGRAPH, 72, 680)] },
    ]);
    const result = await processDocument({
      bytes,
      fileName: "doc.pdf",
      format: "pdf",
      processLevel: "full",
      limits: DEFAULT_PARSE_LIMITS,
      chunkIdPrefix: "abc123",
      registry: createParserRegistry([parser]),
    });
    expect(result.xray.documentPages).toHaveLength(1);
    const chunk = result.xray.chunks[0];
    expect(chunk?.text).toContain("quick brown fox");
    expect(chunk?.boundingBoxes[0]).toMatchObject({ pageNumber: 1 });
    expect(chunk?.boundingBoxes[0]?.bottomRightX).toBeGreaterThan(0);
  });
});

describe("pdfParser on real documents", () => {
  it("reads multi-column.pdf column by column", async () => {
    const doc = await parser.parse(readEval("documents/pdf/multi-column.pdf"), context);
    const text = textOf(doc.blocks).join("\n");
    const at = (s: string) => text.indexOf(s);
    expect(doc.pages).toHaveLength(13);
    // Only the arXiv stamp running up the left margin comes before the title.
    expect(at("Dense Passage Retrieval for Open-Domain Question Answering")).toBeLessThan(60);
    expect(at("Dense Passage Retrieval for Open-Domain Question Answering")).toBeGreaterThanOrEqual(0);
    expect(at("Open-domain question answering relies on efficient passage retrieval")).toBeGreaterThan(0);
    expect(at("1 Introduction")).toBeGreaterThan(at("Open-domain question answering relies"));
    // The right column's first line follows the left column's text.
    expect(at("Retrieval in open-domain QA is usually implemented")).toBeGreaterThan(at("(Voorhees, 1999)"));
    expect(blockWith(doc, "Retrieval in open-domain QA is usually implemented using TF-IDF")).toBeDefined();
  });

  it("finds the tables of korean-text-with-tables.pdf", async () => {
    const doc = await parser.parse(readEval("documents/pdf/korean-text-with-tables.pdf"), context);
    const tables = doc.blocks.filter((b): b is TableBlock => b.kind === "table");
    expect(tables.length).toBeGreaterThanOrEqual(2);
    expect(tables[0]?.header).toEqual(["업종", "적립 대상"]);
    expect(tables[0]?.rows.map((r) => r[0])).toEqual(["할인점", "주유", "온라인쇼핑몰"]);
  });

  it("reads right-to-left paragraphs whole and right-aligned", async () => {
    const doc = await parser.parse(readEval("docling/pdf/sources/right_to_left_01.pdf"), context);
    expect(doc.blocks[0]?.kind).toBe("heading");
    const paragraphs = doc.blocks.filter((b) => b.kind === "text");
    expect(paragraphs).toHaveLength(4);
    for (const p of paragraphs) expect(p.boxes?.[0]?.bottomRightX).toBeGreaterThan(1080);
  });

  it("reads the column-description table of redp5110_sampled.pdf with its title", async () => {
    const doc = await parser.parse(readEval("docling/pdf/sources/redp5110_sampled.pdf"), context);
    const table = doc.blocks.find(
      (b): b is TableBlock => b.kind === "table" && b.title === "Table 2-1 FUNCTION_USAGE view",
    );
    expect(table?.header).toEqual(["Column name", "Data type", "Description"]);
    expect(table?.rows.map((r) => r.slice(0, 2))).toEqual([
      ["FUNCTION_ID", "VARCHAR(30)"],
      ["USER_NAME", "VARCHAR(10)"],
      ["USAGE", "VARCHAR(7)"],
      ["USER_TYPE", "VARCHAR(5)"],
    ]);
    expect(table?.pageNumber).toBe(8);
  });
});
