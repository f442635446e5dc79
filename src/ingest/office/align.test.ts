import { describe, expect, it } from "vitest";
import type { PageContent, TextItem } from "../layout/types.js";
import type { Block } from "../types.js";
import { alignBlocks, normalizeForAlignment } from "./align.js";

function item(text: string, x0: number, y0: number, x1: number, y1: number): TextItem {
  return { text, x0, y0, x1, y1, fontSize: y1 - y0 };
}

function page(pageNumber: number, items: TextItem[], images: PageContent["images"] = []): PageContent {
  return { pageNumber, width: 1000, height: 1400, items, rules: [], images };
}

describe("normalizeForAlignment", () => {
  it("keeps letters and digits only, NFKC lower-cased", () => {
    expect(normalizeForAlignment("• Ｆirst – ﬁnal item 1.")).toBe("firstfinalitem1");
  });
});

describe("alignBlocks", () => {
  const pages = [
    page(1, [
      item("Report title", 100, 100, 500, 140),
      item("The first para", 100, 200, 400, 220),
      // A word split over two items (formatting change) and a line break.
      item("graph conti", 400, 200, 600, 220),
      item("nues here.", 100, 230, 300, 250),
      item("Page 1", 480, 1350, 520, 1370),
    ]),
    page(2, [
      item("Second page text that runs", 100, 100, 700, 120),
      item("onto its second line.", 100, 130, 500, 150),
      item("Name", 100, 300, 200, 320),
      item("Value", 300, 300, 400, 320),
      item("alpha", 100, 330, 200, 350),
      item("1", 300, 330, 320, 350),
      item("Page 2", 480, 1350, 520, 1370),
    ]),
  ];

  it("places blocks on their pages with the union of their items' boxes", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "Report title" },
      { kind: "text", text: "The first paragraph continues here." },
      { kind: "text", text: "Second page text that runs onto its second line." },
      { kind: "table", header: ["Name", "Value"], rows: [["alpha", "1"]] },
    ];
    const [title, para, second, table] = alignBlocks(blocks, pages);
    expect(title).toMatchObject({
      pageNumber: 1,
      boxes: [{ pageNumber: 1, topLeftX: 100, topLeftY: 100, bottomRightX: 500, bottomRightY: 140 }],
    });
    expect(para?.boxes).toEqual([
      { pageNumber: 1, topLeftX: 100, topLeftY: 200, bottomRightX: 600, bottomRightY: 250 },
    ]);
    expect(second).toMatchObject({
      pageNumber: 2,
      boxes: [{ pageNumber: 2, topLeftY: 100, bottomRightY: 150 }],
    });
    expect(table).toMatchObject({
      pageNumber: 2,
      boxes: [{ topLeftX: 100, topLeftY: 300, bottomRightX: 400, bottomRightY: 350 }],
    });
  });

  it("tolerates small differences (an inserted footnote marker, a list marker)", () => {
    const [para] = alignBlocks(
      [{ kind: "text", role: "list-item", text: "• The first[1] paragraph continues here." }],
      pages,
    );
    expect(para?.pageNumber).toBe(1);
  });

  it("splits a block spanning two pages into one box per page", () => {
    const [block] = alignBlocks([{ kind: "text", text: "continues here. Page 1 Second page text" }], pages);
    expect(block?.boxes?.map((b) => b.pageNumber)).toEqual([1, 2]);
    expect(block?.pageNumber).toBe(1);
  });

  it("leaves blocks that are not in the PDF without page or boxes, and does not move past them", () => {
    const blocks: Block[] = [
      { kind: "text", text: "Speaker notes are not rendered anywhere in this PDF." },
      { kind: "heading", level: 1, text: "Report title" },
    ];
    const [missing, title] = alignBlocks(blocks, pages);
    expect(missing).toEqual({ kind: "text", text: "Speaker notes are not rendered anywhere in this PDF." });
    expect(title?.pageNumber).toBe(1);
  });

  it("drops page numbers the blocks had before (a rendering replaces Word's page guesses)", () => {
    const [block] = alignBlocks([{ kind: "text", text: "Nowhere to be found", pageNumber: 7 }], pages);
    expect(block).toEqual({ kind: "text", text: "Nowhere to be found" });
  });

  it("confines blocks to a fixed page when asked (slides)", () => {
    const blocks: Block[] = [
      { kind: "text", text: "Report title", pageNumber: 2 },
      { kind: "text", text: "Name Value", pageNumber: 2 },
    ];
    const [wrongPage, right] = alignBlocks(blocks, pages, { pageOf: (b) => b.pageNumber });
    expect(wrongPage).toEqual({ kind: "text", text: "Report title", pageNumber: 2 });
    expect(right).toMatchObject({ pageNumber: 2, boxes: [{ pageNumber: 2, topLeftY: 300 }] });
  });

  it("gives a figure the image region between its neighbours", () => {
    const withImage = [
      page(
        1,
        [item("Above the picture", 100, 100, 400, 120), item("Below the picture", 100, 600, 400, 620)],
        [
          { x0: 500, y0: 10, x1: 900, y1: 60 },
          { x0: 100, y0: 150, x1: 500, y1: 550 },
        ],
      ),
    ];
    const blocks: Block[] = [
      { kind: "text", text: "Above the picture" },
      { kind: "figure", text: "A duck" },
      { kind: "text", text: "Below the picture" },
    ];
    expect(alignBlocks(blocks, withImage)[1]).toEqual({
      kind: "figure",
      text: "A duck",
      pageNumber: 1,
      boxes: [{ pageNumber: 1, topLeftX: 100, topLeftY: 150, bottomRightX: 500, bottomRightY: 550 }],
    });
  });
});
