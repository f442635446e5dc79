/**
 * @module Loading pdf.js (the legacy build, the one meant for Node) and opening
 * documents with it.
 *
 * - pdf.js needs its bundled standard fonts, CMaps and wasm decoders (JPEG 2000,
 *   JBIG2, colour profiles); without them glyphs of non-embedded fonts and CJK
 *   text silently come out wrong. Their directories are resolved from the
 *   installed package and passed as file paths (pdf.js reads them with `fs` in
 *   Node, so a trailing "/" is required and no URL is ever fetched).
 * - No worker: the worker module is imported here and exposed as
 *   `globalThis.pdfjsWorker`, which makes pdf.js run its "fake worker" in this
 *   thread instead of loading a script. The parser already runs in a worker
 *   thread of the server's sandbox.
 * - The legacy build's needless replacements of `Array.prototype.push` and
 *   `JSON.parse` are undone after loading (see `withNativeBuiltins`).
 * - `isEvalSupported: false` (no code generation from PDF content),
 *   `disableFontFace` (no system font loading), errors-only logging.
 * - pdf.js takes ownership of the buffer it is given and refuses Node
 *   Buffers, so the bytes are copied into a plain Uint8Array.
 * - Errors: a password → ParseError ENCRYPTED; anything else while opening →
 *   PARSE_FAILED with pdf.js's reason.
 */
import { createRequire } from "node:module";
import path from "node:path";
import type * as PdfJs from "pdfjs-dist/legacy/build/pdf.mjs";
import { ParseError } from "../types.js";

export type PdfJsModule = typeof PdfJs;
export type PDFDocumentProxy = PdfJs.PDFDocumentProxy;
export type PDFPageProxy = PdfJs.PDFPageProxy;

const require = createRequire(import.meta.url);
const PACKAGE_DIR = path.dirname(require.resolve("pdfjs-dist/package.json"));

/** Directory of a pdf.js asset folder, as pdf.js wants it (trailing separator). */
function assetDir(name: string): string {
  return `${path.join(PACKAGE_DIR, name)}${path.sep}`;
}

let loading: Promise<PdfJsModule> | undefined;

/**
 * The legacy build's core-js polyfills replace `Array.prototype.push` and
 * `JSON.parse` although Node's own are correct; the polyfilled `push` alone
 * cost ~10 % of the parse time (and slowed every other array in the thread).
 * The natives are put back once pdf.js is loaded; the polyfills that add
 * missing features (Promise.withResolvers, Uint8Array.toHex, …) stay.
 */
async function withNativeBuiltins<T>(load: () => Promise<T>): Promise<T> {
  const push = Array.prototype.push;
  const parse = JSON.parse;
  try {
    return await load();
  } finally {
    if (Array.prototype.push !== push) {
      Object.defineProperty(Array.prototype, "push", { value: push, writable: true, configurable: true });
    }
    if (JSON.parse !== parse) {
      Object.defineProperty(JSON, "parse", { value: parse, writable: true, configurable: true });
    }
  }
}

/** The pdf.js module, loaded once per thread (with its worker code in this thread). */
export function loadPdfJs(): Promise<PdfJsModule> {
  loading ??= withNativeBuiltins(async () => {
    const worker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
    return import("pdfjs-dist/legacy/build/pdf.mjs");
  });
  return loading;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Open a PDF with pdf.js.
 *
 * @throws ParseError ENCRYPTED (password-protected), PARSE_FAILED (not a readable PDF)
 * @example const doc = await openPdfDocument(bytes); doc.numPages; await doc.destroy();
 */
export async function openPdfDocument(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    // A copy, and a plain Uint8Array: pdf.js takes the buffer over and rejects Node Buffers.
    data: new Uint8Array(bytes),
    standardFontDataUrl: assetDir("standard_fonts"),
    cMapUrl: assetDir("cmaps"),
    cMapPacked: true,
    wasmUrl: assetDir("wasm"),
    iccUrl: assetDir("iccs"),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    if ((error as { name?: string } | null)?.name === "PasswordException") {
      throw new ParseError("ENCRYPTED", "the PDF is password-protected");
    }
    throw new ParseError("PARSE_FAILED", `the file is not a readable PDF: ${reason(error)}`);
  }
}
