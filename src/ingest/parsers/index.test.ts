import { describe, expect, it } from "vitest";
import { ParseError, type Parser } from "../types.js";
import { createParserRegistry, defaultParsers, requireParser, throwUnsupported } from "./index.js";

describe("parser registry", () => {
  it("serves the default parsers by format", () => {
    const registry = createParserRegistry(defaultParsers());
    expect(registry.formats().sort()).toEqual(["csv", "html", "json", "tsv", "txt"]);
    expect(registry.get("tsv")?.name).toBe("csv");
    expect(registry.get("pdf")).toBeUndefined();
  });

  it("adds a parser for new formats by registration; a later parser wins", () => {
    const registry = createParserRegistry(defaultParsers());
    const pdf: Parser = { name: "pdf", formats: ["pdf"], parse: async () => ({ blocks: [] }) };
    registry.register(pdf);
    expect(registry.get("pdf")).toBe(pdf);
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
