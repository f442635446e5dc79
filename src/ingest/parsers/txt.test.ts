import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS, type ParseContext, ParseError, type TableBlock } from "../types.js";
import { textToBlocks, txtParser } from "./txt.js";

const DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/documents");
const doc = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DOCS, name)));
const ctx = (fileName: string): ParseContext => ({ fileName, format: "txt", limits: DEFAULT_PARSE_LIMITS });
const parse = (name: string) => txtParser.parse(doc(name), ctx(name));

const FAKE_TEXT = [
  "This is a test document to use for unit tests.",
  "Doylestown, PA 18901",
  "Important points:",
  "- Hamburgers are delicious\n- Dogs are the best\n- I love fuzzy blankets",
];

describe("txt parser: encodings", () => {
  it.each([
    "fake-text-utf-16-le.txt",
    "fake-text-utf-16-be.txt",
    "fake-text-utf-16.txt",
    "fake-text-utf-32.txt",
  ])("decodes %s into the same paragraphs", async (name) => {
    const parsed = await parse(name);
    expect(parsed.blocks.map((b) => (b.kind === "text" ? b.text : ""))).toEqual(FAKE_TEXT);
  });

  it("decodes a non-UTF-8 Markdown file as windows-1252 and reads its heading", async () => {
    const parsed = await parse("umlauts-non-utf8.md");
    expect(parsed.blocks[0]).toEqual({ kind: "heading", level: 2, text: "können" });
    expect(
      parsed.blocks.map((b) => (b.kind === "heading" ? b.text : b.kind === "text" ? b.text : "")),
    ).toEqual(["können", "können", "äöüß"]);
  });

  it("rejects an all-whitespace file as EMPTY_DOCUMENT", async () => {
    await expect(parse("fake-text-all-whitespace.txt")).rejects.toMatchObject({
      name: "ParseError",
      code: "EMPTY_DOCUMENT",
    });
  });

  it("keeps a long real text whole (norwich-city.txt)", async () => {
    const parsed = await parse("norwich-city.txt");
    const text = parsed.blocks.map((b) => (b.kind === "text" ? b.text : "")).join("\n");
    expect(text).toContain("Iwan Wyn Roberts (born 26 June 1968) is a Welsh former professional footballer");
    expect(parsed.blocks.every((b) => b.kind === "text")).toBe(true);
  });

  it("enforces the character limit", async () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxChars: 10 };
    const error = await txtParser
      .parse(new TextEncoder().encode("more than ten characters"), { ...ctx("a.txt"), limits })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).code).toBe("LIMIT_EXCEEDED");
  });
});

describe("txt parser: Markdown subset", () => {
  it("turns a pipe table into a table block (simple-table.md)", async () => {
    const parsed = await parse("simple-table.md");
    const table = parsed.blocks[0] as TableBlock;
    expect(table.kind).toBe("table");
    expect(table.header).toEqual(["Item", "Price", "# In stock"]);
    expect(table.rows).toEqual([
      ["Juicy Apples", "1.99", "739"],
      ["Bananas", "1.89", "6"],
    ]);
  });

  it("reads ATX headings, paragraphs, fenced code and CRLF text", () => {
    const blocks = textToBlocks(
      "# Title #\n\nFirst line\nsecond line\n\n## Part *2*\n```js\n# not a heading\n\nconst a = 1;\n```\n#hashtag stays text",
    );
    expect(blocks).toEqual([
      { kind: "heading", level: 1, text: "Title" },
      { kind: "text", role: "paragraph", text: "First line\nsecond line" },
      { kind: "heading", level: 2, text: "Part *2*" },
      { kind: "text", role: "code", text: "# not a heading\n\nconst a = 1;" },
      { kind: "text", role: "paragraph", text: "#hashtag stays text" },
    ]);
  });

  it("uses the first level-1 heading as title and pads short table rows", async () => {
    const bytes = new TextEncoder().encode(
      "# Report\r\n\r\n| a | b |\r\n|---|:-:|\r\n| 1 |\r\n| x \\| y | 2 | 3 |\r\n",
    );
    const parsed = await txtParser.parse(bytes, ctx("r.md"));
    expect(parsed.title).toBe("Report");
    expect(parsed.blocks[1]).toEqual({
      kind: "table",
      header: ["a", "b"],
      rows: [
        ["1", ""],
        ["x | y", "2"],
      ],
    });
  });
});
