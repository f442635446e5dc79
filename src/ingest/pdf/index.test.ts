import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { glyphRect, makePdf } from "../../../test/helpers/pdf-fixtures.js";
import { ParseError } from "../types.js";
import { openPdf } from "./index.js";
import { isBoldFontName } from "./text.js";

const EVAL = path.resolve(import.meta.dirname, "../../../../shared/eval");
const PX = 150 / 72;

async function withPdf<T>(bytes: Uint8Array, use: (pdf: Awaited<ReturnType<typeof openPdf>>) => Promise<T>) {
  const pdf = await openPdf(bytes);
  try {
    return await use(pdf);
  } finally {
    await pdf.close();
  }
}

describe("openPdf", () => {
  it("reports a password-protected PDF as ENCRYPTED", async () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(EVAL, "documents/pdf/password.pdf")));
    const error = await openPdf(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "ENCRYPTED", message: "the PDF is password-protected" });
  });

  it("reports garbage and truncated files as PARSE_FAILED", async () => {
    const garbage = new TextEncoder().encode("this is not a PDF at all, just some text ".repeat(20));
    await expect(openPdf(garbage)).rejects.toMatchObject({ code: "PARSE_FAILED" });
    const whole = await makePdf([{ runs: [{ text: "Hello", x: 72, y: 700, size: 12 }] }]);
    await expect(openPdf(whole.slice(0, 40))).rejects.toMatchObject({ code: "PARSE_FAILED" });
    await expect(openPdf(new Uint8Array())).rejects.toMatchObject({ code: "PARSE_FAILED" });
  });

  it("does not detach the caller's bytes and reads the title", async () => {
    const bytes = await makePdf([{ runs: [{ text: "Hello", x: 72, y: 700, size: 12 }] }], "A Test Title");
    await withPdf(bytes, async (pdf) => {
      expect(pdf.pageCount).toBe(1);
      expect(await pdf.title()).toBe("A Test Title");
    });
    expect(bytes.byteLength).toBeGreaterThan(100);
    const buffer = Buffer.from(bytes);
    await withPdf(buffer, async (pdf) => expect(pdf.pageCount).toBe(1));
    expect(buffer.byteLength).toBe(bytes.byteLength);
  });
});

describe("extractPage", () => {
  it("places text items at their glyph positions in page pixels, with font size and boldness", async () => {
    const runs = [
      { text: "Hello world", x: 72, y: 700, size: 20 },
      { text: "Bold words", x: 300, y: 400, size: 12, bold: true },
    ];
    const page = await withPdf(await makePdf([{ runs }]), (pdf) => pdf.extractPage(1));
    expect(page).toMatchObject({ pageNumber: 1, width: 1275, height: 1650 });
    for (const run of runs) {
      const item = page.items.find((i) => i.text === run.text);
      const glyphs = await glyphRect(run);
      expect(item).toBeDefined();
      if (!item) continue;
      expect(item.x0).toBeCloseTo(glyphs.x0, 0);
      expect(Math.abs(item.x1 - glyphs.x1)).toBeLessThan(2);
      expect(item.y0).toBeLessThanOrEqual(glyphs.y0);
      expect(item.y1).toBeGreaterThanOrEqual((792 - run.y) * PX);
      expect(item.y1 - item.y0).toBeLessThan(run.size * PX * 1.3);
      expect(item.fontSize).toBeCloseTo(run.size * PX, 1);
      expect(item.bold === true).toBe(run.bold === true);
      expect(item.fontName).toMatch(/Helvetica/);
    }
  });

  it("applies /Rotate: a 90° page is landscape and its text runs down the page", async () => {
    const run = { text: "Sideways", x: 72, y: 700, size: 20 };
    const page = await withPdf(await makePdf([{ runs: [run], rotate: 90 }]), (pdf) => pdf.extractPage(1));
    expect(page).toMatchObject({ width: 1650, height: 1275 });
    const item = page.items[0];
    expect(item).toBeDefined();
    // Rotated 90° clockwise: user (x, y) → pixels (y, x); the baseline is the item's left edge.
    expect(item?.y0).toBeCloseTo(72 * PX, 0);
    expect(item?.x0).toBeLessThan(700 * PX);
    expect(item?.x1).toBeGreaterThan(700 * PX + 10);
    expect((item?.y1 ?? 0) - (item?.y0 ?? 0)).toBeGreaterThan((item?.x1 ?? 0) - (item?.x0 ?? 0));
  });

  it("honours a media box that does not start at the origin", async () => {
    const bytes = await makePdf([{ size: [400, 500], runs: [{ text: "Offset", x: 50, y: 450, size: 10 }] }]);
    const { PDFDocument } = await import("pdf-lib");
    const doc = await PDFDocument.load(bytes);
    const only = doc.getPage(0);
    only.setMediaBox(-100, -100, 400, 500);
    const moved = await doc.save();
    const page = await withPdf(moved, (pdf) => pdf.extractPage(1));
    // Top of the box is y = 400; text at (50, 450) is outside, so nothing is left on the page…
    expect(page.items).toHaveLength(0);
    only.setMediaBox(20, 20, 400, 500);
    const page2 = await withPdf(await doc.save(), (pdf) => pdf.extractPage(1));
    // …and with the box at (20, 20): x = (50 − 20) px, baseline y = (520 − 450) px.
    expect(page2.items[0]?.x0).toBeCloseTo(30 * PX, 0);
    expect(page2.items[0]?.y1).toBeGreaterThan(70 * PX);
    expect(page2.items[0]?.y0).toBeLessThan(70 * PX);
  });

  it("extracts ruling lines and image regions", async () => {
    const bytes = await makePdf([
      {
        lines: [
          [72, 500, 540, 500, 1],
          [300, 450, 300, 550, 2],
        ],
        images: [[100, 300, 200, 100]],
      },
    ]);
    const page = await withPdf(bytes, (pdf) => pdf.extractPage(1));
    const horizontal = page.rules.find((r) => r.x1 - r.x0 > 100);
    const vertical = page.rules.find((r) => r.y1 - r.y0 > 100);
    expect(horizontal?.x0).toBeCloseTo(72 * PX, 0);
    expect(horizontal?.x1).toBeCloseTo(540 * PX, 0);
    expect(((horizontal?.y0 ?? 0) + (horizontal?.y1 ?? 0)) / 2).toBeCloseTo(292 * PX, 0);
    expect(vertical?.x1 ?? 0 - (vertical?.x0 ?? 0)).toBeGreaterThan(0);
    expect(((vertical?.x0 ?? 0) + (vertical?.x1 ?? 0)) / 2).toBeCloseTo(300 * PX, 0);
    expect(page.images).toHaveLength(1);
    const image = page.images[0];
    expect(image?.x0).toBeCloseTo(100 * PX, 0);
    expect(image?.y0).toBeCloseTo((792 - 400) * PX, 0);
    expect(image?.x1).toBeCloseTo(300 * PX, 0);
    expect(image?.y1).toBeCloseTo((792 - 300) * PX, 0);
  });
});

describe("renderPage", () => {
  it("renders a page on white at the asked resolution with ink where the text is", async () => {
    const bytes = await makePdf([{ runs: [{ text: "INK", x: 72, y: 700, size: 40 }] }]);
    const image = await withPdf(bytes, (pdf) => pdf.renderPage(1, 72));
    expect(image).toMatchObject({ width: 612, height: 792, channels: 4 });
    const at = (x: number, y: number) => image.data[(y * image.width + x) * 4] ?? 255;
    expect(at(500, 400)).toBe(255);
    let dark = 0;
    for (let y = 792 - 730; y < 792 - 700; y++) for (let x = 72; x < 150; x++) if (at(x, y) < 128) dark++;
    expect(dark).toBeGreaterThan(50);
  });
});

describe("isBoldFontName", () => {
  it("reads boldness from PostScript names", () => {
    expect(isBoldFontName("ABCDEF+Arial-BoldMT")).toBe(true);
    expect(isBoldFontName("NimbusRomNo9L-Medi")).toBe(true);
    expect(isBoldFontName("Calibri,Bold")).toBe(true);
    expect(isBoldFontName("CMBX10")).toBe(true);
    expect(isBoldFontName("TimesNewRomanPSMT")).toBe(false);
    expect(isBoldFontName("NimbusRomNo9L-Regu")).toBe(false);
    expect(isBoldFontName(undefined)).toBe(false);
  });
});
