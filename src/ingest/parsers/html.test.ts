import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type Block, DEFAULT_PARSE_LIMITS, type ParseContext, type TableBlock } from "../types.js";
import { declaredCharset, htmlParser, parseHtmlText } from "./html.js";

const DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/documents");
const ctx = (fileName: string): ParseContext => ({ fileName, format: "html", limits: DEFAULT_PARSE_LIMITS });
const parse = (name: string) =>
  htmlParser.parse(new Uint8Array(fs.readFileSync(path.join(DOCS, name))), ctx(name));
const textOf = (blocks: readonly Block[]): string =>
  blocks.map((b) => (b.kind === "heading" || b.kind === "text" ? b.text : "")).join("\n");
const tables = (blocks: readonly Block[]): TableBlock[] =>
  blocks.filter((b): b is TableBlock => b.kind === "table");

describe("html parser: evaluation documents", () => {
  it("drops page header and footer (fake-html-with-footer-and-header.html)", async () => {
    const parsed = await parse("fake-html-with-footer-and-header.html");
    expect(parsed.blocks).toEqual([
      { kind: "heading", level: 1, text: "My First Heading" },
      { kind: "text", role: "paragraph", text: "My first paragraph." },
    ]);
    expect(parsed.title).toBe("My First Heading");
  });

  it("parses a fragment without <html> (fake-html-lang-de.html)", async () => {
    const parsed = await parse("fake-html-lang-de.html");
    expect(parsed.blocks).toEqual([
      {
        kind: "heading",
        level: 3,
        text: "Jahresabschluss zum Geschäftsjahr vom 01.01.2020 bis zum 31.12.2020",
      },
    ]);
  });

  it("decodes UTF-16 despite a meta charset of utf-8, and keeps the data tables (steel datasheet)", async () => {
    const parsed = await parse("example-steelJIS-datasheet-utf-16.html");
    expect(parsed.title).toBe(
      "SNB22-3 - SteelJIS - Datasheet, Chemical composition, Standards and Properties",
    );
    const headings = parsed.blocks.filter((b) => b.kind === "heading").map((b) => b.text);
    expect(headings).toContain("SNB22-3 Chemical composition, standards and properties");
    const composition = tables(parsed.blocks).find((t) => t.header[0] === "C");
    expect(composition?.header).toEqual(["C", "Si", "Mn", "P", "S", "Cr", "Mo"]);
    expect(composition?.rows[0]?.[0]).toBe("0.39 - 0.46");
    const mechanical = tables(parsed.blocks).find((t) => t.header[0] === "Assortment");
    expect(mechanical?.rows).toContainEqual(["Bars", "890", "1000", "12", "40", ""]);
    const text = textOf(parsed.blocks);
    expect(text).toContain("Grade : SNB22-3");
    expect(text).toContain("Chemical composition 成分 % of grade SNB22-3");
    // The navigation menu (a paragraph made of links) is dropped; scripts never show.
    expect(text).not.toContain("About us");
    expect(text).not.toContain("adsbygoogle");
  });

  it("reads a 10-K page: inline XBRL text, data tables, layout tables as text", async () => {
    const parsed = await parse("example-10k-1p.html");
    const text = textOf(parsed.blocks);
    expect(text).toContain("Commission file number: 000-30653");
    expect(text).toContain("Galaxy Gaming, Inc.");
    const securities = tables(parsed.blocks).find((t) => t.header[0] === "Title of each class");
    expect(securities?.header).toEqual([
      "Title of each class",
      "Trading symbol",
      "Name of exchange on which registered",
    ]);
    expect(securities?.rows).toEqual([["Common stock", "GLXZ", "OTCQB marketplace"]]);
    const contents = tables(parsed.blocks).find((t) => t.header[0] === "PART I");
    expect(contents?.rows).toContainEqual(["Item 1A.", "", "Risk Factors", "", "9"]);
  });

  it("decodes windows-1252 pages and keeps <pre> as code", async () => {
    const parsed = await parse("fake-html-cp1252.html");
    const code = parsed.blocks.find((b) => b.kind === "text" && b.role === "code");
    expect(code?.kind === "text" && code.text).toContain("Der Preis betrug 15,50 €.");
    expect(code?.kind === "text" && code.text.split("\n")).toHaveLength(6);
  });

  it("keeps lists as list items and a <th> table with its header (fake-html.html)", async () => {
    const parsed = await parse("fake-html.html");
    const items = parsed.blocks
      .filter((b) => b.kind === "text" && b.role === "list-item")
      .map((b) => textOf([b]));
    expect(items).toEqual(["A test list", "With sub-bullets!", "And another", "Back at the root"]);
    expect(tables(parsed.blocks)).toEqual([
      {
        kind: "table",
        header: ["Column 1", "Column 2"],
        rows: [
          ["Row 1, Cell 1", "Row 1, Cell 2"],
          ["Row 2, Cell 1", "Row 2, Cell 2"],
        ],
      },
    ]);
  });
});

describe("html parser: rules", () => {
  it("repeats colspan cells, carries rowspan down, trims cells and uses the caption as title", () => {
    const parsed = parseHtmlText(`<table><caption> Prices </caption>
      <tr><th>Item</th><th colspan="2">Price</th></tr>
      <tr><td rowspan="2"> Apple </td><td>1</td><td>EUR</td></tr>
      <tr><td>2</td><td>USD</td></tr></table>`);
    expect(parsed.blocks).toEqual([
      {
        kind: "table",
        title: "Prices",
        header: ["Item", "Price", "Price"],
        rows: [
          ["Apple", "1", "EUR"],
          ["Apple", "2", "USD"],
        ],
      },
    ]);
  });

  it("maps h1–h6 to levels, keeps hidden and boilerplate out, and takes <title>", () => {
    const parsed =
      parseHtmlText(`<!DOCTYPE html><html><head><title> Page  Title </title><style>p{}</style></head>
      <body><nav><a href="/">Home</a></nav><h1>Main</h1><p>Intro<br>second line</p>
      <div hidden>secret</div><p style="display: none">gone</p><h4>Deep</h4><p>Body</p>
      <script>var x = 1;</script><footer>© 2024</footer></body></html>`);
    expect(parsed.title).toBe("Page Title");
    expect(parsed.blocks).toEqual([
      { kind: "heading", level: 1, text: "Main" },
      { kind: "text", role: "paragraph", text: "Intro\nsecond line" },
      { kind: "heading", level: 4, text: "Deep" },
      { kind: "text", role: "paragraph", text: "Body" },
    ]);
  });

  it("uses Readability's main content on article pages", () => {
    const paragraph = "This is a sentence of the article body that carries the real content. ".repeat(6);
    const links = Array.from({ length: 30 }, (_, i) => `<a href="/p${i}">Related story number ${i}</a>`).join(
      " ",
    );
    const parsed = parseHtmlText(`<html><head><title>Story</title></head><body>
      <div class="sidebar">${links}</div>
      <article><h1>Story</h1><p>${paragraph}</p><p>${paragraph}</p></article>
      <div class="comments"><p>Comment: nice</p></div></body></html>`);
    const text = textOf(parsed.blocks);
    expect(parsed.blocks[0]).toEqual({ kind: "heading", level: 1, text: "Story" });
    expect(text).toContain("carries the real content");
    expect(text).not.toContain("Related story number");
  });

  it("finds the declared charset in a meta tag or XML declaration", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(declaredCharset(enc('<meta charset="ISO-8859-1">'))).toBe("ISO-8859-1");
    expect(
      declaredCharset(enc('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')),
    ).toBe("windows-1252");
    expect(declaredCharset(enc('<?xml version="1.0" encoding="utf-8"?>'))).toBe("utf-8");
  });

  it("reports a page without text as EMPTY_DOCUMENT", async () => {
    const bytes = new TextEncoder().encode("<html><body><script>x()</script></body></html>");
    await expect(htmlParser.parse(bytes, ctx("e.html"))).rejects.toMatchObject({ code: "EMPTY_DOCUMENT" });
  });
});
