import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { countTokens } from "./chunk/index.js";
import { createParserRegistry, defaultParsers } from "./parsers/index.js";
import { type ProcessInput, processDocument } from "./process.js";
import { DEFAULT_PARSE_LIMITS, ParseError, type Parser, type SourceFormat } from "./types.js";

const DOCS = path.resolve(import.meta.dirname, "../../../shared/eval/documents");
const doc = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DOCS, name)));

function input(fileName: string, format: SourceFormat, overrides: Partial<ProcessInput> = {}): ProcessInput {
  return {
    bytes: doc(fileName),
    fileName,
    format,
    processLevel: "full",
    limits: DEFAULT_PARSE_LIMITS,
    chunkIdPrefix: "a1b2c3",
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<ParseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ParseError)) throw new Error(`expected a ParseError, got ${String(error)}`);
  return error;
}

describe("processDocument: real documents", () => {
  it("turns a text file into a full X-Ray (norwich-city.txt)", async () => {
    const { xray, tokens, chunks } = await processDocument(input("norwich-city.txt", "txt"));
    expect(xray).toMatchObject({ fileName: "norwich-city.txt", fileType: "txt", language: "English" });
    expect(xray.fileKeywords?.startsWith("norwich-city.txt,")).toBe(true);
    expect(xray.fileSummary).toContain("\n\nKeywords: ");
    expect(tokens).toBe(countTokens(chunks.text));
    expect(tokens).toBeGreaterThan(10_000);
    expect(xray.chunks).toHaveLength(chunks.chunks.length);
    expect(xray.chunks[0]?.chunk).toBe("a1b2c3-0");
    expect(xray.chunks.some((c) => c.text.includes("Iwan Wyn Roberts (born 26 June 1968)"))).toBe(true);
    expect(xray.documentPages).toBeUndefined();
  });

  it("turns a CSV into table chunks with snake_case row objects", async () => {
    const { xray } = await processDocument(input("stanley-cups-with-emoji.csv", "csv"));
    expect(xray.fileType).toBe("csv");
    const [table] = xray.chunks;
    expect(table?.contentType).toEqual(["table"]);
    expect(table?.json?.[0]).toMatchObject({
      table_title: "Stanley Cups",
      main_headers: ["Team", "Location", "Stanley Cups"],
    });
    expect(table?.json?.slice(1)).toContainEqual({
      team: "Maple Leafs",
      location: "TOR",
      stanley_cups: "13",
    });
  });

  it("reports a German web page as txt in German", async () => {
    const { xray } = await processDocument(input("fake-html-lang-de.html", "html"));
    expect(xray.fileType).toBe("txt");
    expect(xray.language).toBe("German");
    expect(xray.chunks[0]?.text).toBe("Jahresabschluss zum Geschäftsjahr vom 01.01.2020 bis zum 31.12.2020");
  });

  it("keeps only raw data with processLevel none", async () => {
    const { xray } = await processDocument(input("example-10k-1p.html", "html", { processLevel: "none" }));
    expect(xray.fileSummary).toBeUndefined();
    expect(xray.fileKeywords).toBeUndefined();
    expect(xray.language).toBe("English");
    expect(xray.chunks.every((c) => c.suggestedText === c.text && c.sectionSummary === undefined)).toBe(true);
    expect(xray.chunks.some((c) => c.contentType[0] === "table" && Array.isArray(c.json))).toBe(true);
  });
});

describe("processDocument: failures are ParseErrors", () => {
  it("rejects invalid JSON, an empty file and an unsupported type", async () => {
    const json = await failure(processDocument(input("fake-incomplete-json.txt", "json")));
    expect(json.code).toBe("PARSE_FAILED");
    expect(json.message).toMatch(/^invalid JSON at line \d+, column \d+/);
    expect((await failure(processDocument(input("fake-text-all-whitespace.txt", "txt")))).code).toBe(
      "EMPTY_DOCUMENT",
    );
    // Every DocumentType has a parser by default: a registry without one reports the type.
    const registry = createParserRegistry(defaultParsers().filter((p) => p.name !== "hwp"));
    const hwp = await failure(processDocument({ ...input("fake-text.txt", "hwp"), registry }));
    expect([hwp.code, hwp.message]).toEqual(["UNSUPPORTED_TYPE", "hwp documents are not supported yet"]);
  });

  const registryWith = (parse: Parser["parse"]) =>
    createParserRegistry([...defaultParsers(), { name: "fake-pdf", formats: ["pdf"], parse }]);

  it("wraps an unexpected parser exception into PARSE_FAILED", async () => {
    const registry = registryWith(async () => {
      throw new TypeError("cannot read properties of undefined");
    });
    const error = await failure(processDocument({ ...input("fake-text.txt", "pdf"), registry }));
    expect([error.code, error.message]).toEqual([
      "PARSE_FAILED",
      "the fake-pdf parser failed: cannot read properties of undefined",
    ]);
  });

  it("enforces the page limit, and reports a document without text as EMPTY_DOCUMENT", async () => {
    const pages = Array.from({ length: 3 }, (_, i) => ({ pageNumber: i + 1, width: 100, height: 100 }));
    const paged = registryWith(async () => ({
      pages,
      blocks: [{ kind: "text", text: "Hello there.", pageNumber: 1 }],
    }));
    const limits = { ...DEFAULT_PARSE_LIMITS, maxPages: 2 };
    const tooLong = await failure(
      processDocument({ ...input("fake-text.txt", "pdf"), registry: paged, limits }),
    );
    expect(tooLong.code).toBe("LIMIT_EXCEEDED");
    const ok = await processDocument({ ...input("fake-text.txt", "pdf"), registry: paged });
    expect(ok.xray.fileType).toBe("pdf");
    expect(ok.xray.documentPages?.map((p) => p.pageNumber)).toEqual([1, 2, 3]);
    const blank = registryWith(async () => ({ blocks: [{ kind: "text", text: "   " }, { kind: "figure" }] }));
    expect((await failure(processDocument({ ...input("fake-text.txt", "pdf"), registry: blank }))).code).toBe(
      "EMPTY_DOCUMENT",
    );
  });
});

describe("processDocument in a worker thread", () => {
  it("runs in a worker and returns structured-cloneable results", async () => {
    const url = new URL("./process.ts", import.meta.url).href;
    const code = `
      const { parentPort, workerData } = await import("node:worker_threads");
      const { register } = await import("tsx/esm/api");
      register();
      const { processDocument } = await import(${JSON.stringify(url)});
      const result = await processDocument(workerData);
      parentPort.postMessage({ xray: result.xray, tokens: result.tokens });
    `;
    const task = input("example-steelJIS-datasheet-utf-16.html", "html");
    const worker = new Worker(code, { eval: true, workerData: { ...task, registry: undefined } });
    const reply = await new Promise<{ xray: { language: string; chunks: unknown[] }; tokens: number }>(
      (resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      },
    );
    await worker.terminate();
    const local = await processDocument(task);
    expect(reply.tokens).toBe(local.tokens);
    expect(reply.xray).toEqual(local.xray);
  }, 20_000);
});
