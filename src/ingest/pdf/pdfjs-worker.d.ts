/**
 * @module Types for the pdf.js worker module, which ships without declarations:
 * `./pdfjs.ts` only needs it as an opaque value to hand to pdf.js.
 */
declare module "pdfjs-dist/legacy/build/pdf.worker.mjs" {
  export const WorkerMessageHandler: unknown;
}
