import { describe, expect, it } from "vitest";
import { decodeText, looksBinary, normalizeNewlines, sniffBom, sniffNulPattern } from "./text-decode.js";

const utf16 = (s: string, le: boolean): number[] => {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out.push(...(le ? [c & 0xff, c >> 8] : [c >> 8, c & 0xff]));
  }
  return out;
};

describe("decodeText", () => {
  it("honours byte-order marks, UTF-32 LE before UTF-16 LE", () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]))).toMatchObject({
      text: "hi",
      encoding: "utf-8",
    });
    expect(decodeText(new Uint8Array([0xff, 0xfe, ...utf16("hé", true)])).text).toBe("hé");
    expect(decodeText(new Uint8Array([0xfe, 0xff, ...utf16("hé", false)])).text).toBe("hé");
    const utf32 = new Uint8Array([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0, 0x00, 0xf6, 0x01, 0x00]);
    expect(decodeText(utf32)).toMatchObject({ text: "A😀", encoding: "utf-32le" });
    expect(sniffBom(new Uint8Array([0, 0, 0xfe, 0xff]))?.encoding).toBe("utf-32be");
  });

  it("detects BOM-less UTF-16 by its NUL bytes", () => {
    const sample = "Plain ASCII text in UTF-16, long enough to see the pattern.";
    expect(sniffNulPattern(new Uint8Array(utf16(sample, true)))).toBe("utf-16le");
    expect(decodeText(new Uint8Array(utf16(sample, false))).text).toBe(sample);
  });

  it("falls back to windows-1252 (with the euro sign Node 20 gets wrong) for invalid UTF-8", () => {
    const decoded = decodeText(new Uint8Array([0x6b, 0xf6, 0x6e, 0x6e, 0x65, 0x6e, 0x20, 0x80]));
    expect(decoded).toMatchObject({ text: "können €", encoding: "windows-1252" });
  });

  it("uses a declared legacy charset, but not a declared UTF-16 without evidence", () => {
    expect(decodeText(new Uint8Array([0xe4]), "iso-8859-1").text).toBe("ä");
    expect(decodeText(new TextEncoder().encode("abc"), "utf-16").text).toBe("abc");
  });

  it("normalises line ends and spots binary data", () => {
    expect(normalizeNewlines("a\r\nb\rc\n")).toBe("a\nb\nc\n");
    expect(looksBinary(new Uint8Array([0x25, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]))).toBe(true);
    expect(looksBinary(new TextEncoder().encode("just text\twith tabs\r\n"))).toBe(false);
  });
});
