import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../chunk/index.js";
import { txtParser } from "../parsers/txt.js";
import { DEFAULT_PARSE_LIMITS, type ParsedDocument } from "../types.js";
import { enrichDocument } from "./index.js";
import { extractKeywords } from "./keywords.js";
import { detectLanguage } from "./language.js";
import { isInformative, leadSentences, unwrapLines, wordCount } from "./sentences.js";
import { stopwordsFor } from "./stopwords.js";
import { describeTable } from "./tables.js";

const DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/documents");
const read = (name: string): string => fs.readFileSync(path.join(DOCS, name), "utf8");

describe("detectLanguage", () => {
  const udhr = new Map(
    read("language-docs/UDHR_first_article_all.txt")
      .split(/\n\n+/)
      .map((block): [string, string] => {
        const [name = "", ...rest] = block.split("\n");
        return [name.trim(), rest.join("\n")];
      }),
  );

  it.each([
    ["Arabic, Standard", "Arabic"],
    ["Chinese, Mandarin (Simplified)", "Chinese"],
    ["Czech", "Czech"],
    ["Dutch", "Dutch"],
    ["English", "English"],
    ["French", "French"],
    ["German, Standard (1996)", "German"],
    ["Greek (monotonic)", "Greek"],
    ["Hindi", "Hindi"],
    ["Hungarian", "Hungarian"],
    ["Italian", "Italian"],
    ["Japanese", "Japanese"],
    ["Korean", "Korean"],
    ["Polish", "Polish"],
    ["Portuguese (Portugal)", "Portuguese"],
    ["Russian", "Russian"],
    ["Spanish", "Spanish"],
    ["Swedish", "Swedish"],
    ["Turkish", "Turkish"],
    ["Ukrainian", "Ukrainian"],
    ["Vietnamese", "Vietnamese"],
  ])("names the language of the UDHR article in %s: %s", (entry, name) => {
    const text = udhr.get(entry);
    expect(text).toBeTruthy();
    expect(detectLanguage(text ?? "").name).toBe(name);
  });

  it("handles short and label-like text (stopword evidence, English on near-ties)", () => {
    expect(detectLanguage("Jahresabschluss zum Geschäftsjahr vom 01.01.2020 bis zum 31.12.2020").name).toBe(
      "German",
    );
    expect(detectLanguage("This is a test document to use for unit tests.").name).toBe("English"); // franc alone: French
    expect(detectLanguage("My First Heading\n\nMy first paragraph.").name).toBe("English"); // franc alone: Tagalog
    expect(detectLanguage("Team | Location | Stanley Cups\nBlues | STL | 1\nFlyers | PHI | 2").name).toBe(
      "English",
    );
    expect(detectLanguage(read("norwich-city.txt")).name).toBe("English");
  });

  it("defaults to English when there is too little text", () => {
    expect(detectLanguage("")).toMatchObject({ name: "English", code: "und" });
    expect(detectLanguage("können äöüß")).toMatchObject({ name: "English", code: "und" });
    expect(detectLanguage("12 345 678 | 9.0")).toMatchObject({ name: "English" });
  });
});

describe("keywords", () => {
  it("ranks frequent, spread terms and two-word phrases, skipping stopwords and URLs", () => {
    const texts = [
      "Norwich City signed Roberts in 1997. See https://www.example.com/norwich-city for more.",
      "Roberts scored goals for Norwich City in the First Division.",
      "Roberts became a fan favourite at Norwich City; the goals kept coming.",
      "Later, Roberts joined Gillingham.",
    ];
    const keywords = extractKeywords(texts, { stopwords: stopwordsFor("eng"), max: 4 });
    expect(keywords.slice(0, 2).sort()).toEqual(["Norwich City", "Roberts"]);
    expect(keywords).not.toContain("Norwich"); // hidden by the phrase
    expect(keywords.join(" ")).not.toMatch(/https|www|\bcom\b|\bthe\b/);
    expect(extractKeywords([], { stopwords: stopwordsFor("eng") })).toEqual([]);
  });

  it("uses the detected language's stopwords too", () => {
    const german = [
      "Der Vertrag und die Laufzeit der Vereinbarung werden mit dem Kunden und der Bank geregelt.",
    ];
    const keywords = extractKeywords(german, { stopwords: stopwordsFor("deu") });
    expect(keywords).toContain("Vertrag");
    expect(keywords.map((k) => k.toLowerCase())).not.toContain("der");
    expect(keywords.map((k) => k.toLowerCase())).not.toContain("und");
  });
});

describe("sentences", () => {
  it("unwraps hard-wrapped prose but keeps label lines apart", () => {
    expect(unwrapLines("a footballer who\nplayed as a forward")).toBe("a footballer who played as a forward");
    expect(unwrapLines("Full name Iwan Wyn Roberts\nDate of birth 26 June 1968")).toBe(
      "Full name Iwan Wyn Roberts\nDate of birth 26 June 1968",
    );
    expect(unwrapLines("para one.\n\npara two")).toBe("para one.\n\npara two");
  });

  it("prefers prose to label lines for the lead and respects the word budget", () => {
    const text =
      "Personal information\nFull name Iwan Wyn Roberts\nIwan Wyn Roberts is a Welsh former footballer who played as a forward. He was born in Bangor. Roberts scored many goals for Norwich City over seven seasons.";
    const lead = leadSentences(text, 30, new Set(["norwich"]));
    expect(lead.startsWith("Iwan Wyn Roberts is a Welsh former footballer")).toBe(true);
    expect(lead).toContain("Norwich City");
    expect(wordCount(lead)).toBeLessThanOrEqual(30);
    expect(leadSentences("word ".repeat(100), 10)).toBe(`${"word ".repeat(10).trim()}…`);
    expect(isInformative("1 | 2 | 3 | 4")).toBe(false);
  });
});

describe("enrichDocument", () => {
  async function norwich() {
    const bytes = new Uint8Array(fs.readFileSync(path.join(DOCS, "norwich-city.txt")));
    const parsed = await txtParser.parse(bytes, {
      fileName: "norwich-city.txt",
      format: "txt",
      limits: DEFAULT_PARSE_LIMITS,
    });
    return { parsed, chunked: chunkDocument(parsed) };
  }

  it("summarises and keywords a real document (norwich-city.txt)", async () => {
    const { parsed, chunked } = await norwich();
    const enrichment = enrichDocument({ fileName: "norwich-city.txt", chunked, parsed });
    expect(enrichment.language).toBe("English");
    expect(enrichment.fileKeywords.startsWith("norwich-city.txt,Roberts,")).toBe(true);
    expect(enrichment.fileKeywords.split(",")).toHaveLength(11);
    expect(enrichment.keywords).toContain("Norwich");
    const [body = "", keywordLine = ""] = enrichment.fileSummary.split("\n\nKeywords: ");
    expect(body).toMatch(
      /^norwich-city\.txt: Iwan Wyn Roberts \(born 26 June 1968\) is a Welsh former professional footballer/,
    );
    expect(wordCount(body)).toBeLessThanOrEqual(120);
    expect(keywordLine).toBe(enrichment.keywords.join(", "));
    expect(enrichment.sectionSummaries).toHaveLength(chunked.sections.length);
    expect(wordCount(enrichment.sectionSummaries[0] ?? "")).toBeLessThanOrEqual(60);
  });

  it("summarises sections from their heading and lead, and describes tables", () => {
    const parsed: ParsedDocument = {
      title: "Annual report",
      blocks: [
        { kind: "heading", level: 1, text: "Results" },
        {
          kind: "text",
          text: "Revenue grew by twelve percent in the third quarter of the year. Costs stayed flat all year.",
        },
        { kind: "heading", level: 2, text: "Regions" },
        {
          kind: "table",
          header: ["Region", "Revenue"],
          rows: [
            ["EMEA", "4.1"],
            ["APAC", "2.0"],
          ],
        },
      ],
    };
    const chunked = chunkDocument(parsed);
    const enrichment = enrichDocument({ fileName: "report.txt", chunked, parsed });
    expect(enrichment.sectionSummaries[0]).toBe(
      "Results: Revenue grew by twelve percent in the third quarter of the year. Costs stayed flat all year.",
    );
    expect(enrichment.fileSummary.startsWith("Annual report: Revenue grew by twelve percent")).toBe(true);
    const tableChunk = chunked.chunks.find((c) => c.contentType === "table");
    const element = enrichment.elements.get(tableChunk?.index ?? -1);
    expect(element?.summary).toBe('Table 1 "Regions" has 2 rows and 2 columns: Region and Revenue.');
    expect(element?.narrative).toEqual([
      'Table 1 "Regions" has 2 rows and 2 columns: Region and Revenue.',
      "Row 1: Region is EMEA; Revenue is 4.1.",
      "Row 2: Region is APAC; Revenue is 2.0.",
    ]);
    expect(enrichment.sectionSummaries[1]).toBe(`Regions: ${element?.summary}`);
  });

  it("describes a part of a large table and caps row sentences", () => {
    const header = ["A", "B"];
    const rows = Array.from({ length: 30 }, (_, i) => [String(i), `v${i}`]);
    const chunk = {
      index: 0,
      contentType: "table" as const,
      text: "",
      pageNumbers: [],
      boxes: [],
      section: 0,
      charStart: 0,
      charEnd: 0,
      table: { header, rows: rows.slice(10, 30) },
    };
    const description = describeTable(chunk, { tableNumber: 2, firstRow: 10, totalRows: 30 });
    expect(description.summary).toBe(
      "Table 2 has 30 rows and 2 columns: A and B. This part holds rows 11 to 30.",
    );
    expect(description.narrative).toHaveLength(1);
  });
});
