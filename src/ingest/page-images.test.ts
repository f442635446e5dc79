import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsBlobStore } from "../store/fs/blob-store.js";
import { PageImages } from "./page-images.js";
import { chunkPageRefs, cropBox } from "./pages.js";
import type { RenderInput } from "./sandbox/pool.js";
import type { XRay } from "./types.js";
import { blobKeys } from "./urls.js";

const box = (pageNumber: number, x0: number, y0: number, x1: number, y1: number) => ({
  pageNumber,
  topLeftX: x0,
  topLeftY: y0,
  bottomRightX: x1,
  bottomRightY: y1,
  corrected: false,
});

const xray: XRay = {
  fileName: "a.pdf",
  fileType: "pdf",
  language: "English",
  sourceUrl: "",
  chunks: [
    {
      chunk: "x-0",
      contentType: ["paragraph"],
      pageNumbers: [1],
      text: "t",
      suggestedText: "t",
      boundingBoxes: [box(1, 10, 10, 50, 20)],
    },
    {
      chunk: "x-1",
      contentType: ["table"],
      pageNumbers: [2],
      text: "t",
      suggestedText: "t",
      boundingBoxes: [box(2, 20, 30, 120, 90), box(2, 20, 90, 140, 100)],
      multimodalUrl: "u",
    },
  ],
  documentPages: [
    { pageNumber: 1, pageUrl: "p1", width: 200, height: 300 },
    { pageNumber: 2, pageUrl: "p2", width: 200, height: 300 },
  ],
};

describe("cropBox and chunkPageRefs", () => {
  it("unions the boxes of the first imaged page, with a margin clamped to the page", () => {
    expect(cropBox(xray.chunks[1] as never, new Set([2]), { width: 200, height: 300 })).toEqual(
      box(2, 12, 22, 148, 108),
    );
    expect(cropBox(xray.chunks[1] as never, new Set([1]))).toBeUndefined();
    // All-zero boxes (unpaged documents) have no area: no crop.
    expect(cropBox({ boundingBoxes: [box(1, 0, 0, 0, 0)] }, new Set([1]))).toBeUndefined();
  });

  it("lists the page images a chunk touches", () => {
    expect(chunkPageRefs({ pageNumbers: [2, 3] }, xray.documentPages)).toEqual({
      pages: [{ number: 2, imageUrl: "p2", width: 200, height: 300 }],
      pageImages: ["p2"],
    });
    expect(chunkPageRefs({ pageNumbers: [1] }, undefined)).toEqual({});
  });
});

describe("PageImages", () => {
  let dir: string;
  let blobs: FsBlobStore;
  let renders: RenderInput[];
  let images: PageImages;
  const document = { id: "d1", fileType: "pdf" as const, contentHash: "h", status: "complete" as const };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "og-pages-"));
    blobs = new FsBlobStore(dir);
    renders = [];
    await blobs.put(blobKeys.xray("d1"), JSON.stringify(xray));
    await blobs.put(blobKeys.original("d1"), "%PDF-fake");
    images = new PageImages({
      blobs,
      render: async (input) => {
        renders.push(input);
        const jpeg = await sharp({
          create: { width: 200, height: 300, channels: 3, background: { r: 255, g: 255, b: 255 } },
        })
          .jpeg()
          .toBuffer();
        return new Uint8Array(jpeg);
      },
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("renders a page once, stores it and serves later requests from the store", async () => {
    const [a, b] = await Promise.all([images.page(document, 1), images.page(document, 1)]);
    expect(a).toBeDefined();
    expect(b).toEqual(a);
    expect(await images.page(document, 1)).toEqual(a);
    expect(renders).toHaveLength(1);
    expect(renders[0]).toMatchObject({ format: "pdf", pageNumber: 1 });
    expect(await blobs.has(blobKeys.page("d1", 1))).toBe(true);
  });

  it("answers undefined for pages the document does not have and documents not complete", async () => {
    expect(await images.page(document, 3)).toBeUndefined();
    expect(await images.page({ ...document, id: "d2" }, 1)).toBeUndefined();
    expect(await images.page({ ...document, status: "processing" } as never, 1)).toBeUndefined();
    expect(renders).toHaveLength(0);
  });

  it("cuts a table crop from its page image", async () => {
    const crop = await images.crop(document, 1);
    expect(crop).toBeDefined();
    const meta = await sharp(crop as Uint8Array).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 136, 86]);
    expect(renders.map((r) => r.pageNumber)).toEqual([2]);
    // A paragraph has no crop.
    expect(await images.crop(document, 0)).toBeUndefined();
  });
});
