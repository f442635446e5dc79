/**
 * @module Rendering a PDF page to pixels with pdf.js on @napi-rs/canvas (the
 * canvas pdf.js 5 itself uses in Node for its scratch canvases).
 *
 * - The page is painted on white at the requested resolution; annotations with
 *   appearance streams (stamps, filled form fields) are included, as a viewer
 *   shows them.
 * - Very large pages are scaled down so the image stays within `MAX_PIXELS`
 *   (a poster at 300 dpi would need gigabytes); callers that map pixels back
 *   to page coordinates must use the returned image's size, not the asked dpi.
 * - The result is RGBA (`channels: 4`), the canvas's native layout, so no copy
 *   or conversion is made.
 */
import { createCanvas } from "@napi-rs/canvas";
import type { RawImage } from "../ocr/types.js";
import type { PDFDocumentProxy, PDFPageProxy } from "./pdfjs.js";

type RenderParameters = Parameters<PDFPageProxy["render"]>[0];

/** Largest rendered image, in pixels (≈ A4 at 600 dpi). */
export const MAX_PIXELS = 36_000_000;

/**
 * Render page `pageNumber` (1-based) at `dpi` dots per inch.
 *
 * @example const image = await renderPage(doc, 1, 300); // A4 → 2480 × 3508 RGBA
 */
export async function renderPage(doc: PDFDocumentProxy, pageNumber: number, dpi: number): Promise<RawImage> {
  const page = await doc.getPage(pageNumber);
  try {
    let scale = dpi / 72;
    const base = page.getViewport({ scale });
    const pixels = base.width * base.height;
    if (pixels > MAX_PIXELS) scale *= Math.sqrt(MAX_PIXELS / pixels);
    const viewport = page.getViewport({ scale });
    const width = Math.max(1, Math.floor(viewport.width));
    const height = Math.max(1, Math.floor(viewport.height));
    const canvas = createCanvas(width, height);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, width, height);
    // pdf.js types its canvas parameters with DOM types; @napi-rs/canvas implements that API.
    const params = { canvas, canvasContext: context, viewport, background: "#ffffff" };
    await page.render(params as unknown as RenderParameters).promise;
    const data = context.getImageData(0, 0, width, height).data;
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width,
      height,
      channels: 4,
    };
  } finally {
    page.cleanup();
  }
}
