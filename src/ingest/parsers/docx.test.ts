import fs from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { combineScores, loadGroundTruthTables, scoreTables } from "../../../test/quality/tables/metric.js";
import { libreOfficePath } from "../office/libreoffice.js";
import {
  type Block,
  DEFAULT_PARSE_LIMITS,
  DEFAULT_PARSER_OPTIONS,
  type ParsedDocument,
  type ParserOptions,
  type TableBlock,
} from "../types.js";
import { docxParser } from "./docx.js";

const EVAL = path.resolve(import.meta.dirname, "../../../../shared/eval");
const DOCLING = path.join(EVAL, "docling/docx");
const DOCS = path.join(EVAL, "documents");

const read = (file: string): Uint8Array => new Uint8Array(fs.readFileSync(file));

function parse(file: string, options: ParserOptions = OFF): Promise<ParsedDocument> {
  return docxParser.parse(read(file), {
    fileName: path.basename(file),
    format: "docx",
    limits: DEFAULT_PARSE_LIMITS,
    options,
  });
}

const parsed = new Map<string, Promise<ParsedDocument>>();
/** The set tests read the same documents (LibreOffice off): parse each once. */
function parseOnce(file: string): Promise<ParsedDocument> {
  let doc = parsed.get(file);
  if (!doc) {
    doc = parse(file);
    parsed.set(file, doc);
  }
  return doc;
}

const tables = (doc: ParsedDocument): TableBlock[] =>
  doc.blocks.filter((b): b is TableBlock => b.kind === "table");
const norm = (text: string): string =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");

interface TruthText {
  readonly label: string;
  readonly text: string;
}

/** Without LibreOffice (fast, deterministic), and with it when installed. */
const OFF: ParserOptions = { ...DEFAULT_PARSER_OPTIONS, libreoffice: "off" };
const ON: ParserOptions = DEFAULT_PARSER_OPTIONS;

describe("docx parser on docling's DOCX set", () => {
  const sources = fs.readdirSync(path.join(DOCLING, "sources")).sort();

  it("finds every heading and every list item outside tables of the ground truth", async () => {
    for (const name of sources) {
      const doc = await parseOnce(path.join(DOCLING, "sources", name));
      const truth = JSON.parse(
        fs.readFileSync(path.join(DOCLING, "groundtruth", `${name}.json`), "utf8"),
      ) as {
        texts: TruthText[];
      };
      const headings = doc.blocks.filter((b) => b.kind === "heading").map((b) => norm(b.text));
      const items = doc.blocks.flatMap((b) =>
        b.kind === "text" && b.role === "list-item" ? [norm(b.text)] : [],
      );
      const cells = tables(doc).flatMap((t) => [...t.header, ...t.rows.flat()].map(norm));
      for (const t of truth.texts) {
        const key = norm(t.text);
        if (!key) continue;
        if (t.label === "title" || t.label === "section_header") {
          expect(
            headings.some((h) => h.endsWith(key)),
            `${name}: heading "${t.text}"`,
          ).toBe(true);
        }
        if (t.label === "list_item" && !cells.some((c) => c.includes(key))) {
          expect(
            items.some((i) => i.endsWith(key)),
            `${name}: list item "${t.text}"`,
          ).toBe(true);
        }
      }
    }
  });

  it("finds every ground-truth table with cell F1 ≥ 0.85 over the set", async () => {
    const scores = [];
    for (const name of sources) {
      const truth = loadGroundTruthTables(path.join(DOCLING, "groundtruth", `${name}.json`));
      scores.push(scoreTables(truth, tables(await parseOnce(path.join(DOCLING, "sources", name)))));
    }
    const set = combineScores(scores);
    expect(set.truthTables).toBeGreaterThanOrEqual(22);
    expect(set.found).toBe(set.truthTables);
    expect(set.f1).toBeGreaterThanOrEqual(0.85);
  });

  it("maps Title / Heading n to levels and keeps heading numbers and list markers", async () => {
    const doc = await parse(path.join(DOCLING, "sources/unit_test_headers_numbered.docx"));
    const headings = doc.blocks.filter((b) => b.kind === "heading");
    expect(headings[0]).toMatchObject({ level: 1, text: "Test Document" });
    expect(headings[1]).toMatchObject({ level: 2, text: "1. Section 1" });
    expect(headings.find((h) => h.text.endsWith("Section 1.2.3"))).toMatchObject({
      level: 4,
      text: "1.2.1. Section 1.2.3",
    });
    expect(doc.title).toBe("Test Document");
    const lists = await parse(path.join(DOCLING, "sources/docx_lists.docx"));
    const items = lists.blocks.flatMap((b) => (b.kind === "text" && b.role === "list-item" ? [b.text] : []));
    expect(items).toContain("• List item 1.1");
    expect(items).toContain("3. List item c");
    // A new numId restarts the numbering.
    expect(items.filter((t) => t === "1. Single item of a new list")).toHaveLength(2);
  });

  it("builds merged-cell grids: vertical merges repeat, horizontal ones fill their first column", async () => {
    const doc = await parse(path.join(DOCLING, "sources/word_tables.docx"));
    const [, horizontal, , vertical, , late] = tables(doc);
    expect(horizontal?.rows[0]).toEqual(["Cell 1.0", "Merged Cell 1.1 1.2", ""]);
    expect(vertical?.rows.slice(0, 2).map((r) => r[1])).toEqual([
      "Merged Cell 1.1 2.1",
      "Merged Cell 1.1 2.1",
    ]);
    // A row starting late (w:gridBefore) keeps its cells in their columns.
    expect(late).toMatchObject({ header: ["Header 0.0", "Header 0.1"], rows: [["", "Cell 1.1"]] });
  });

  it("emits nested tables after their outer table and unwraps one-cell frames", async () => {
    const doc = await parse(path.join(DOCS, "docx-tables.docx"));
    const [simple, outer, inner, merged] = tables(doc);
    expect(simple).toMatchObject({
      header: ["Header Col 1", "Header Col 2"],
      rows: [["Lorem ipsum", "A link example"]],
    });
    expect(outer?.header).toEqual(["a", ">b<", "c"]);
    expect(inner).toMatchObject({ header: ["e", "f"], rows: [["g&t", "h"]] });
    expect(merged?.rows).toEqual([
      ["a", "c", "d"],
      ["e", "", "d"],
    ]);
    const frame = await parse(path.join(DOCLING, "sources/tablecell.docx"));
    expect(frame.blocks[0]).toMatchObject({ kind: "text", role: "list-item", text: "• Hello world1" });
    expect(tables(frame)).toHaveLength(1);
  });

  it("handles rows missing cells (tables-with-incomplete-rows, fake_table)", async () => {
    const doc = await parse(path.join(DOCS, "tables-with-incomplete-rows.docx"));
    expect(tables(doc).map((t) => [t.header.length, t.rows.length])).toEqual([
      [2, 1],
      [2, 1],
      [3, 1],
      [3, 1],
      [4, 3],
      [2, 7],
    ]);
    for (const t of tables(doc)) for (const row of t.rows) expect(row).toHaveLength(t.header.length);
    const fake = await parse(path.join(DOCS, "fake_table.docx"));
    expect(tables(fake)[0]?.header).toEqual(["Header Col 1", "Header Col 2"]);
  });

  it("reads text boxes once (mc:AlternateContent) and leaves headers/footers out", async () => {
    const boxes = await parse(path.join(DOCLING, "sources/textbox.docx"));
    const text = boxes.blocks.map((b) => (b.kind === "text" ? b.text : "")).join("\n");
    expect(text).toContain("Student falls ill");
    expect(text.match(/Health Bureau:/g)).toHaveLength(1);
    const hdrftr = await parse(path.join(DOCS, "docx-hdrftr.docx"));
    expect(hdrftr.blocks).toEqual([{ kind: "text", text: "Main document" }]);
  });

  it("gives pictures their alt text and code-styled paragraphs the code role", async () => {
    const sample = await parse(path.join(DOCLING, "sources/word_sample.docx"));
    expect(sample.blocks.find((b) => b.kind === "figure")).toMatchObject({
      text: expect.stringContaining("A cartoon duck holding a paper"),
    });
    expect(sample.blocks.find((b) => b.kind === "text" && b.role === "caption")).toMatchObject({
      text: "Figure 1: This is a cute duckling",
    });
    const code = await parse(path.join(DOCLING, "sources/docx_code_blocks.docx"));
    expect(code.blocks.find((b) => b.kind === "text" && b.role === "code")).toMatchObject({
      text: "import sys\nprint(sys.argv)",
    });
  });

  it("pages blocks by Word's rendered page breaks when there is no rendering", async () => {
    const doc = await parse(path.join(DOCS, "page-breaks.docx"));
    expect(doc.pages).toBeUndefined();
    expect(doc.blocks.map((b) => b.pageNumber)).toEqual([1, 2, 3, 3, 3, 4, 4]);
    const handbook = await parse(path.join(DOCS, "handbook-1p.docx"));
    expect(new Set(handbook.blocks.map((b) => b.pageNumber))).toEqual(new Set([1, 2]));
  });

  it("numbers footnotes in the text, appends them, and skips deleted revisions", async () => {
    const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
    const bytes = zipSync({
      "word/document.xml": strToU8(
        `<w:document ${w}><w:body><w:p><w:r><w:t xml:space="preserve">Claim </w:t></w:r>` +
          "<w:del><w:r><w:delText>removed </w:delText></w:r></w:del><w:r><w:t>made</w:t></w:r>" +
          '<w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:t>.</w:t></w:r></w:p></w:body></w:document>',
      ),
      "word/footnotes.xml": strToU8(
        `<w:footnotes ${w}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>` +
          '<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> See the source.</w:t></w:r></w:p></w:footnote></w:footnotes>',
      ),
    });
    const doc = await docxParser.parse(bytes, {
      fileName: "n.docx",
      format: "docx",
      limits: DEFAULT_PARSE_LIMITS,
      options: OFF,
    });
    expect(doc.blocks).toEqual([
      { kind: "text", text: "Claim made[1]." },
      { kind: "text", text: "[1] See the source." },
    ]);
  });

  it("rejects an empty document and a document without a main part", async () => {
    const empty = zipSync({
      "word/document.xml": strToU8(
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>',
      ),
    });
    const context = {
      fileName: "e.docx",
      format: "docx" as const,
      limits: DEFAULT_PARSE_LIMITS,
      options: OFF,
    };
    await expect(docxParser.parse(empty, context)).rejects.toMatchObject({ code: "EMPTY_DOCUMENT" });
    await expect(docxParser.parse(zipSync({ "a.txt": strToU8("x") }), context)).rejects.toMatchObject({
      code: "PARSE_FAILED",
    });
  });
});

describe("docx page geometry with LibreOffice", () => {
  it.skipIf(!libreOfficePath())("places blocks on the pages of the PDF rendering, with boxes", async () => {
    const doc = await parse(path.join(DOCLING, "sources/word_sample.docx"), ON);
    expect(doc.pages).toEqual([
      { pageNumber: 1, width: 1275, height: 1650 },
      { pageNumber: 2, width: 1275, height: 1650 },
    ]);
    expect(new TextDecoder().decode(doc.pagesPdf?.subarray(0, 5))).toBe("%PDF-");
    const find = (text: string): Block | undefined =>
      doc.blocks.find((b) => (b.kind === "heading" || b.kind === "text") && b.text === text);
    expect(find("Swimming in the lake")).toMatchObject({ kind: "heading", pageNumber: 1 });
    const eat = find("Let’s eat");
    expect(eat).toMatchObject({ kind: "heading", pageNumber: 2 });
    const [box] = eat?.boxes ?? [];
    expect(box).toMatchObject({ pageNumber: 2 });
    expect(box && box.bottomRightX > box.topLeftX && box.bottomRightY > box.topLeftY).toBe(true);
    expect(box && box.topLeftY < 300).toBe(true);
    const table = tables(doc)[0];
    expect(table).toMatchObject({ pageNumber: 2, boxes: [expect.objectContaining({ pageNumber: 2 })] });
    // The picture takes the image region between its neighbours.
    expect(doc.blocks.find((b) => b.kind === "figure")).toMatchObject({
      pageNumber: 1,
      boxes: [expect.anything()],
    });
    for (const block of doc.blocks) {
      for (const b of block.boxes ?? []) {
        expect(b.bottomRightX).toBeLessThanOrEqual(1275);
        expect(b.bottomRightY).toBeLessThanOrEqual(1650);
      }
    }
  });
});
