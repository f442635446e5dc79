import { describe, expect, it } from "vitest";
import type { Block, ChunkedDocument, ParsedDocument } from "../types.js";
import { chunkDocument, commonJsonPath, countTokens, renderTable } from "./index.js";
import { sentenceSpans, splitByTokens } from "./segment.js";

const paragraph = (text: string): Block => ({ kind: "text", text });
const heading = (text: string, level = 1): Block => ({ kind: "heading", level, text });

/** Every non-table chunk's text is exactly its slice of the linear text. */
function expectOffsets(chunked: ChunkedDocument): void {
  for (const chunk of chunked.chunks) {
    expect(chunk.charStart).toBeLessThanOrEqual(chunk.charEnd);
    if (chunk.contentType !== "table")
      expect(chunked.text.slice(chunk.charStart, chunk.charEnd)).toBe(chunk.text);
  }
  const starts = chunked.chunks.map((c) => c.charStart);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
}

function words(n: number, word = "word"): string {
  return Array.from({ length: n }, (_, i) => `${word}${i % 7}`).join(" ");
}

describe("countTokens", () => {
  it("counts words, punctuation and CJK characters deterministically", () => {
    expect(countTokens("Hello, world!")).toBe(4);
    expect(countTokens("東京タワー")).toBe(5);
    expect(countTokens("   \n\t ")).toBe(0);
    expect(countTokens("internationalization")).toBe(2); // 20 letters: one token per started 10
    expect(countTokens("----------")).toBe(3); // a run of one symbol: one per 4
    expect(countTokens("a".repeat(4000))).toBe(400);
    expect(countTokens("Stanley Cups 👨🔧")).toBe(4); // two emoji
  });
});

describe("chunkDocument: linear text and offsets", () => {
  it("joins blocks with a blank line and records offsets while building", () => {
    const doc: ParsedDocument = { blocks: [heading("Title"), paragraph("First."), paragraph("Second.")] };
    const chunked = chunkDocument(doc);
    expect(chunked.text).toBe("Title\n\nFirst.\n\nSecond.");
    expect(chunked.chunks).toHaveLength(1);
    expect(chunked.chunks[0]).toMatchObject({ charStart: 0, charEnd: chunked.text.length, section: 0 });
    expectOffsets(chunked);
  });

  it("keeps offsets right when the same sentence repeats across many chunks", () => {
    const sentence = "The same sentence appears again and again in this document.";
    const blocks = Array.from({ length: 60 }, () => paragraph(Array(12).fill(sentence).join(" ")));
    const chunked = chunkDocument({ blocks: [heading("Repeats"), ...blocks, heading("Again"), ...blocks] });
    expect(chunked.chunks.length).toBeGreaterThan(20);
    expectOffsets(chunked);
    // Identical texts at different places have different offsets.
    const same = chunked.chunks.filter((c) => c.text === chunked.chunks[1]?.text);
    expect(same.length).toBeGreaterThan(1);
    expect(new Set(same.map((c) => c.charStart)).size).toBe(same.length);
  });

  it("carries page numbers (ascending, unique) and merges the boxes of merged blocks", () => {
    const box = (pageNumber: number, y: number) => ({
      pageNumber,
      topLeftX: 0,
      topLeftY: y,
      bottomRightX: 10,
      bottomRightY: y + 10,
    });
    const chunked = chunkDocument({
      blocks: [
        { kind: "text", text: "On page two.", pageNumber: 2, boxes: [box(2, 0)] },
        { kind: "text", text: "On page one.", pageNumber: 1, boxes: [box(1, 5), box(1, 5)] },
        { kind: "text", text: "Again page two.", pageNumber: 2, boxes: [box(2, 50)] },
      ],
      pages: [
        { pageNumber: 1, width: 100, height: 100 },
        { pageNumber: 2, width: 100, height: 100 },
      ],
    });
    expect(chunked.chunks).toHaveLength(1);
    expect(chunked.chunks[0]?.pageNumbers).toEqual([1, 2]);
    expect(chunked.chunks[0]?.boxes).toEqual([box(2, 0), box(1, 5), box(2, 50)]);
  });
});

describe("chunkDocument: token bounds", () => {
  it("merges small paragraphs up to the target and never exceeds the maximum", () => {
    const blocks = Array.from({ length: 80 }, (_, i) => paragraph(`${words(20 + ((i * 37) % 90))}.`));
    const chunked = chunkDocument({ blocks });
    const sizes = chunked.chunks.map((c) => countTokens(c.text));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(400);
    // All but the last chunk are reasonably full (merging works).
    expect(sizes.slice(0, -1).every((n) => n >= 150)).toBe(true);
    expectOffsets(chunked);
  });

  it("splits a long paragraph at sentence boundaries, then at word boundaries", () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence ${i} has ${words(15)}.`).join(" ");
    const chunked = chunkDocument({ blocks: [paragraph(sentences)] });
    expect(chunked.chunks.length).toBeGreaterThan(1);
    for (const chunk of chunked.chunks) {
      expect(countTokens(chunk.text)).toBeLessThanOrEqual(400);
      expect(chunk.text).toMatch(/^Sentence \d+ /);
      expect(chunk.text.endsWith(".")).toBe(true);
    }
    const noStops = words(1500);
    const split = chunkDocument({ blocks: [paragraph(noStops)] });
    expect(split.chunks.length).toBeGreaterThan(3);
    for (const chunk of split.chunks) {
      expect(countTokens(chunk.text)).toBeLessThanOrEqual(400);
      expect(chunk.text).toMatch(/^word\d( word\d)*$/); // whole words only
    }
    expectOffsets(split);
    const noSpaces = chunkDocument({ blocks: [paragraph("x".repeat(20_000))] });
    expect(noSpaces.chunks.every((c) => countTokens(c.text) <= 400)).toBe(true);
    expect(noSpaces.chunks.map((c) => c.text).join("")).toBe("x".repeat(20_000));
  });

  it("reads hard-wrapped lines as one sentence when splitting", () => {
    const wrapped = Array.from(
      { length: 60 },
      (_, i) => `line ${i} of a wrapped sentence that goes on\nand on`,
    ).join(" and ");
    const chunked = chunkDocument(
      { blocks: [paragraph(`${wrapped}.`)] },
      { targetTokens: 150, maxTokens: 200 },
    );
    expect(chunked.chunks.length).toBeGreaterThan(1);
    expect(chunked.chunks.every((c) => countTokens(c.text) <= 200)).toBe(true);
    expectOffsets(chunked);
  });

  it("honours custom target and maximum sizes", () => {
    const blocks = Array.from({ length: 30 }, () => paragraph(`${words(40)}.`));
    const chunked = chunkDocument({ blocks }, { targetTokens: 100, maxTokens: 120 });
    expect(chunked.chunks.every((c) => countTokens(c.text) <= 120)).toBe(true);
    expect(chunked.chunks.length).toBeGreaterThanOrEqual(10);
  });
});

describe("chunkDocument: sections", () => {
  it("starts a section at each heading, with the heading in its first chunk", () => {
    const chunked = chunkDocument({
      blocks: [
        paragraph("Preamble before any heading."),
        heading("Part One"),
        paragraph(`${words(250)}.`),
        paragraph(`${words(250)}.`),
        heading("Part Two", 2),
        heading("Part Two A", 3),
        paragraph("Short text."),
      ],
    });
    expect(chunked.sections).toEqual([
      { index: 0, level: 0 },
      { index: 1, title: "Part One", level: 1 },
      { index: 2, title: "Part Two", level: 2 },
      { index: 3, title: "Part Two A", level: 3 },
    ]);
    const [preamble, one, oneMore, two] = chunked.chunks;
    expect(preamble).toMatchObject({ section: 0, text: "Preamble before any heading." });
    expect(one?.section).toBe(1);
    expect(one?.text.startsWith("Part One\n\nword0")).toBe(true);
    expect(oneMore?.section).toBe(1);
    expect(oneMore?.text.startsWith("word0")).toBe(true);
    // Consecutive headings open one chunk together; it belongs to the deeper section.
    expect(two).toMatchObject({ section: 3, text: "Part Two\n\nPart Two A\n\nShort text." });
    expect(chunked.chunks).toHaveLength(4);
    expectOffsets(chunked);
  });

  it("never merges text across a heading", () => {
    const chunked = chunkDocument({ blocks: [paragraph("A."), heading("B"), paragraph("C.")] });
    expect(chunked.chunks.map((c) => c.text)).toEqual(["A.", "B\n\nC."]);
  });
});

describe("chunkDocument: tables and figures", () => {
  const header = ["Name", "Value", "Note"];
  const rows = Array.from({ length: 120 }, (_, i) => [`row ${i}`, String(i * 3), `note ${words(6)}`]);

  it("splits tables into whole rows with the header repeated in every chunk", () => {
    const chunked = chunkDocument({
      blocks: [paragraph("Before."), { kind: "table", title: "Data", header, rows }, paragraph("After.")],
    });
    const tableChunks = chunked.chunks.filter((c) => c.contentType === "table");
    expect(tableChunks.length).toBeGreaterThan(2);
    expect(tableChunks.flatMap((c) => c.table?.rows ?? [])).toEqual(rows);
    for (const chunk of tableChunks) {
      expect(chunk.table?.header).toEqual(header);
      expect(chunk.table?.title).toBe("Data");
      expect(chunk.text).toBe(renderTable(header, chunk.table?.rows ?? []));
      expect(chunk.text.split("\n")[0]).toBe("Name | Value | Note");
      expect(countTokens(chunk.text)).toBeLessThanOrEqual(400);
    }
    // The linear text holds the table once; the first chunk starts at its header.
    expect(chunked.text).toContain(`Before.\n\n${renderTable(header, rows)}\n\nAfter.`);
    const first = tableChunks[0];
    expect(chunked.text.slice(first?.charStart, first?.charEnd)).toBe(first?.text);
    const second = tableChunks[1];
    expect(chunked.text.slice(second?.charStart, second?.charEnd)).toBe(
      renderTable(header, second?.table?.rows ?? [])
        .split("\n")
        .slice(1)
        .join("\n"),
    );
    expect(chunked.chunks.map((c) => c.contentType)[0]).toBe("paragraph");
    expect(chunked.chunks.at(-1)).toMatchObject({ contentType: "paragraph", text: "After." });
  });

  it("lets only a single over-long row exceed the maximum, and renders line breaks in cells as spaces", () => {
    const huge = ["big", words(600), "x\ny"];
    const chunked = chunkDocument({
      blocks: [{ kind: "table", header, rows: [["a", "1", "b"], huge, ["c", "2", "d"]] }],
    });
    const over = chunked.chunks.filter((c) => countTokens(c.text) > 400);
    expect(over).toHaveLength(1);
    expect(over[0]?.table?.rows).toEqual([huge]);
    expect(over[0]?.text.endsWith("| x y")).toBe(true);
  });

  it("uses a heading directly above an untitled table as its title", () => {
    const chunked = chunkDocument({
      blocks: [heading("Prices"), { kind: "table", header: ["Item", "Price"], rows: [["Apple", "1"]] }],
    });
    expect(chunked.chunks).toHaveLength(1);
    expect(chunked.chunks[0]).toMatchObject({ contentType: "table", section: 0, table: { title: "Prices" } });
    expect(chunked.sections[0]?.title).toBe("Prices");
  });

  it("emits figures as figure chunks, empty ones included", () => {
    const chunked = chunkDocument({
      blocks: [
        paragraph("Intro."),
        { kind: "figure", caption: "Figure 1: Growth", text: "Revenue 2020 2021" },
        { kind: "figure" },
      ],
    });
    expect(chunked.chunks.map((c) => [c.contentType, c.text])).toEqual([
      ["paragraph", "Intro."],
      ["figure", "Figure 1: Growth\nRevenue 2020 2021"],
      ["figure", ""],
    ]);
    expectOffsets(chunked);
  });

  it("keeps JSON paths, merged to their common ancestor", () => {
    const chunked = chunkDocument({
      blocks: [
        { kind: "text", role: "json", text: "items[0].a: 1", path: "$.items[0]" },
        { kind: "text", role: "json", text: "items[1].a: 2", path: "$.items[1]" },
      ],
    });
    expect(chunked.chunks[0]?.path).toBe("$.items");
    expect(commonJsonPath(['$["odd key"].x', '$["odd key"].y'])).toBe('$["odd key"]');
    expect(commonJsonPath(["$.a", "$.b"])).toBe("$");
    expect(commonJsonPath(["$.a[0:10]"])).toBe("$.a[0:10]");
  });
});

describe("segmentation helpers", () => {
  it("finds sentences in long text linearly (windowed) with exact offsets", () => {
    const text = "One sentence here. ".repeat(3000);
    const spans = sentenceSpans(text, 0, text.length);
    expect(spans).toHaveLength(3000);
    expect(spans.every((s) => text.slice(s.start, s.end) === "One sentence here.")).toBe(true);
  });

  it("splits by tokens at whitespace", () => {
    const text = "alpha beta gamma delta epsilon";
    const pieces = splitByTokens(text, { start: 0, end: text.length }, 2);
    expect(pieces.map((p) => text.slice(p.start, p.end))).toEqual(["alpha beta", "gamma delta", "epsilon"]);
  });
});
