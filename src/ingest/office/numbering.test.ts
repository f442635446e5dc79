import { describe, expect, it } from "vitest";
import { formatNumber, Numbering } from "./numbering.js";
import { parseXml } from "./xml.js";

const NUMBERING = `<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:abstractNum w:abstractNumId="0">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2)"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl>
    <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="–"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`;

describe("formatNumber", () => {
  it("renders Word's number formats", () => {
    expect(formatNumber(4, "upperRoman")).toBe("IV");
    expect(formatNumber(28, "lowerLetter")).toBe("bb");
    expect(formatNumber(7, "decimalZero")).toBe("07");
    expect(formatNumber(12, "decimal")).toBe("12");
  });
});

describe("Numbering", () => {
  it("counts per list, resets deeper levels and applies start overrides", () => {
    const numbering = new Numbering(parseXml(NUMBERING));
    expect(numbering.next("1", 0)).toBe("1.");
    expect(numbering.next("1", 1)).toBe("1.a)");
    expect(numbering.next("1", 1)).toBe("1.b)");
    expect(numbering.next("1", 0)).toBe("2.");
    expect(numbering.next("1", 1)).toBe("2.a)");
    expect(numbering.next("2", 0)).toBe("5.");
    expect(numbering.next("0", 0)).toBeUndefined();
    expect(numbering.next("9", 0)).toBeUndefined();
  });

  it("shows symbol-font bullets as • and keeps plain ones", () => {
    const numbering = new Numbering(parseXml(NUMBERING));
    expect(numbering.next("3", 0)).toBe("•");
    expect(numbering.next("3", 1)).toBe("–");
    expect(numbering.isBullet("3", 0)).toBe(true);
  });
});
