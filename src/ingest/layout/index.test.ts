import { describe, expect, it } from "vitest";
import type { Block, TableBlock } from "../types.js";
import { layoutDocument } from "./index.js";
import type { PageContent, Rect, TextItem } from "./types.js";

const W = 1275;
const H = 1650;

/** A text run at (x, y) (top-left), 0.5 em per character. */
function item(text: string, x: number, y: number, size = 20, bold = false): TextItem {
  return { text, x0: x, y0: y, x1: x + text.length * size * 0.5, y1: y + size, fontSize: size, bold };
}

function page(pageNumber: number, items: TextItem[], rules: Rect[] = [], images: Rect[] = []): PageContent {
  return { pageNumber, width: W, height: H, items, rules, images };
}

function texts(blocks: readonly Block[]): string[] {
  return blocks.map((b) =>
    b.kind === "table"
      ? `table:${b.header.join("|")}`
      : b.kind === "figure"
        ? `figure:${b.caption ?? ""}`
        : b.text,
  );
}

/** Paragraph lines of ~60 characters, 26 px apart. */
function para(x: number, y: number, lines: string[], size = 20): TextItem[] {
  return lines.map((l, i) => item(l, x, y + i * 26, size));
}

describe("layoutDocument", () => {
  it("joins items on a baseline and lines into a paragraph, undoing hyphenation", () => {
    const blocks = layoutDocument([
      page(1, [
        item("The quick brown", 150, 200),
        item("fox jumps over the infor-", 310, 200),
        item("mation highway today.", 150, 226),
      ]),
    ]);
    expect(texts(blocks)).toEqual(["The quick brown fox jumps over the information highway today."]);
    expect(blocks[0]?.pageNumber).toBe(1);
    expect(blocks[0]?.boxes?.[0]).toMatchObject({ pageNumber: 1, topLeftX: 150, topLeftY: 200 });
  });

  it("splits paragraphs at vertical gaps and reads two columns one after the other", () => {
    const left = para(100, 300, [
      "Left column first line of the text with",
      "more words that keeps going on and on",
      "until it finally ends right here.",
    ]);
    const left2 = para(100, 420, ["Second left paragraph with several words", "ends now."]);
    const right = para(680, 300, [
      "Right column first line of the story",
      "which continues below for a little while",
      "and then finishes the story.",
    ]);
    const blocks = layoutDocument([
      page(1, [item("A Title Spanning Both Columns", 300, 150, 40), ...left, ...left2, ...right]),
    ]);
    expect(texts(blocks)).toEqual([
      "A Title Spanning Both Columns",
      "Left column first line of the text with more words that keeps going on and on until it finally ends right here.",
      "Second left paragraph with several words ends now.",
      "Right column first line of the story which continues below for a little while and then finishes the story.",
    ]);
    expect(blocks[0]).toMatchObject({ kind: "heading", level: 1 });
  });

  it("ranks heading levels by size and detects list items", () => {
    const blocks = layoutDocument([
      page(1, [
        item("Big Title", 100, 100, 40),
        item("Section One", 100, 200, 28),
        ...para(100, 260, ["Body text line one that is long enough", "and a second line of body text."]),
        item("• first bullet item", 100, 360),
        item("• second bullet item", 100, 386),
        item("1. numbered item", 100, 412),
        item("Section Two", 100, 500, 28),
        ...para(100, 560, ["More body text after the second section."]),
      ]),
    ]);
    const kinds = blocks.map((b) =>
      b.kind === "heading" ? `h${b.level}` : b.kind === "text" ? (b.role ?? "p") : b.kind,
    );
    expect(kinds).toEqual(["h1", "h2", "p", "list-item", "list-item", "list-item", "h2", "p"]);
  });

  it("drops running headers, footers and page numbers", () => {
    const pages = [1, 2, 3].map((n) =>
      page(n, [
        item("ACME Corp Annual Report", 100, 40, 16),
        ...para(100, 300, [`Body of page ${n} with some words.`]),
        item(`Page ${n} of 3`, 560, 1590, 16),
      ]),
    );
    const blocks = layoutDocument(pages);
    expect(texts(blocks)).toEqual([
      "Body of page 1 with some words.",
      "Body of page 2 with some words.",
      "Body of page 3 with some words.",
    ]);
  });

  it("builds a table from a ruled grid", () => {
    const xs = [100, 400, 700, 1000];
    const ys = [300, 350, 400, 450];
    const rules: Rect[] = [
      ...ys.map((y) => ({ x0: xs[0] ?? 0, y0: y - 1, x1: xs[3] ?? 0, y1: y + 1 })),
      ...xs.map((x) => ({ x0: x - 1, y0: ys[0] ?? 0, x1: x + 1, y1: ys[3] ?? 0 })),
    ];
    const cells = [
      ["Name", "Age", "City"],
      ["Ann", "31", "Oslo"],
      ["Bob", "45", "Rome"],
    ];
    const items = cells.flatMap((row, r) => row.map((t, c) => item(t, (xs[c] ?? 0) + 10, (ys[r] ?? 0) + 15)));
    const blocks = layoutDocument([page(1, [item("Before the table.", 100, 200), ...items], rules)]);
    const table = blocks.find((b): b is TableBlock => b.kind === "table");
    expect(table?.header).toEqual(["Name", "Age", "City"]);
    expect(table?.rows).toEqual([
      ["Ann", "31", "Oslo"],
      ["Bob", "45", "Rome"],
    ]);
    expect(table?.boxes?.[0]).toMatchObject({
      topLeftX: 100,
      topLeftY: 300,
      bottomRightX: 1000,
      bottomRightY: 450,
    });
    expect(texts(blocks)[0]).toBe("Before the table.");
  });

  it("builds a table from aligned text without rules", () => {
    const rows = [
      ["Product", "Units", "Price"],
      ["Apples", "12", "3.50"],
      ["Pears", "7", "4.10"],
      ["Plums", "30", "2.20"],
    ];
    const items = rows.flatMap((row, r) => row.map((t, c) => item(t, 100 + c * 300, 300 + r * 30)));
    const blocks = layoutDocument([page(1, [item("Table 1: Fruit sales", 100, 250), ...items])]);
    const table = blocks.find((b): b is TableBlock => b.kind === "table");
    expect(table?.header).toEqual(["Product", "Units", "Price"]);
    expect(table?.rows).toEqual(rows.slice(1));
    expect(table?.title).toBe("Table 1: Fruit sales");
  });

  it("keeps text inside an image region in the figure and attaches its caption", () => {
    const blocks = layoutDocument([
      page(
        1,
        [
          item("Axis label", 300, 400),
          item("Figure 2: A chart of things.", 200, 720),
          ...para(100, 900, ["Body text after the figure."]),
        ],
        [],
        [{ x0: 200, y0: 300, x1: 900, y1: 700 }],
      ),
    ]);
    expect(blocks[0]).toMatchObject({
      kind: "figure",
      caption: "Figure 2: A chart of things.",
      text: "Axis label",
    });
    expect(texts(blocks)).toEqual(["figure:Figure 2: A chart of things.", "Body text after the figure."]);
  });

  it("joins a paragraph cut by a page break, with a box on each page", () => {
    const blocks = layoutDocument([
      page(1, para(100, 1400, ["This sentence starts on one page and"])),
      page(2, para(100, 200, ["ends on the next one."])),
    ]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ text: "This sentence starts on one page and ends on the next one." });
    expect(blocks[0]?.boxes?.map((b) => b.pageNumber)).toEqual([1, 2]);
  });

  it("reads a table of contents with dot leaders as an (entry, page) table", () => {
    const entries = [
      ["Introduction", "1"],
      ["Getting started", "4"],
      ["Advanced topics", "12"],
      ["Index", "xiv"],
    ];
    const items = entries.map(([title, pageNo], i) =>
      item(`${title} . . . . . . . . . . ${pageNo}`, 150, 200 + i * 30),
    );
    const blocks = layoutDocument([page(1, items)]);
    const table = blocks.find((b): b is TableBlock => b.kind === "table");
    expect(table?.header).toEqual(["column_1", "column_2"]);
    expect(table?.rows).toEqual(entries);
  });

  it("keeps a monospaced listing together as code, with its indentation", () => {
    const mono = (text: string, x: number, y: number): TextItem => ({
      ...item(text, x, y),
      x1: x + text.length * 12,
      fontName: "Courier",
    });
    const blocks = layoutDocument([
      page(1, [
        item("The query below lists the users.", 100, 100),
        mono("SELECT", 100, 140),
        mono("name,", 220, 140),
        mono("age", 220, 166),
        mono("FROM", 100, 192),
        mono("users;", 220, 192),
      ]),
    ]);
    expect(blocks[1]).toMatchObject({
      kind: "text",
      role: "code",
      text: "SELECT    name,\n          age\nFROM      users;",
    });
    expect(blocks.some((b) => b.kind === "table")).toBe(false);
  });

  it("finds a table inside one column of a two-column page", () => {
    const prose = (x: number, y: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        item("words of running prose that fill the column here", x, y + i * 26, 20),
      );
    const rows = [
      ["Metal", "Density"],
      ["Iron", "7.87"],
      ["Gold", "19.3"],
      ["Zinc", "7.14"],
    ];
    const table = rows.flatMap((row, r) => row.map((t, c) => item(t, 100 + c * 200, 500 + r * 26)));
    const blocks = layoutDocument([
      page(1, [...prose(100, 300, 6), ...table, ...prose(100, 640, 4), ...prose(680, 300, 18)]),
    ]);
    const found = blocks.filter((b): b is TableBlock => b.kind === "table");
    expect(found).toHaveLength(1);
    expect(found[0]?.header).toEqual(["Metal", "Density"]);
    expect(found[0]?.rows).toEqual(rows.slice(1));
  });

  it("splits a ruled row holding two unwrapped lines per cell (a missing rule) into two rows", () => {
    const xs = [100, 300, 500];
    const rules: Rect[] = [
      ...[300, 380, 420].map((y) => ({ x0: 100, y0: y - 1, x1: 500, y1: y + 1 })),
      ...xs.map((x) => ({ x0: x - 1, y0: 300, x1: x + 1, y1: 420 })),
    ];
    const items = [
      item("Kind", 110, 310),
      item("Before", 310, 310),
      item("Class", 110, 345),
      item("Group 1", 310, 345),
      item("Rule", 110, 390),
      item("Old", 310, 390),
    ];
    const table = layoutDocument([page(1, items, rules)]).find((b): b is TableBlock => b.kind === "table");
    expect(table?.header).toEqual(["Kind", "Before"]);
    expect(table?.rows).toEqual([
      ["Class", "Group 1"],
      ["Rule", "Old"],
    ]);
  });

  it("does not read a centred heading and a left-aligned one below it as two columns", () => {
    const blocks = layoutDocument([
      page(1, [
        item("CHAPTER", 550, 300, 30, true),
        item("Section", 100, 390, 25, true),
        ...para(100, 440, ["Body text of the section, long enough to be a paragraph of text."]),
      ]),
    ]);
    expect(texts(blocks)).toEqual([
      "CHAPTER",
      "Section",
      "Body text of the section, long enough to be a paragraph of text.",
    ]);
  });

  it("keeps right-aligned right-to-left lines in one paragraph", () => {
    const rtl = (text: string, y: number, width: number): TextItem => ({
      text,
      x0: 1100 - width,
      y0: y,
      x1: 1100,
      y1: y + 20,
      fontSize: 20,
    });
    const blocks = layoutDocument([
      page(1, [
        rtl("هذا سطر طويل من النص العربي يملأ العمود كله", 200, 900),
        rtl("ويستمر هنا حتى نهاية الفقرة.", 226, 400),
        rtl("فقرة جديدة تبدأ هنا.", 290, 380),
      ]),
    ]);
    expect(texts(blocks)).toEqual([
      "هذا سطر طويل من النص العربي يملأ العمود كله ويستمر هنا حتى نهاية الفقرة.",
      "فقرة جديدة تبدأ هنا.",
    ]);
  });
});
