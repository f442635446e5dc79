import fs from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { docxParser } from "../parsers/docx.js";
import { DEFAULT_PARSE_LIMITS, ParseError } from "../types.js";
import { DEFAULT_ZIP_LIMITS, openZip } from "./zip.js";

const DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/documents");
const doc = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DOCS, name)));

const context = { fileName: "bomb.docx", format: "docx" as const, limits: DEFAULT_PARSE_LIMITS };

function u32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, value, true);
}

/**
 * A zip bomb: `megabytes` MiB of zeros deflated into a few KiB, with the
 * declared uncompressed size forged in the local header and the central
 * directory (`declared`), as a bomb would to slip past a size check.
 */
function zipBomb(megabytes: number, declared?: number): Uint8Array {
  const zeros = new Uint8Array(megabytes * 1024 * 1024);
  const zip = zipSync({ "word/document.xml": [zeros, { level: 9 }] });
  if (declared !== undefined) {
    for (let at = 0; at + 4 <= zip.length; at++) {
      const signature = new DataView(zip.buffer).getUint32(at, true);
      if (signature === 0x04034b50) u32(zip, at + 22, declared);
      if (signature === 0x02014b50) u32(zip, at + 24, declared);
    }
  }
  return zip;
}

async function parseError(promise: Promise<unknown>): Promise<ParseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error("expected a ParseError");
}

describe("openZip", () => {
  it("reads the parts of a package lazily, by case-insensitive part name", () => {
    const bytes = zipSync({
      "[Content_Types].xml": strToU8("<Types/>"),
      "word/document.xml": [strToU8(`\ufeff<w:document>${"x".repeat(5000)}</w:document>`), { level: 6 }],
    });
    const zip = openZip(bytes);
    expect(zip.entries.map((e) => e.name)).toEqual(["[Content_Types].xml", "word/document.xml"]);
    expect(zip.bytesRead).toBe(0);
    // Case-insensitive lookup; the UTF-8 byte order mark is dropped.
    expect(zip.text("/Word/Document.XML")?.startsWith("<w:document>")).toBe(true);
    expect(zip.bytesRead).toBeGreaterThan(5000);
    expect(zip.read("word/missing.xml")).toBeUndefined();
  });

  it("stops inflating a bomb whose declared size is forged (10+ MiB of zeros declared as 1 KiB)", async () => {
    const bomb = zipBomb(12, 1024);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const zip = openZip(bomb);
    expect(() => zip.read("word/document.xml")).toThrow(/expands beyond its declared size/);
    // The whole parser reports it as the document's error.
    const error = await parseError(docxParser.parse(bomb, context));
    expect(error.code).toBe("LIMIT_EXCEEDED");
    expect(error.message).toMatch(/expands beyond/);
  });

  it("rejects an honest bomb from its central directory, before inflating (compression ratio)", () => {
    const zip = openZip(zipBomb(12));
    expect(() => zip.read("word/document.xml")).toThrow(
      expect.objectContaining({
        code: "LIMIT_EXCEEDED",
        message: expect.stringMatching(/expands beyond 250×/),
      }),
    );
    expect(zip.bytesRead).toBe(0);
  });

  it("enforces the entry count, per-entry and total size limits", () => {
    const many = zipSync(
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.xml`, strToU8("<a/>")])),
    );
    expect(() => openZip(many, { ...DEFAULT_ZIP_LIMITS, maxEntries: 10 })).toThrow(/20 zip entries/);
    const big = zipSync({ "a.xml": strToU8("a".repeat(10_000)), "b.xml": strToU8("b".repeat(10_000)) });
    const capped = openZip(big, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 5000 });
    expect(() => capped.read("a.xml")).toThrow(
      expect.objectContaining({
        code: "LIMIT_EXCEEDED",
        message: expect.stringMatching(/a\.xml expands beyond/),
      }),
    );
    expect(() => openZip(big, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 15_000 })).toThrow(
      /expands beyond the limit/,
    );
  });

  it("reports files that are not zip archives, or damaged ones, as PARSE_FAILED", () => {
    expect(() => openZip(strToU8("just some text, not a zip archive at all"))).toThrow(
      expect.objectContaining({ code: "PARSE_FAILED" }),
    );
    const good = zipSync({ "word/document.xml": strToU8("<w:document/>") });
    expect(() => openZip(good.subarray(0, good.length - 30))).toThrow(
      expect.objectContaining({ code: "PARSE_FAILED" }),
    );
  });

  it("reports an encrypted OOXML document (OLE container with EncryptedPackage) as ENCRYPTED", () => {
    expect(() => openZip(doc("password_protected.xlsx"))).toThrow(
      expect.objectContaining({ code: "ENCRYPTED", message: "the document is password-protected" }),
    );
  });

  it("reports a legacy binary Office file as PARSE_FAILED with the reason", () => {
    expect(() => openZip(doc("fake.doc"))).toThrow(
      expect.objectContaining({
        code: "PARSE_FAILED",
        message: expect.stringMatching(/legacy binary Office/),
      }),
    );
  });
});
