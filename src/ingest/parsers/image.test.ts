import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { type DrawnText, textPng, textSvg } from "../../../test/quality/ocr/images.js";
import { terminateOcr } from "../ocr/index.js";
import type { Recognize } from "../ocr/types.js";
import { processDocument } from "../process.js";
import {
  type Block,
  type Box,
  DEFAULT_PARSE_LIMITS,
  type ParseContext,
  ParseError,
  type SourceFormat,
} from "../types.js";
import { createImageParser, imageParser } from "./image.js";
import { createParserRegistry } from "./index.js";

const context = (format: SourceFormat, maxPages = DEFAULT_PARSE_LIMITS.maxPages): ParseContext => ({
  fileName: `scan.${format}`,
  format,
  limits: { ...DEFAULT_PARSE_LIMITS, maxPages },
});

const HEADING: DrawnText = { text: "Quarterly Report", x: 80, y: 140, size: 56 };
const BODY: DrawnText[] = [
  { text: "Revenue grew by twelve percent in the third", x: 80, y: 260, size: 32 },
  { text: "quarter, driven by strong demand for sensors.", x: 80, y: 310, size: 32 },
];

function textOf(blocks: readonly Block[]): string {
  return blocks.map((b) => ("text" in b && b.text) || "").join("\n");
}

function boxContaining(blocks: readonly Block[], needle: string): Box {
  const block = blocks.find((b) => "text" in b && b.text?.includes(needle));
  const box = block?.boxes?.[0];
  if (!box) throw new Error(`no block with "${needle}" in: ${textOf(blocks)}`);
  return box;
}

/** Fails the test if OCR runs at all. */
const noOcr: Recognize = () => {
  throw new Error("OCR must not run");
};

afterAll(() => terminateOcr());

describe("imageParser", () => {
  it("reads the text of an image into blocks with boxes where the text was drawn", async () => {
    const png = await textPng(1200, 500, [HEADING, ...BODY]);
    const doc = await imageParser.parse(png, context("png"));
    expect(doc.pages).toEqual([{ pageNumber: 1, width: 1200, height: 500 }]);
    const text = textOf(doc.blocks);
    expect(text).toContain("Quarterly Report");
    expect(text).toContain(
      "Revenue grew by twelve percent in the third quarter, driven by strong demand for sensors.",
    );
    const heading = boxContaining(doc.blocks, "Quarterly");
    expect(heading.topLeftX).toBeGreaterThan(60);
    expect(heading.topLeftX).toBeLessThan(100);
    expect(heading.topLeftY).toBeGreaterThan(80);
    expect(heading.bottomRightY).toBeLessThan(160);
    const body = boxContaining(doc.blocks, "Revenue");
    expect(body.topLeftY).toBeGreaterThan(220);
    expect(body.bottomRightY).toBeLessThan(330);
    expect(body.corrected).toBeUndefined();
  });

  it("maps the boxes of a page OCR turned upright back onto the frame", async () => {
    // The text image turned 90° clockwise: the frame is 500×1200, the lines run downwards.
    const png = await textPng(1200, 500, [HEADING, ...BODY], 90);
    const doc = await imageParser.parse(png, context("png"));
    expect(doc.pages).toEqual([{ pageNumber: 1, width: 500, height: 1200 }]);
    expect(textOf(doc.blocks)).toContain("Quarterly Report");
    const box = boxContaining(doc.blocks, "Quarterly");
    expect(box.corrected).toBe(true);
    // Drawn at x ≈ 80…560, y ≈ 95…155 before turning; turned: x = 500 − y, y = x.
    expect(box.topLeftX).toBeGreaterThan(330);
    expect(box.bottomRightX).toBeLessThan(420);
    expect(box.topLeftY).toBeGreaterThan(60);
    expect(box.bottomRightY).toBeLessThan(600);
  });

  it("gives every TIFF page a page, and a page without text a figure", async () => {
    const page1 = await textPng(1000, 300, [{ text: "First page text", x: 60, y: 150, size: 48 }]);
    const page2 = await textPng(1000, 300, []);
    const tiff = await sharp([page1, page2], { join: { animated: true } })
      .tiff()
      .toBuffer();
    const doc = await imageParser.parse(tiff, context("tiff"));
    expect(doc.pages?.map((p) => p.pageNumber)).toEqual([1, 2]);
    expect(doc.blocks.find((b) => b.pageNumber === 1 && "text" in b)).toMatchObject({
      text: "First page text",
    });
    expect(doc.blocks.filter((b) => b.pageNumber === 2)).toEqual([
      {
        kind: "figure",
        pageNumber: 2,
        boxes: [{ pageNumber: 2, topLeftX: 0, topLeftY: 0, bottomRightX: 1000, bottomRightY: 300 }],
      },
    ]);
  });

  it("reads SVG text (rasterised by the image module)", async () => {
    const svg = Buffer.from(textSvg(600, 150, [{ text: "Vector label", x: 30, y: 90, size: 40 }]));
    const doc = await imageParser.parse(svg, context("svg"));
    expect(doc.pages).toEqual([{ pageNumber: 1, width: 1200, height: 300 }]);
    expect(textOf(doc.blocks)).toContain("Vector label");
  });

  it("checks the page limit before recognising any frame", async () => {
    const blank = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    const tiff = await sharp([blank, blank, blank], { join: { animated: true } })
      .tiff()
      .toBuffer();
    const parser = createImageParser({ recognize: noOcr });
    const error = await parser.parse(tiff, context("tiff", 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: "the document has 3 pages, more than the limit of 2",
    });
  });

  it("refuses formats that are not images", async () => {
    await expect(imageParser.parse(new Uint8Array(4), context("pdf"))).rejects.toMatchObject({
      code: "UNSUPPORTED_TYPE",
    });
  });
});

describe("processDocument with the image parser", () => {
  const registry = createParserRegistry([imageParser]);
  const input = (bytes: Uint8Array, format: SourceFormat) => ({
    bytes,
    fileName: `scan.${format}`,
    format,
    processLevel: "full" as const,
    limits: DEFAULT_PARSE_LIMITS,
    chunkIdPrefix: "abc123",
    registry,
  });

  it("produces an X-Ray with the OCR text, page sizes and boxes", async () => {
    const png = await textPng(1200, 500, [HEADING, ...BODY]);
    const { xray } = await processDocument(input(png, "png"));
    expect(xray.documentPages?.map((p) => [p.pageNumber, p.width, p.height])).toEqual([[1, 1200, 500]]);
    const chunk = xray.chunks.find((c) => c.text.includes("Revenue grew"));
    expect(chunk?.pageNumbers).toEqual([1]);
    expect(chunk?.boundingBoxes[0]?.pageNumber).toBe(1);
  });

  it("reports an image without text as an empty document", async () => {
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#6699cc" } })
      .composite([
        {
          input: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><circle cx="320" cy="240" r="150" fill="#aa3333"/></svg>',
          ),
        },
      ])
      .jpeg()
      .toBuffer();
    await expect(processDocument(input(photo, "jpg"))).rejects.toMatchObject({
      code: "EMPTY_DOCUMENT",
      message: "the document contains no text",
    });
  });

  it("reports a corrupt image as PARSE_FAILED", async () => {
    await expect(processDocument(input(Buffer.from("\x89PNG\r\n\x1a\nbroken"), "png"))).rejects.toMatchObject(
      {
        code: "PARSE_FAILED",
        message: expect.stringMatching(/^could not decode the image: /),
      },
    );
  });
});
