import { describe, expect, it } from "vitest";
import { chunkDocument } from "../chunk/index.js";
import type { ParsedDocument, XRayChunk } from "../types.js";
import { buildXRay, rowKeys, snakeCase } from "./index.js";

const report: ParsedDocument = {
  title: "Quarterly report",
  blocks: [
    { kind: "heading", level: 1, text: "Results" },
    {
      kind: "text",
      text: "Revenue grew by twelve percent in the third quarter. Costs stayed flat over the year.",
    },
    { kind: "heading", level: 2, text: "By region" },
    { kind: "text", text: "The regions developed differently across the year." },
    {
      kind: "table",
      title: "Revenue by region",
      header: ["Region", "Revenue (m)", "region"],
      rows: [["EMEA", "4.1", "x"]],
    },
    { kind: "figure", caption: "Figure 1: Growth", text: "2020 2021 2022" },
  ],
};

function build(
  processLevel: "full" | "none",
  parsed: ParsedDocument = report,
  format: "txt" | "html" = "txt",
) {
  return buildXRay({
    fileName: "report.txt",
    format,
    chunked: chunkDocument(parsed),
    parsed,
    processLevel,
    chunkIdPrefix: "k3v9qa",
  });
}

const byType = (chunks: XRayChunk[], type: string) => chunks.filter((c) => c.contentType[0] === type);

describe("row keys", () => {
  it("snake_cases headers and numbers collisions", () => {
    expect(snakeCase("Customer Id")).toBe("customer_id");
    expect(snakeCase("# In stock")).toBe("in_stock");
    expect(snakeCase("firstName")).toBe("first_name");
    expect(snakeCase("Größe (cm)")).toBe("große_cm"); // accents dropped
    expect(snakeCase("成分 %")).toBe("成分");
    expect(rowKeys(["Name", "name", "NAME", "", "Name 2"])).toEqual([
      "name",
      "name_2",
      "name_3",
      "column_4",
      "name_2_2",
    ]);
  });
});

describe("buildXRay (processLevel full)", () => {
  const xray = build("full");

  it("has the top-level fields of CONTRACT §5.1", () => {
    expect(xray.fileName).toBe("report.txt");
    expect(xray.fileType).toBe("txt");
    expect(xray.language).toBe("English");
    expect(xray.fileKeywords?.startsWith("report.txt,")).toBe(true);
    expect(xray.fileSummary).toMatch(
      /^Quarterly report: Revenue grew by twelve percent[\s\S]*\n\nKeywords: .+/,
    );
    expect(xray.documentPages).toBeUndefined();
    expect("sourceUrl" in xray).toBe(false);
  });

  it("gives every chunk an id, one content type, pages and boxes with pageNumber and corrected", () => {
    expect(xray.chunks.map((c) => c.chunk)).toEqual(xray.chunks.map((_, i) => `k3v9qa-${i}`));
    for (const chunk of xray.chunks) {
      expect(chunk.contentType).toHaveLength(1);
      expect(chunk.pageNumbers).toEqual([1]);
      expect(chunk.boundingBoxes).toEqual([
        { pageNumber: 1, topLeftX: 0, topLeftY: 0, bottomRightX: 0, bottomRightY: 0, corrected: false },
      ]);
      expect(typeof chunk.sectionSummary).toBe("string");
    }
    expect(xray.chunks.map((c) => c.contentType[0])).toEqual(["paragraph", "paragraph", "table", "figure"]);
  });

  it("writes paragraphs' suggestedText as Markdown with the section heading", () => {
    const [first, second] = byType(xray.chunks, "paragraph");
    expect(first?.text.startsWith("Results\n\nRevenue grew")).toBe(true);
    expect(first?.suggestedText.startsWith("# Results\n\nRevenue grew")).toBe(true);
    expect(second?.suggestedText.startsWith("## By region\n\nThe regions")).toBe(true);
    expect(first?.sectionSummary).toBe(
      "Results: Revenue grew by twelve percent in the third quarter. Costs stayed flat over the year.",
    );
    expect(first?.json).toBeUndefined();
    expect(first?.narrative).toBeUndefined();
  });

  it("gives tables json = [metadata, ...rows], a narrative, and JSON-lines suggestedText", () => {
    const [table] = byType(xray.chunks, "table");
    expect(table?.text).toBe("Region | Revenue (m) | region\nEMEA | 4.1 | x");
    const [metadata, ...rows] = table?.json ?? [];
    expect(metadata).toEqual({
      table_title: "Revenue by region",
      table_number: 1,
      summary: 'Table 1 "Revenue by region" has 1 row and 3 columns: Region, Revenue (m) and region.',
      main_headers: ["Region", "Revenue (m)", "region"],
      keywords: expect.any(String),
    });
    expect(rows).toEqual([{ region: "EMEA", revenue_m: "4.1", region_2: "x" }]);
    expect(table?.narrative).toEqual([
      'Table 1 "Revenue by region" has 1 row and 3 columns: Region, Revenue (m) and region.',
      "Row 1: Region is EMEA; Revenue (m) is 4.1; region is x.",
    ]);
    const [lines = "", narrative] = table?.suggestedText.split("\n\n") ?? [];
    expect(lines.split("\n").map((l) => JSON.parse(l))).toEqual(table?.json);
    expect(narrative).toBe(table?.narrative?.join("\n"));
  });

  it("gives figures metadata and a narrative", () => {
    const [figure] = byType(xray.chunks, "figure");
    expect(figure?.text).toBe("Figure 1: Growth\n2020 2021 2022");
    expect(figure?.json?.[0]).toMatchObject({
      figure_title: "Figure 1: Growth",
      figure_number: 1,
      components: [],
      relationships: [],
      source: "report.txt",
    });
    expect(figure?.narrative).toEqual(["Figure: Figure 1: Growth 2020 2021 2022"]);
  });

  it("reports html as txt and numbers several tables", () => {
    const parsed: ParsedDocument = {
      blocks: [
        { kind: "table", header: ["a", "b"], rows: [["1", "2"]] },
        { kind: "text", text: "Between the tables." },
        { kind: "table", header: ["a", "b"], rows: [["3", "4"]] },
      ],
    };
    const html = build("full", parsed, "html");
    expect(html.fileType).toBe("txt");
    const metadata = byType(html.chunks, "table").map((c) => c.json?.[0]);
    expect(metadata).toEqual([
      expect.objectContaining({ table_title: "Table 1", table_number: 1 }),
      expect.objectContaining({ table_title: "Table 2", table_number: 2 }),
    ]);
  });

  it("keeps parser boxes and emits documentPages with an empty pageUrl for paged documents", () => {
    const parsed: ParsedDocument = {
      pages: [
        { pageNumber: 1, width: 1275, height: 1650 },
        { pageNumber: 2, width: 1650, height: 1275 },
      ],
      blocks: [
        {
          kind: "text",
          text: "Text on page two.",
          pageNumber: 2,
          boxes: [
            {
              pageNumber: 2,
              topLeftX: 10,
              topLeftY: 20,
              bottomRightX: 300,
              bottomRightY: 40,
              corrected: true,
            },
          ],
        },
      ],
    };
    const paged = build("full", parsed);
    expect(paged.chunks[0]?.pageNumbers).toEqual([2]);
    expect(paged.chunks[0]?.boundingBoxes).toEqual([
      { pageNumber: 2, topLeftX: 10, topLeftY: 20, bottomRightX: 300, bottomRightY: 40, corrected: true },
    ]);
    expect(paged.documentPages).toEqual([
      { pageNumber: 1, pageUrl: "", width: 1275, height: 1650 },
      { pageNumber: 2, pageUrl: "", width: 1650, height: 1275 },
    ]);
  });
});

describe("buildXRay (processLevel none)", () => {
  const xray = build("none");

  it("has no summaries, keywords or narratives; suggestedText is the text; tables keep json", () => {
    expect(xray.language).toBe("English");
    expect(xray.fileSummary).toBeUndefined();
    expect(xray.fileKeywords).toBeUndefined();
    for (const chunk of xray.chunks) {
      expect(chunk.suggestedText).toBe(chunk.text);
      expect(chunk.sectionSummary).toBeUndefined();
      expect(chunk.narrative).toBeUndefined();
    }
    const [table] = byType(xray.chunks, "table");
    expect(table?.json).toEqual([
      {
        table_title: "Revenue by region",
        table_number: 1,
        main_headers: ["Region", "Revenue (m)", "region"],
      },
      { region: "EMEA", revenue_m: "4.1", region_2: "x" },
    ]);
  });
});
