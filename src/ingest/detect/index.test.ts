import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildHwp, buildHwpx, hpText, para, writeCfb } from "../../../test/helpers/hwp-fixtures.js";
import {
  detectFormat,
  formatFromFileName,
  normalizeDeclaredType,
  toDocumentType,
  unsupportedReason,
} from "./index.js";
import { zipEntryNames } from "./magic.js";

const DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/documents");
const doc = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DOCS, name)));

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : p)));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const utf16le = (s: string, bom = true): Uint8Array =>
  new Uint8Array([...(bom ? [0xff, 0xfe] : []), ...Buffer.from(s, "utf16le")]);

/** A minimal stored zip with the given entry names (local headers + central directory + EOCD). */
function zip(names: string[]): Uint8Array {
  const local: number[] = [];
  const central: number[] = [];
  const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
  for (const name of names) {
    const offset = local.length;
    const nameBytes = [...Buffer.from(name)];
    local.push(...u32(0x04034b50), ...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0));
    local.push(...u32(0), ...u32(0), ...u32(0), ...u16(nameBytes.length), ...u16(0), ...nameBytes);
    central.push(...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0));
    central.push(...u32(0), ...u32(0), ...u32(0), ...u16(nameBytes.length), ...u16(0), ...u16(0));
    central.push(...u16(0), ...u16(0), ...u32(0), ...u32(offset), ...nameBytes);
  }
  const eocd = [
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(names.length),
    ...u16(names.length),
    ...u32(central.length),
    ...u32(local.length),
    ...u16(0),
  ];
  return new Uint8Array([...local, ...central, ...eocd]);
}

describe("detectFormat: magic bytes", () => {
  it.each([
    ["pdf", bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")],
    ["png", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ["jpg", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF")],
    ["gif", bytes("GIF89a", [1, 0, 1, 0])],
    ["tiff", bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0])],
    ["tiff", bytes([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8])],
    ["webp", bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ")],
    ["heif", bytes([0, 0, 0, 0x18], "ftypheic", [0, 0, 0, 0], "mif1heic")],
    ["heif", bytes([0, 0, 0, 0x18], "ftypmif1", [0, 0, 0, 0], "mif1heic")],
    ["bmp", bytes("BM", [0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0], new Array(12).fill(0))],
    ["ico", bytes([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0], new Array(10).fill(0))],
    ["docx", zip(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])],
    ["pptx", zip(["[Content_Types].xml", "ppt/presentation.xml", "ppt/slides/slide1.xml"])],
    ["xlsx", zip(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])],
  ])("recognises %s", (expected, input) => {
    expect(detectFormat(input)).toBe(expected);
  });

  it("trusts the bytes over a wrong declared type and extension", () => {
    const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(detectFormat(png, "pdf", "photo.jpg")).toBe("png");
  });

  it("does not take AVIF for HEIF, nor a text starting with BM for a bitmap", () => {
    expect(detectFormat(bytes([0, 0, 0, 0x18], "ftypavif", [0, 0, 0, 0], "mif1avif"))).toBeUndefined();
    expect(detectFormat(text("BMW annual report 2024\nRevenue grew."))).toBe("txt");
  });

  it("reads zip entry names from the central directory", () => {
    expect(zipEntryNames(zip(["a.txt", "word/document.xml"]))).toEqual(["a.txt", "word/document.xml"]);
    // A zip that is not an Office document is left to the declared type.
    expect(detectFormat(zip(["readme.txt"]))).toBeUndefined();
    expect(detectFormat(zip(["readme.txt"]), "docx")).toBe("docx");
  });

  it("recognises real Office files from the evaluation set", () => {
    expect(detectFormat(doc("simple.docx"))).toBe("docx");
    expect(detectFormat(doc("fake-power-point.pptx"))).toBe("pptx");
    expect(detectFormat(doc("stanley-cups.xlsx"))).toBe("xlsx");
  });
});

describe("detectFormat: Hangul (hwp) documents", () => {
  const hwp5 = buildHwp({ sections: [[...para(0, "한글 문서")]] });

  it("recognises HWP 5 compound files (both sector sizes) whatever their name or declared type", () => {
    expect(detectFormat(hwp5)).toBe("hwp");
    expect(detectFormat(hwp5, "docx", "report.doc")).toBe("hwp");
    expect(detectFormat(buildHwp({ sections: [[...para(0, "x")]], cfbVersion: 4 }))).toBe("hwp");
  });

  it("recognises a damaged HWP 5 file by its markers, and leaves other compound files undecided", () => {
    // The header's first directory sector points outside the file: the compound file cannot be
    // opened, but the FileHeader stream name and the HWP signature are still in the bytes.
    const damaged = hwp5.slice();
    damaged.set([0xf0, 0xff, 0xff, 0x00], 48);
    expect(detectFormat(damaged)).toBe("hwp");
    expect(detectFormat(doc("fake.doc"))).toBeUndefined();
    expect(detectFormat(doc("tests-example.xls"))).toBeUndefined();
    expect(detectFormat(writeCfb([{ path: "FileHeader", data: new Uint8Array(256) }]))).toBeUndefined();
  });

  it("recognises HWPX by its mimetype entry or its section parts, and HWP 3 by its signature", () => {
    expect(detectFormat(buildHwpx({ sections: [hpText("안녕")] }))).toBe("hwp");
    expect(detectFormat(buildHwpx({ sections: [hpText("안녕")], noMimetype: true }))).toBe("hwp");
    expect(detectFormat(zip(["mimetype", "Contents/content.hpf", "Contents/section0.xml"]))).toBe("hwp");
    expect(
      detectFormat(bytes("HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05", new Array(100).fill(0))),
    ).toBe("hwp");
  });

  it("does not call an HWP file a legacy Office file", () => {
    expect(unsupportedReason(hwp5)).toBeUndefined();
    expect(unsupportedReason(buildHwpx({ sections: [hpText("안녕")] }))).toBeUndefined();
    expect(unsupportedReason(doc("fake.doc"))).toMatch(/^legacy Microsoft Office files/);
  });
});

describe("detectFormat: text signatures", () => {
  it("recognises SVG, also after an XML declaration", () => {
    expect(detectFormat(text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe(
      "svg",
    );
    expect(detectFormat(text("<svg viewBox='0 0 1 1'/>"), "txt")).toBe("svg");
  });

  it("recognises HTML by doctype, <html>, or a common tag at the start, also in UTF-16", () => {
    expect(detectFormat(text("<!DOCTYPE html><html><body>x</body></html>"))).toBe("html");
    expect(detectFormat(doc("example-10k-1p.html"))).toBe("html"); // <?xml …?> and comments first
    expect(detectFormat(doc("fake-html-lang-de.html"))).toBe("html"); // starts with <h3>
    expect(detectFormat(doc("example-steelJIS-datasheet-utf-16.html"))).toBe("html");
    expect(detectFormat(utf16le("<html><body>hi</body></html>", false))).toBe("html");
  });

  it("keeps Markdown that starts with an HTML tag as text", () => {
    expect(detectFormat(text('<p align="center">Logo</p>\n\n# Project\n'), undefined, "README.md")).toBe(
      "txt",
    );
    expect(detectFormat(text('<p align="center">Logo</p>\n'), "txt")).toBe("txt");
    expect(detectFormat(text('<p align="center">Logo</p>\n'), "txt", "page.html")).toBe("html");
  });

  it("recognises JSON that parses, and leaves broken JSON to the declared type", () => {
    expect(detectFormat(text('\ufeff  {"a": [1, 2]}\n'))).toBe("json");
    expect(detectFormat(text("[1, 2, 3]"), "txt")).toBe("json");
    const broken = doc("fake-incomplete-json.txt");
    expect(detectFormat(broken, undefined, "fake-incomplete-json.txt")).toBe("txt");
    expect(detectFormat(broken, "json")).toBe("json");
    expect(detectFormat(text("[1] Introduction\n[2] Methods"))).toBe("txt");
  });
});

describe("detectFormat: declared type and extension", () => {
  const csvText = text("a,b\n1,2\n");

  it("lets the declared type decide for text without a signature, with aliases", () => {
    expect(detectFormat(csvText, "csv")).toBe("csv");
    expect(detectFormat(csvText, "TSV")).toBe("tsv");
    expect(detectFormat(csvText, "txt", "data.csv")).toBe("txt");
    expect(detectFormat(bytes([0x00, 0x01, 0x02, 0x03]), "jpeg")).toBe("jpg");
    expect(detectFormat(bytes([0x00, 0x01, 0x02, 0x03]), "tif")).toBe("tiff");
    expect(detectFormat(bytes([0x00, 0x01, 0x02, 0x03]), "heic")).toBe("heif");
  });

  it("falls back to the file-name extension", () => {
    expect(detectFormat(csvText, undefined, "data.csv")).toBe("csv");
    expect(detectFormat(csvText, undefined, "dir/DATA.TSV")).toBe("tsv");
    expect(detectFormat(text("# Title\n"), undefined, "notes.markdown")).toBe("txt");
    expect(detectFormat(text("plain words"), undefined, "page.htm")).toBe("html");
    expect(detectFormat(bytes([0x00, 0x01, 0x02]), undefined, "photo.JPEG")).toBe("jpg");
    expect(detectFormat(bytes([0x00, 0x01, 0x02]), "bogus", "photo.jpeg")).toBe("jpg");
  });

  it("decodes UTF-16 CSV and keeps the declared/extension type", () => {
    expect(detectFormat(doc("stanley-cups-utf-16.csv"), undefined, "stanley-cups-utf-16.csv")).toBe("csv");
    expect(detectFormat(doc("stanley-cups-with-emoji.tsv"), "tsv")).toBe("tsv");
  });

  it("treats other text as txt and refuses text types for binary bytes", () => {
    expect(detectFormat(doc("norwich-city.txt"))).toBe("txt");
    expect(detectFormat(doc("fake-text-utf-16-be.txt"))).toBe("txt");
    expect(detectFormat(doc("fake-text-utf-32.txt"))).toBe("txt");
    const binary = bytes([0x00, 0x01, 0x02, 0x03, 0x04, 0xff, 0x00, 0x10]);
    expect(detectFormat(binary, "txt")).toBeUndefined();
    expect(detectFormat(binary)).toBeUndefined();
    expect(detectFormat(new Uint8Array())).toBeUndefined();
  });

  it("normalises declared types and extensions", () => {
    expect(normalizeDeclaredType(".PDF")).toBe("pdf");
    expect(normalizeDeclaredType("md")).toBe("txt");
    expect(normalizeDeclaredType("exe")).toBeUndefined();
    expect(formatFromFileName("archive.tar.gz")).toBeUndefined();
    expect(formatFromFileName("noextension")).toBeUndefined();
    expect(formatFromFileName("a.b/report.xlsx")).toBe("xlsx");
  });
});

describe("toDocumentType", () => {
  it("reports web pages as txt and everything else as itself", () => {
    expect(toDocumentType("html")).toBe("txt");
    expect(toDocumentType("csv")).toBe("csv");
    expect(toDocumentType("heif")).toBe("heif");
  });
});

describe("unsupportedReason", () => {
  it("names legacy Office, OpenDocument and EPUB files", () => {
    expect(unsupportedReason(doc("fake.doc"))).toMatch(/^legacy Microsoft Office files/);
    expect(unsupportedReason(doc("tests-example.xls"))).toMatch(/^legacy Microsoft Office files/);
    expect(unsupportedReason(doc("fake-email.msg"))).toMatch(/^legacy Microsoft Office files/);
    expect(unsupportedReason(doc("fake.odt"))).toMatch(/^OpenDocument files/);
    expect(unsupportedReason(doc("winter-sports.epub"))).toBe("EPUB e-books are not supported");
    expect(unsupportedReason(doc("fake.docx"))).toBeUndefined();
    expect(unsupportedReason(new Uint8Array())).toBeUndefined();
  });
});
