import { describe, expect, it } from "vitest";
import { buildSearchText, type SearchTextItem } from "./text.js";

function item(overrides: Partial<SearchTextItem> & Pick<SearchTextItem, "documentId">): SearchTextItem {
  return { fileName: `${overrides.documentId}.pdf`, sectionKey: "s1", pageNumbers: [1], ...overrides };
}

describe("buildSearchText", () => {
  it("returns an empty string for no results", () => {
    expect(buildSearchText([])).toBe("");
  });

  it("reproduces the observed format byte for byte", () => {
    // Score order: doc A section 1, doc B, doc A section 1 again, doc A section 2, doc B again, doc C.
    const results: SearchTextItem[] = [
      {
        documentId: "a",
        fileName: "annual-report.pdf",
        sectionKey: "a/1",
        pageNumbers: [5, 6],
        suggestedText: "Revenue grew 12% in 2023.",
        text: "raw revenue text",
      },
      {
        documentId: "b",
        fileName: "handbook.docx",
        sectionKey: "b/1",
        pageNumbers: [2],
        suggestedText: "Employees accrue 25 days of leave.",
      },
      {
        documentId: "a",
        fileName: "annual-report.pdf",
        sectionKey: "a/1",
        pageNumbers: [7],
        suggestedText: "Operating margin was 18%.",
      },
      {
        documentId: "a",
        fileName: "annual-report.pdf",
        sectionKey: "a/2",
        pageNumbers: [10, 11, 12],
        suggestedText: "Outlook:\nWe expect steady growth.",
      },
      {
        documentId: "b",
        fileName: "handbook.docx",
        sectionKey: "b/1",
        pageNumbers: [3],
        text: "Leave requests go to HR.",
      },
      {
        documentId: "c",
        fileName: "notes.txt",
        sectionKey: "c/1",
        pageNumbers: [],
        suggestedText: "A page-less note.",
      },
    ];
    const expected =
      "The following text excerpts are from the same section of a document named 'annual-report.pdf':\n" +
      "\n" +
      "Text excerpt from page number 5 and page number 6:\n" +
      "Revenue grew 12% in 2023.\n" +
      "\n" +
      "\n" +
      "Text excerpt from page number 7:\n" +
      "Operating margin was 18%.\n" +
      "\n" +
      "\n" +
      "The following text excerpts are from the same section of a document named 'handbook.docx':\n" +
      "\n" +
      "Text excerpt from page number 2:\n" +
      "Employees accrue 25 days of leave.\n" +
      "\n" +
      "\n" +
      "Text excerpt from page number 3:\n" +
      "Leave requests go to HR.\n" +
      "\n" +
      "\n" +
      "The following text excerpt is from a section of a document named 'annual-report.pdf':\n" +
      "\n" +
      "Text excerpt from page number 10, page number 11 and page number 12:\n" +
      "Outlook:\n" +
      "We expect steady growth.\n" +
      "\n" +
      "\n" +
      "The following text excerpt is from a section of a document named 'notes.txt':\n" +
      "\n" +
      "Text excerpt:\n" +
      "A page-less note.";
    expect(buildSearchText(results)).toBe(expected);
  });

  it("uses the single-chunk wording for a one-chunk group", () => {
    expect(buildSearchText([item({ documentId: "d", pageNumbers: [4], suggestedText: "Body" })])).toBe(
      "The following text excerpt is from a section of a document named 'd.pdf':\n\nText excerpt from page number 4:\nBody",
    );
  });

  it("uses the plural wording for a group of two or more chunks", () => {
    const out = buildSearchText([
      item({ documentId: "d", suggestedText: "one" }),
      item({ documentId: "d", suggestedText: "two" }),
      item({ documentId: "d", suggestedText: "three" }),
    ]);
    expect(out).toBe(
      "The following text excerpts are from the same section of a document named 'd.pdf':\n\n" +
        "Text excerpt from page number 1:\none\n\n\n" +
        "Text excerpt from page number 1:\ntwo\n\n\n" +
        "Text excerpt from page number 1:\nthree",
    );
  });

  it("words page lists of one, two, three and four pages", () => {
    const label = (pageNumbers: number[]): string =>
      buildSearchText([item({ documentId: "d", pageNumbers, suggestedText: "x" })]).split("\n")[2] ?? "";
    expect(label([3])).toBe("Text excerpt from page number 3:");
    expect(label([5, 6])).toBe("Text excerpt from page number 5 and page number 6:");
    expect(label([1, 2, 3])).toBe("Text excerpt from page number 1, page number 2 and page number 3:");
    expect(label([1, 2, 3, 4])).toBe(
      "Text excerpt from page number 1, page number 2, page number 3 and page number 4:",
    );
    expect(label([])).toBe("Text excerpt:");
  });

  it("sorts and de-duplicates page numbers, ignoring non-finite ones", () => {
    const label = (pageNumbers: number[]): string =>
      buildSearchText([item({ documentId: "d", pageNumbers, suggestedText: "x" })]).split("\n")[2] ?? "";
    expect(label([6, 5])).toBe("Text excerpt from page number 5 and page number 6:");
    expect(label([10, 9, 10, 2])).toBe("Text excerpt from page number 2, page number 9 and page number 10:");
    expect(label([7, 7])).toBe("Text excerpt from page number 7:");
    expect(label([Number.NaN, 4, Number.POSITIVE_INFINITY])).toBe("Text excerpt from page number 4:");
    expect(label([Number.NaN])).toBe("Text excerpt:");
  });

  it("prefers suggestedText and falls back to text", () => {
    const body = (overrides: Partial<SearchTextItem>): string =>
      buildSearchText([item({ documentId: "d", ...overrides })])
        .split("\n")
        .slice(3)
        .join("\n");
    expect(body({ suggestedText: "suggested", text: "raw" })).toBe("suggested");
    expect(body({ text: "raw" })).toBe("raw");
    expect(body({ suggestedText: "", text: "raw" })).toBe("raw");
    expect(body({ suggestedText: "", text: "" })).toBe("");
    expect(body({})).toBe("");
  });

  it("still lists an excerpt with no text at all", () => {
    expect(buildSearchText([item({ documentId: "d", pageNumbers: [2] })])).toBe(
      "The following text excerpt is from a section of a document named 'd.pdf':\n\nText excerpt from page number 2:\n",
    );
  });

  it("groups by document and section together", () => {
    const out = buildSearchText([
      item({ documentId: "a", sectionKey: "x", suggestedText: "a-x-1" }),
      item({ documentId: "b", sectionKey: "x", suggestedText: "b-x" }),
      item({ documentId: "a", sectionKey: "y", suggestedText: "a-y" }),
      item({ documentId: "a", sectionKey: "x", suggestedText: "a-x-2" }),
    ]);
    expect(out).toBe(
      "The following text excerpts are from the same section of a document named 'a.pdf':\n\n" +
        "Text excerpt from page number 1:\na-x-1\n\n\n" +
        "Text excerpt from page number 1:\na-x-2\n\n\n" +
        "The following text excerpt is from a section of a document named 'b.pdf':\n\n" +
        "Text excerpt from page number 1:\nb-x\n\n\n" +
        "The following text excerpt is from a section of a document named 'a.pdf':\n\n" +
        "Text excerpt from page number 1:\na-y",
    );
  });

  it("does not confuse keys that only collide when concatenated", () => {
    const out = buildSearchText([
      item({ documentId: "a:b", sectionKey: "c", fileName: "one", suggestedText: "1" }),
      item({ documentId: "a", sectionKey: "b:c", fileName: "two", suggestedText: "2" }),
    ]);
    expect(out.match(/The following text excerpt is/g)).toHaveLength(2);
  });

  it("names the group after its first chunk's file name, verbatim", () => {
    const out = buildSearchText([
      item({ documentId: "d", fileName: "it's.pdf", suggestedText: "1" }),
      item({ documentId: "d", fileName: "renamed.pdf", suggestedText: "2" }),
    ]);
    expect(
      out.startsWith(
        "The following text excerpts are from the same section of a document named 'it's.pdf':\n\n",
      ),
    ).toBe(true);
    expect(out).not.toContain("renamed.pdf");
  });

  it("keeps one excerpt per result so the text covers the whole result set", () => {
    const results = Array.from({ length: 20 }, (_, i) =>
      item({ documentId: `d${i % 3}`, sectionKey: `s${i % 2}`, suggestedText: `chunk ${i}` }),
    );
    const out = buildSearchText(results);
    expect(out.match(/^Text excerpt from page number 1:$/gm)).toHaveLength(20);
    expect(out.match(/^The following text excerpt/gm)).toHaveLength(6);
    for (let i = 0; i < 20; i += 1) expect(out).toContain(`\nchunk ${i}`);
  });
});
