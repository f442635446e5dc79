/**
 * @module Page images (§5.3 `pageUrl`) and table/figure crops (§5.2
 * `multimodalUrl`), rendered lazily: ingest never pays for a page nobody looks
 * at. The first request renders the page in a sandbox worker (pdf.js for PDFs
 * and for the PDF LibreOffice made of a DOCX/PPTX, sharp for images), stores
 * the JPEG in the blob store next to the document, and later requests stream
 * the stored file. Concurrent requests for the same image share one render.
 *
 * A crop is cut (sharp) from the page image, so a crop and its page always
 * agree. Page sizes and crop boxes come from the document's X-Ray, read once
 * per document and kept in a small LRU.
 */
import sharp from "sharp";
import type { BlobStore } from "../store/contracts/blob-store.js";
import type { DocumentRecord } from "../store/contracts/document-store.js";
import { cropBox } from "./pages.js";
import type { RenderInput } from "./sandbox/pool.js";
import type { SourceFormat, XRay, XRayBox } from "./types.js";
import { blobKeys } from "./urls.js";

/** What renders a page: the sandbox pool's `render`. */
export type PageRenderer = (input: RenderInput) => Promise<Uint8Array>;

/** Formats whose pages are rendered from the original bytes. */
const RENDERED_FROM_ORIGINAL = new Set<string>([
  "pdf",
  "png",
  "jpg",
  "tiff",
  "webp",
  "gif",
  "bmp",
  "heif",
  "ico",
  "svg",
]);

/** DOCX/PPTX: pages come from the PDF LibreOffice made at ingest. */
const RENDERED_FROM_PAGES_PDF = new Set<string>(["docx", "pptx"]);

const LAYOUT_CACHE_SIZE = 256;
const CROP_QUALITY = 85;

interface DocumentLayout {
  readonly pages: ReadonlyMap<number, { readonly width: number; readonly height: number }>;
  readonly crops: ReadonlyMap<number, XRayBox>;
}

type Rendered = Pick<DocumentRecord, "id" | "fileType" | "contentHash" | "status">;

export class PageImages {
  readonly #blobs: BlobStore;
  readonly #render: PageRenderer;
  readonly #layouts = new Map<string, DocumentLayout>();
  readonly #inflight = new Map<string, Promise<Uint8Array | undefined>>();

  constructor(deps: { readonly blobs: BlobStore; readonly render: PageRenderer }) {
    this.#blobs = deps.blobs;
    this.#render = deps.render;
  }

  /**
   * The JPEG of a page, rendering and storing it on first request; undefined
   * when the document has no such page image.
   *
   * @throws SandboxError when rendering fails
   */
  async page(document: Rendered, pageNumber: number): Promise<Uint8Array | undefined> {
    const layout = await this.#layout(document);
    if (!layout?.pages.has(pageNumber)) return undefined;
    const key = blobKeys.page(document.id, pageNumber);
    return this.#once(key, async () => {
      const stored = await this.#blobs.get(key);
      if (stored) return stored;
      const source = await this.#source(document);
      if (!source) return undefined;
      const jpeg = await this.#render({ ...source, pageNumber });
      await this.#blobs.put(key, jpeg);
      return jpeg;
    });
  }

  /** The JPEG crop of a table/figure chunk (by index); undefined when it has none. */
  async crop(document: Rendered, chunkIndex: number): Promise<Uint8Array | undefined> {
    const box = (await this.#layout(document))?.crops.get(chunkIndex);
    if (!box || box.pageNumber === null) return undefined;
    const pageNumber = box.pageNumber;
    const key = blobKeys.crop(document.id, chunkIndex);
    return this.#once(key, async () => {
      const stored = await this.#blobs.get(key);
      if (stored) return stored;
      const page = await this.page(document, pageNumber);
      if (!page) return undefined;
      const { width = 0, height = 0 } = await sharp(page).metadata();
      const left = clamp(Math.floor(box.topLeftX), 0, width - 1);
      const top = clamp(Math.floor(box.topLeftY), 0, height - 1);
      const jpeg = await sharp(page)
        .extract({
          left,
          top,
          width: clamp(Math.ceil(box.bottomRightX) - left, 1, width - left),
          height: clamp(Math.ceil(box.bottomRightY) - top, 1, height - top),
        })
        .jpeg({ quality: CROP_QUALITY })
        .toBuffer();
      const bytes = new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
      await this.#blobs.put(key, bytes);
      return bytes;
    });
  }

  async #once(key: string, work: () => Promise<Uint8Array | undefined>): Promise<Uint8Array | undefined> {
    const running = this.#inflight.get(key);
    if (running) return running;
    const promise = work().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, promise);
    return promise;
  }

  async #source(document: Rendered): Promise<{ bytes: Uint8Array; format: SourceFormat } | undefined> {
    const type = document.fileType ?? "";
    if (RENDERED_FROM_ORIGINAL.has(type)) {
      const bytes = await this.#blobs.get(blobKeys.original(document.id));
      return bytes ? { bytes, format: type as SourceFormat } : undefined;
    }
    if (RENDERED_FROM_PAGES_PDF.has(type) && document.contentHash) {
      const bytes = await this.#blobs.get(blobKeys.pagesPdf(document.contentHash));
      return bytes ? { bytes, format: "pdf" } : undefined;
    }
    return undefined;
  }

  async #layout(document: Rendered): Promise<DocumentLayout | undefined> {
    if (document.status !== "complete") return undefined;
    const cached = this.#layouts.get(document.id);
    if (cached) {
      // Refresh its place in the LRU order.
      this.#layouts.delete(document.id);
      this.#layouts.set(document.id, cached);
      return cached;
    }
    const stored = await this.#blobs.get(blobKeys.xray(document.id));
    if (!stored) return undefined;
    const xray = JSON.parse(new TextDecoder().decode(stored)) as XRay;
    const pages = new Map(
      (xray.documentPages ?? []).map((p) => [p.pageNumber, { width: p.width, height: p.height }]),
    );
    const imaged = new Set(pages.keys());
    const crops = new Map<number, XRayBox>();
    xray.chunks.forEach((chunk, index) => {
      if (!chunk.multimodalUrl) return;
      const first = chunk.boundingBoxes.find((b) => b.pageNumber !== null && imaged.has(b.pageNumber));
      const box = cropBox(chunk, imaged, first?.pageNumber ? pages.get(first.pageNumber) : undefined);
      if (box) crops.set(index, box);
    });
    const layout = { pages, crops };
    this.#layouts.set(document.id, layout);
    if (this.#layouts.size > LAYOUT_CACHE_SIZE) {
      const oldest = this.#layouts.keys().next().value;
      if (oldest !== undefined) this.#layouts.delete(oldest);
    }
    return layout;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}
