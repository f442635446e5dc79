import { describe, expect, it } from "vitest";
import { type HwpTable, headingFromStyleName, hwpBlocks, placeSequential, TextBudget } from "./hwp-blocks.js";

describe("headingFromStyleName", () => {
  it("reads Hangul's outline styles and common heading names, in Korean and English", () => {
    expect(headingFromStyleName("개요 1", "Outline 1")).toBe(1);
    expect(headingFromStyleName("개요 10")).toBe(10);
    expect(headingFromStyleName("사용자 스타일", "Heading 3")).toBe(3);
    expect(headingFromStyleName("제목 2")).toBe(2);
    expect(headingFromStyleName("제목")).toBe(1);
    expect(headingFromStyleName("바탕글", "Normal")).toBeUndefined();
    expect(headingFromStyleName("개요 0")).toBeUndefined();
  });
});

describe("placeSequential", () => {
  it("skips the columns row spans from above still cover", () => {
    const one = { rowSpan: 1, colSpan: 1 };
    expect(
      placeSequential([
        [
          { rowSpan: 3, colSpan: 1 },
          { rowSpan: 1, colSpan: 2 },
        ],
        [one, one],
        [{ rowSpan: 1, colSpan: 2 }],
      ]),
    ).toEqual([
      [
        { row: 0, col: 0 },
        { row: 0, col: 1 },
      ],
      [
        { row: 1, col: 1 },
        { row: 1, col: 2 },
      ],
      [{ row: 2, col: 1 }],
    ]);
  });
});

describe("hwpBlocks", () => {
  it("keeps long or multi-line outline paragraphs as text", () => {
    const long = "가".repeat(201);
    expect(
      hwpBlocks(
        [
          { kind: "paragraph", text: "  짧은 제목  ", outline: 9 },
          { kind: "paragraph", text: long, outline: 1 },
          { kind: "paragraph", text: "첫 줄\n둘째 줄", outline: 2 },
          { kind: "paragraph", text: " \t " },
        ],
        ["[1] 주석"],
      ),
    ).toEqual([
      { kind: "heading", level: 6, text: "짧은 제목" },
      { kind: "text", role: "paragraph", text: long },
      { kind: "text", role: "paragraph", text: "첫 줄\n둘째 줄" },
      { kind: "text", role: "paragraph", text: "[1] 주석" },
    ]);
  });

  it("drops empty rows and columns of a table and reads an absurd grid as text", () => {
    const cell = (row: number, col: number, text: string, span = 1) => ({
      row,
      col,
      rowSpan: 1,
      colSpan: span,
      items: text ? [{ kind: "paragraph" as const, text }] : [],
    });
    const table: HwpTable = {
      kind: "table",
      caption: [],
      cells: [
        cell(0, 0, "a"),
        cell(0, 1, ""),
        cell(0, 2, "c"),
        cell(1, 0, ""),
        cell(2, 0, "x"),
        cell(2, 2, "z"),
      ],
    };
    expect(hwpBlocks([table], [])).toEqual([{ kind: "table", header: ["a", "c"], rows: [["x", "z"]] }]);
    // A hostile file declaring a 60,000 × 60,000 grid: the cells become paragraphs.
    const huge: HwpTable = {
      kind: "table",
      caption: [],
      cells: [cell(0, 0, "first"), cell(59_999, 59_999, "last")],
    };
    expect(hwpBlocks([huge], [])).toEqual([
      { kind: "text", role: "paragraph", text: "first" },
      { kind: "text", role: "paragraph", text: "last" },
    ]);
  });
});

describe("TextBudget", () => {
  it("throws LIMIT_EXCEEDED once the characters pass the limit", () => {
    const budget = new TextBudget(10);
    budget.add(6);
    budget.add(4);
    expect(() => budget.add(1)).toThrow(expect.objectContaining({ code: "LIMIT_EXCEEDED" }));
  });
});
