import { describe, expect, it } from "vitest";
import { ParseError, type Parser } from "../types.js";
import { createParserRegistry, defaultParsers, requireParser, throwUnsupported } from "./index.js";

describe("parser registry", () => {
  it("serves the default parsers by format", () => {
    const registry = createParserRegistry(defaultParsers());
    expect(registry.formats().sort()).toEqual(
      [
        ...["bmp", "csv", "docx", "gif", "heif", "html", "hwp", "ico", "jpg", "json", "pdf", "png"],
        ...["pptx", "svg", "tiff", "tsv", "txt", "webp", "xlsx"],
      ].sort(),
    );
    expect(registry.get("tsv")?.name).toBe("csv");
    expect(registry.get("heif")?.name).toBe("image");
    expect(registry.get("hwp")?.name).toBe("hwp");
  });

  it("adds a parser for new formats by registration; a later parser wins", () => {
    const registry = createParserRegistry(defaultParsers().filter((p) => p.name !== "hwp"));
    expect(registry.get("hwp")).toBeUndefined();
    const hwp: Parser = { name: "hwp", formats: ["hwp"], parse: async () => ({ blocks: [] }) };
    registry.register(hwp);
    expect(registry.get("hwp")).toBe(hwp);
    const txt: Parser = { name: "better-txt", formats: ["txt"], parse: async () => ({ blocks: [] }) };
    registry.register(txt);
    expect(registry.get("txt")?.name).toBe("better-txt");
  });

  it("reports a format without parser as UNSUPPORTED_TYPE", () => {
    const registry = createParserRegistry();
    expect(() => requireParser(registry, "docx")).toThrow(ParseError);
    expect(() => throwUnsupported("pptx")).toThrow(
      expect.objectContaining({ code: "UNSUPPORTED_TYPE", message: "pptx documents are not supported yet" }),
    );
  });
});
