import { describe, expect, it } from "vitest";
import { makePdf, textLines } from "../../../test/helpers/pdf-fixtures.js";
import { DEFAULT_PARSE_LIMITS } from "../types.js";
import { openPdf } from "./index.js";
import { MIN_PAGES_PER_THREAD, pageRanges, parallelismFor, readPagesInParallel } from "./parallel.js";
import { readPages } from "./read-pages.js";

describe("parallelismFor / pageRanges", () => {
  it("uses one thread for short documents and at most two for long ones", () => {
    expect(parallelismFor(10, 8)).toBe(1);
    expect(parallelismFor(2 * MIN_PAGES_PER_THREAD - 1, 8)).toBe(1);
    expect(parallelismFor(619, 8)).toBe(2);
    expect(parallelismFor(619, 1)).toBe(1);
  });

  it("splits pages into contiguous ranges", () => {
    expect(pageRanges(619, 2)).toEqual([
      [1, 310],
      [311, 619],
    ]);
    expect(pageRanges(3, 2)).toEqual([
      [1, 2],
      [3, 3],
    ]);
    expect(pageRanges(1, 2)).toEqual([[1, 1]]);
  });
});

describe("readPagesInParallel", () => {
  it("reads a range in a worker thread and gives the same pages as one thread", async () => {
    const pages = Array.from({ length: 6 }, (_, i) => ({
      runs: textLines([`Page ${i + 1} says hello.`, "A second line of text."], 72, 700),
    }));
    const bytes = await makePdf(pages);
    const pdf = await openPdf(bytes);
    try {
      const single = await readPages(pdf, 1, 6, DEFAULT_PARSE_LIMITS);
      const parallel = await readPagesInParallel(bytes, 6, 2, DEFAULT_PARSE_LIMITS, (from, to) =>
        readPages(pdf, from, to, DEFAULT_PARSE_LIMITS),
      );
      expect(parallel).toEqual(single);
      expect(parallel.map((p) => p.content.pageNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await pdf.close();
    }
  });

  it("passes a worker's ParseError on (and still terminates it)", async () => {
    const pages = Array.from({ length: 4 }, () => ({ runs: textLines(["x".repeat(60)], 72, 700) }));
    const bytes = await makePdf(pages);
    const limits = { ...DEFAULT_PARSE_LIMITS, maxChars: 100 };
    await expect(readPagesInParallel(bytes, 4, 2, limits, async () => [])).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
    });
  });
});
