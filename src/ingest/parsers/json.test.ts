import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS, type ParseContext, type TextBlock } from "../types.js";
import { jsonDepth, jsonParser, parseJsonText } from "./json.js";

const DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/documents");
const ctx: ParseContext = { fileName: "data.json", format: "json", limits: DEFAULT_PARSE_LIMITS };
const texts = (json: string) => parseJsonText(json, ctx).blocks as TextBlock[];

describe("json parser", () => {
  it("emits one block per top-level member with its path and readable lines", () => {
    const blocks = texts(
      JSON.stringify({
        name: "John Doe",
        address: { city: "New York", zipcode: "10001" },
        hobbies: ["reading", "running"],
        "odd key": [{ id: 1, tags: [] }, null],
      }),
    );
    expect(blocks.map((b) => b.path)).toEqual(["$.name", "$.address", "$.hobbies", '$["odd key"]']);
    expect(blocks.map((b) => b.text)).toEqual([
      "name: John Doe",
      "address.city: New York\naddress.zipcode: 10001",
      "hobbies: reading, running",
      '["odd key"][0].id: 1\n["odd key"][0].tags: []\n["odd key"][1]: null',
    ]);
    expect(blocks.every((b) => b.role === "json")).toBe(true);
  });

  it("groups the elements of a large top-level array and breaks big members along their structure", () => {
    const items = Array.from({ length: 200 }, (_, i) => ({
      id: i,
      title: `Item number ${i}`,
      ok: i % 2 === 0,
    }));
    const blocks = texts(JSON.stringify(items));
    expect(blocks.length).toBeGreaterThan(3);
    expect(blocks[0]?.path).toMatch(/^\$\[0:\d+\]$/);
    expect(blocks[0]?.text.split("\n").slice(0, 3)).toEqual([
      "[0].id: 0",
      "[0].title: Item number 0",
      "[0].ok: true",
    ]);
    const last = blocks[blocks.length - 1];
    expect(last?.path).toMatch(/:200\]$/);
    expect(last?.text).toContain("[199].title: Item number 199");

    const nested = texts(JSON.stringify({ catalog: { items } }));
    expect(nested.length).toBeGreaterThan(3);
    expect(nested[0]?.path).toMatch(/^\$\.catalog\.items\[0:\d+\]$/);
  });

  it("reports invalid JSON with line and column (fake-incomplete-json.txt)", async () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(DOCS, "fake-incomplete-json.txt")));
    await expect(jsonParser.parse(bytes, ctx)).rejects.toMatchObject({
      code: "PARSE_FAILED",
      message: expect.stringMatching(/^invalid JSON at line \d+, column \d+: '\}' expected$/),
    });
    expect(() => parseJsonText('{\n  "a": tru\n}', ctx)).toThrow("invalid JSON at line 2, column 8");
  });

  it("refuses nesting deeper than the limit, before parsing", () => {
    const deep = `${"[".repeat(21)}1${"]".repeat(21)}`;
    expect(jsonDepth(deep)).toBe(21);
    expect(jsonDepth('{"a": "[[[[not nesting]]]"}')).toBe(1);
    expect(() => parseJsonText(deep, ctx)).toThrow("JSON nesting deeper than 20 levels");
    expect(() => parseJsonText(`${"[".repeat(20)}1${"]".repeat(20)}`, ctx)).not.toThrow();
    const veryDeep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(() => parseJsonText(veryDeep, ctx)).toThrow(expect.objectContaining({ code: "LIMIT_EXCEEDED" }));
  });

  it("handles scalars, empty documents and a UTF-16 file", async () => {
    expect(texts('"just a string"')).toEqual([
      { kind: "text", role: "json", text: "just a string", path: "$" },
    ]);
    expect(() => parseJsonText("{}", ctx)).toThrow(expect.objectContaining({ code: "EMPTY_DOCUMENT" }));
    expect(() => parseJsonText("  ", ctx)).toThrow(expect.objectContaining({ code: "EMPTY_DOCUMENT" }));
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from('{"k": "ü"}', "utf16le")]);
    const parsed = await jsonParser.parse(utf16, ctx);
    expect(parsed.blocks).toEqual([{ kind: "text", role: "json", text: "k: ü", path: "$.k" }]);
  });
});
