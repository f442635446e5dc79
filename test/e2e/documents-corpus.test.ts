/**
 * Robustness over every sample document of ../shared/eval/documents (206 files of
 * every kind: PDFs incl. scanned, password-protected and malformed ones, Office
 * files, images, e-mails, legacy formats, UTF-16 text…), uploaded through the
 * official SDK: each one either completes or errors with a clear statusMessage,
 * password-protected files error as such, and the server stays up (issue 4).
 *
 * Embeddings are off here (this test is about parsing; retrieval has its own).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestServer, type TestServer } from "../helpers/server.js";
import {
  allDocuments,
  DOCUMENTS_DIR,
  type DocumentDetail,
  readJson,
  waitForProcess,
  type XRay,
} from "./support.js";

/** Every file under the sample directory, relative paths, sorted. */
function sampleFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? sampleFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    )
    .sort();
}

const FILES = sampleFiles(DOCUMENTS_DIR);
const BATCH = 50;
/** Files that must end as a password error. */
const PASSWORD_PROTECTED = ["pdf/password.pdf", "password_protected.xlsx"];
/** Formats Openground parses: every sample of these completes unless listed in EXPECTED_ERRORS. */
const PARSED = /\.(pdf|docx|pptx|xlsx|png|jpe?g|tiff?|heic|bmp|gif|webp|csv|tsv|json|txt|html?|md)$/i;
/**
 * Samples of parsed formats that are broken or empty on purpose, or hold no
 * text at all (a photo, slides with only a picture): without a vision model
 * there is nothing to index, and they end as "the document contains no text".
 */
const EXPECTED_ERRORS = new Set([
  ...PASSWORD_PROTECTED,
  "empty.xlsx",
  "fake-text-all-whitespace.txt",
  "img/example.jpg",
  "picture.pptx",
  "test-image-jpg-mime.pptx",
]);
/** Legacy and other packaged formats: an error that names the kind of file. */
const UNSUPPORTED = /\.(doc|xls|ppt|msg|odt|epub)$/;

let server: TestServer;
let client: Client;
const results = new Map<string, DocumentDetail>();

beforeAll(async () => {
  server = await startTestServer({ OPENGROUND_EMBEDDER: "none", OPENGROUND_WORKERS: "2" });
  client = server.client();
  const bucket = await client.buckets.create({ name: "corpus" });
  const bucketId = bucket.bucket.bucketId;
  for (let i = 0; i < FILES.length; i += BATCH) {
    const batch = FILES.slice(i, i + BATCH);
    // The SDK's own file-type guess (extension → MIME → type, "txt" when unknown); the server sniffs the bytes.
    const response = await client.ingest(
      batch.map((file) => ({
        bucketId,
        filePath: path.join(DOCUMENTS_DIR, file),
        fileName: file.replaceAll("/", "__"),
      })),
    );
    const status = await waitForProcess(client, response.ingest.processId, {
      timeoutMs: 900_000,
      intervalMs: 1000,
    });
    for (const document of allDocuments(status)) {
      const name = (document.fileName ?? "").replaceAll("__", "/");
      results.set(name, document);
    }
  }
}, 1_200_000);

afterAll(async () => server?.close());

describe("every sample document", () => {
  it("was ingested and ended complete or error", () => {
    expect([...results.keys()].sort()).toEqual(FILES);
    const counts = new Map<string, number>();
    for (const document of results.values())
      counts.set(document.status ?? "", (counts.get(document.status ?? "") ?? 0) + 1);
    console.log(`${FILES.length} files: ${JSON.stringify(Object.fromEntries(counts))}`);
    for (const [file, document] of results) expect(["complete", "error"], file).toContain(document.status);
  });

  it("errors only with a clear statusMessage", () => {
    const errors = [...results].filter(([, d]) => d.status === "error");
    for (const [file, document] of errors) {
      console.log(`error  ${file}: ${document.statusMessage}`);
      const message = document.statusMessage ?? "";
      expect(message.length, file).toBeGreaterThan(10);
      expect(message, file).not.toMatch(/undefined|\[object|at .+\.(js|ts):\d+/);
    }
  });

  it("names the kind of an unsupported file (the bytes decide: a .doc that is a DOCX completes)", () => {
    for (const file of FILES.filter((f) => UNSUPPORTED.test(f))) {
      const document = results.get(file);
      if (document?.status === "complete") continue;
      expect(document?.statusMessage, file).toMatch(/^(legacy Microsoft Office|OpenDocument|EPUB)/);
    }
    expect(results.get("language-docs/eng_spa_mult.doc")?.status).toBe("complete");
  });

  it("reports password-protected files as such", () => {
    for (const file of PASSWORD_PROTECTED) {
      const document = results.get(file);
      expect(document?.status, file).toBe("error");
      expect(document?.statusMessage, file).toMatch(/password/i);
    }
  });

  it("completes every sample of a supported format that is not broken on purpose", () => {
    const failed = FILES.filter(
      (file) => PARSED.test(file) && !EXPECTED_ERRORS.has(file) && results.get(file)?.status !== "complete",
    ).map((file) => `${file}: ${results.get(file)?.statusMessage}`);
    expect(failed).toEqual([]);
  });

  it("gives paged documents page images and boxes on them", async () => {
    const pdf = results.get("pdf/layout-parser-paper-with-table.pdf");
    expect(pdf?.status).toBe("complete");
    const { body } = await readJson<XRay>(server.api(`/ingest/document/xray/${pdf?.documentId}`));
    const pages = body.documentPages as {
      pageNumber: number;
      pageUrl: string;
      width: number;
      height: number;
    }[];
    expect(pages.length).toBe(1);
    const page = pages[0] as (typeof pages)[number];
    const image = await fetch(page.pageUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/jpeg");
    const boxes = body.chunks.flatMap((c) => c.boundingBoxes);
    expect(boxes.length).toBeGreaterThan(0);
    for (const box of boxes) {
      expect(box.bottomRightX).toBeLessThanOrEqual(page.width + 1);
      expect(box.bottomRightY).toBeLessThanOrEqual(page.height + 1);
      expect(box.topLeftX).toBeLessThan(box.bottomRightX);
    }
  });

  it("gives a DOCX page images through LibreOffice and its tables crops", async () => {
    const docx = results.get("docx-tables.docx");
    expect(docx?.status).toBe("complete");
    const { body } = await readJson<XRay>(server.api(`/ingest/document/xray/${docx?.documentId}`));
    const pages = body.documentPages as {
      pageNumber: number;
      pageUrl: string;
      width: number;
      height: number;
    }[];
    expect(pages.length).toBeGreaterThan(0);
    const table = body.chunks.find((c) => c.contentType[0] === "table");
    expect(table?.multimodalUrl).toMatch(/\/crops\/\d+\.jpg$/);
    const crop = await fetch(table?.multimodalUrl as string);
    expect([crop.status, crop.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
    const bytes = new Uint8Array(await crop.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    // The crop is cut from the page image: its page is stored now and served again.
    const page = await fetch(pages[(table?.boundingBoxes[0]?.pageNumber ?? 1) - 1]?.pageUrl as string);
    expect(page.status).toBe(200);
  });

  it("is still up and searchable afterwards", async () => {
    const health = await server.api("/health");
    expect(health.status).toBe(200);
    const bucketId = (await client.buckets.list()).buckets?.[0]?.bucketId as number;
    const found = await client.search.content(bucketId, { query: "layout parser" });
    expect(found.search.results?.length ?? 0).toBeGreaterThan(0);
    // Results from paged documents point at their page images (§2.4 pages[], pageImages).
    const paged = found.search.results?.find((r) => r.fileName?.endsWith(".pdf"));
    expect(paged?.pages?.[0]).toMatchObject({
      number: expect.any(Number),
      imageUrl: expect.stringMatching(/\/pages\/\d+\.jpg$/),
      width: expect.any(Number),
      height: expect.any(Number),
    });
    expect(paged?.pageImages).toEqual(paged?.pages?.map((p) => p.imageUrl));
  });
});
