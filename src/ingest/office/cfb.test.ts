import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeCfb } from "../../../test/helpers/hwp-fixtures.js";
import { CfbError, isCfb, openCfb } from "./cfb.js";

const DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/documents");
const doc = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DOCS, name)));

/** Deterministic bytes (a stream's content must survive the round trip exactly). */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Byte equality (vitest's deep equality is slow on megabytes). */
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && Buffer.from(a).equals(b);

const u32 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)) +
  (bytes[at + 3] ?? 0) * 2 ** 24;

/** The offset of a directory entry, found by its UTF-16LE name. */
function entryOffset(bytes: Uint8Array, name: string): number {
  return Buffer.from(bytes).indexOf(Buffer.from(`${name}\0`, "utf16le"));
}

describe("openCfb", () => {
  const streams = [
    { path: "FileHeader", data: pattern(256, 1) },
    { path: "DocInfo", data: pattern(4095, 2) },
    { path: "BodyText/Section0", data: pattern(4096, 3) },
    { path: "BodyText/Section1", data: pattern(70_000, 4) },
    { path: "BodyText/Section10", data: pattern(10, 5) },
    { path: "BinData/Deep/Nested/Blob", data: pattern(3000, 6) },
    { path: "Empty", data: new Uint8Array(0) },
  ];

  it.each([3, 4] as const)(
    "reads back what a version %i writer stored (mini and regular streams)",
    (version) => {
      const cfb = openCfb(writeCfb(streams, { version }));
      for (const stream of streams) expect(same(cfb.read(stream.path), stream.data)).toBe(true);
      // CFB names compare case-insensitively; children come in directory (name) order.
      expect(same(cfb.read("bodytext/SECTION0"), pattern(4096, 3))).toBe(true);
      expect(cfb.entry("BodyText")?.children.map((c) => c.name)).toEqual([
        "Section0",
        "Section1",
        "Section10",
      ]);
      expect(cfb.entry("BodyText")?.kind).toBe("storage");
      expect(cfb.entry("BinData/Deep/Nested/Blob")?.path).toBe("BinData/Deep/Nested/Blob");
      expect(cfb.read("BodyText")).toBeUndefined();
      expect(cfb.read("Missing")).toBeUndefined();
    },
  );

  it("follows the DIFAT beyond the header's 109 FAT sectors", () => {
    // 8 MiB in 512-byte sectors needs ~129 FAT sectors: 20 of them are listed in a DIFAT sector.
    const big = pattern(8 * 1024 * 1024, 7);
    const bytes = writeCfb([
      { path: "Big", data: big },
      { path: "Small", data: pattern(100, 8) },
    ]);
    expect(u32(bytes, 72)).toBeGreaterThan(0); // DIFAT sector count in the header
    const cfb = openCfb(bytes);
    expect(same(cfb.read("Big"), big)).toBe(true);
    expect(same(cfb.read("Small"), pattern(100, 8))).toBe(true);
  });

  it("reads compound files written by Microsoft Office", () => {
    const word = openCfb(doc("fake.doc"));
    // The FIB of a Word document starts with wIdent 0xA5EC.
    expect([...(word.read("WordDocument")?.subarray(0, 2) ?? [])]).toEqual([0xec, 0xa5]);
    expect(word.entry("1Table")?.size).toBeGreaterThan(4096);
    const excel = openCfb(doc("tests-example.xls"));
    // A BIFF8 workbook starts with a BOF record (0x0809).
    expect([...(excel.read("Workbook")?.subarray(0, 2) ?? [])]).toEqual([0x09, 0x08]);
    const mail = openCfb(doc("fake-email.msg"));
    const subject = mail.read("__substg1.0_0037001F");
    expect(Buffer.from(subject ?? []).toString("utf16le")).toMatch(/^Test/);
    expect(mail.entry("__recip_version1.0_#00000000")?.children.length).toBeGreaterThan(3);
  });

  it("rejects what is not a compound file", () => {
    expect(isCfb(new TextEncoder().encode("plain text"))).toBe(false);
    expect(() => openCfb(new TextEncoder().encode("plain text"))).toThrow(CfbError);
    const header = writeCfb(streams).subarray(0, 512);
    expect(isCfb(header)).toBe(true);
    expect(() => openCfb(header)).toThrow(CfbError);
  });

  it("reports a truncated file, a broken chain and a chain that loops", () => {
    const bytes = writeCfb(streams);
    // Cut inside the large Section1 stream: its sectors are missing.
    const truncated = bytes.subarray(0, bytes.length - 20_000);
    expect(() => openCfb(truncated).read("BodyText/Section1")).toThrow(CfbError);

    // A declared size larger than the chain.
    const longer = bytes.slice();
    const section = entryOffset(longer, "Section1");
    expect(longer.length).toBeGreaterThan(80_000);
    longer.set([0x80, 0x38, 0x01, 0x00], section + 120); // 80,000 bytes, 70,000 stored
    expect(() => openCfb(longer).read("BodyText/Section1")).toThrow(/shorter than its declared size/);

    // The FAT entry of Section1's second sector points back to its first.
    const looping = bytes.slice();
    const start = u32(looping, entryOffset(looping, "Section1") + 116);
    const fatAt = (id: number): number => 512 + id * 4; // FAT sector 0 is the file's first sector
    const second = u32(looping, fatAt(start));
    looping.set([start & 0xff, (start >>> 8) & 0xff, 0, 0], fatAt(second));
    expect(() => openCfb(looping).read("BodyText/Section1")).toThrow(/loops/);
  });

  it("survives a directory whose siblings point back at each other", () => {
    const bytes = writeCfb(streams).slice();
    const docInfo = entryOffset(bytes, "DocInfo");
    // DocInfo's left and right siblings both become DocInfo itself.
    const id = (docInfo - entryOffset(bytes, "Root Entry")) / 128;
    for (const field of [68, 72]) bytes.set([id & 0xff, (id >>> 8) & 0xff, 0, 0], docInfo + field);
    const cfb = openCfb(bytes);
    expect(same(cfb.read("DocInfo"), pattern(4095, 2))).toBe(true);
  });
});
